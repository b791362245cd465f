"""A programme manager restricts a man's case to his officer, then downloads his data for a
subject access request. Every page is checked with axe-core."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import AreaFactory, UserFactory
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn

pytestmark = pytest.mark.django_db(transaction=True)


def test_restricting_a_case_and_exporting_his_data(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    area = AreaFactory.create()
    UserFactory.create(username="pm.browser", role=Role.PROGRAMME_MANAGER, area=area)
    officer = UserFactory.create(
        role=Role.OFFENDER_MANAGER, area=area, first_name="Olive", last_name="Officer"
    )
    UserFactory.create(
        role=Role.OFFENDER_MANAGER, area=area, first_name="Other", last_name="Colleague"
    )
    referral = ReferralFactory.create(
        participant__area=area,
        participant__first_name="Adam",
        participant__last_name="Archer",
        responsible_officer=officer,
        status_id="on_programme",
    )
    ReferralFactory.create(
        participant__area=area,
        participant__first_name="Brian",
        participant__last_name="Bellamy",
        responsible_officer=officer,
    )

    sign_in("pm.browser")
    page.goto(f"{live_server.url}/participants/{referral.participant_id}/")
    page.get_by_role("link", name="Who may see this case").click()
    expect(page.get_by_role("heading", name="Who may see this case")).to_be_visible()
    assert_accessible(page)
    staff = page.get_by_role("group", name="Staff who may see his case")
    staff.get_by_label("Olive Officer, Offender manager, his offender manager").check()
    page.get_by_role("button", name="Restrict his case").click()
    expect(page.get_by_text("Only the staff you chose may see his case.")).to_be_visible()

    page.get_by_role("link", name="Who may see this case").click()
    expect(page.get_by_role("button", name="Lift the restriction")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/participants/{referral.participant_id}/")
    page.get_by_role("link", name="Export his data (subject access)").click()
    expect(page.get_by_role("heading", name="Export his data (subject access)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download his data (ZIP)").click()
    path = download.value.path()
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        text = archive.read("data.json").decode() + archive.read("README.txt").decode()
    assert data["details"]["last_name"] == "Archer"
    assert "Bellamy" not in text
