"""An officer reads a man's timeline, filters it to his absences without JavaScript, writes
the completion letter and end-of-programme report once he has completed, and prints the
centre's information sheet from the group page. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from groupwork.attendance.models import Outcome
from groupwork.attendance.tests.factories import AbsenceFactory, AttendanceFactory
from groupwork.groups.models import Group
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn

pytestmark = pytest.mark.django_db(transaction=True)


def build_man() -> tuple[Group, Referral]:
    """A man who has completed, with two sessions attended and one absence."""
    area = AreaFactory.create()
    centre = OfficeFactory.create(
        area=area,
        name="Programmes Unit Worcester",
        slug="programmes-unit-worcester",
        phone="01632 960123",
    )
    officer = UserFactory.create(
        username="om.timeline", role=Role.OFFENDER_MANAGER, area=area, office=centre
    )
    group = GroupFactory.create(area=area, centre=centre, name="Worcester Induction")
    referral = ReferralFactory.create(
        participant__area=area,
        participant__first_name="Adam",
        participant__last_name="Archer",
        responsible_officer=officer,
        status_id="completed",
    )
    MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
    for number in (1, 2):
        session = SessionFactory.create(
            group=group, number=number, date=datetime.date(2026, 9, 7 + number)
        )
        AttendanceFactory.create(referral=referral, session=session, outcome=Outcome.ATTENDED)
    missed = SessionFactory.create(group=group, number=3, date=datetime.date(2026, 9, 14))
    AbsenceFactory.create(referral=referral, session=missed)
    return group, referral


def test_timeline_completion_documents_and_information_sheet(
    page: Page,
    browser: Browser,
    live_server: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    group, referral = build_man()
    sign_in("om.timeline")

    record = f"{live_server.url}/participants/{referral.participant_id}/"
    page.goto(record)
    timeline = page.get_by_role("table", name="Everything on his record, newest first")
    expect(
        timeline.get_by_text("Worcester Induction, session 2: Attended and complied")
    ).to_be_visible()
    assert_accessible(page)

    # Filtering works as a plain form: no JavaScript needed.
    cookies = page.context.cookies()
    scriptless = browser.new_context(java_script_enabled=False)
    try:
        scriptless.add_cookies(cookies)  # type: ignore[arg-type]
        plain = scriptless.new_page()
        plain.goto(record)
        plain.get_by_label("Show").select_option(label="Absences")
        plain.get_by_role("button", name="Filter").click()
        absences = plain.get_by_role("table", name="Absences, newest first")
        expect(
            absences.get_by_text(re.compile("Absent from Worcester Induction, session 3"))
        ).to_be_visible()
        expect(absences.get_by_text("Attended and complied")).to_have_count(0)
        assert_accessible(plain)
    finally:
        scriptless.close()

    page.get_by_role("link", name=re.compile("Write the completion letter")).click()
    expect(
        page.get_by_role("heading", name="Completion letter and end-of-programme report")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Write the letter and the report").click()
    expect(page.get_by_role("link", name="Enter the facilitators' summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The facilitators' summary").fill("He took a full part in every session.")
    page.get_by_role("button", name="Write the letter and the report").click()
    expect(
        page.get_by_text("The completion letter and the end-of-programme report are written.")
    ).to_be_visible()
    assert_accessible(page)
    kinds = set(Letter.objects.filter(referral=referral).values_list("kind", flat=True))
    assert kinds == {LetterKind.COMPLETION, LetterKind.END_OF_PROGRAMME_REPORT}

    page.goto(f"{live_server.url}/groups/{group.pk}/")
    assert_accessible(page)
    for name in ("easy read (PDF)", "large print (PDF)"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
