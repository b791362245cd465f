"""An offender manager changes the status of a referral from his record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groupwork.attendance.tests.coverage import cover_pathway
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import error_summary, fieldset

pytestmark = pytest.mark.django_db(transaction=True)


def test_status_change_needs_a_choice_then_shows_in_the_history(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    man = world.worcester_man
    officer = world.users["om.worcester"]
    # He may complete only with his pathway's content covered.
    cover_pathway(world.worcester_referral, recorded_by=world.users["fac.worcester"])
    sign_in("om.worcester")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert_accessible(page)

    page.get_by_role("link", name=f"{man.last_name}, {man.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(man.full_name)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Change the status")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the status")
    expect(page.get_by_text("Now: On programme")).to_be_visible()
    assert_accessible(page)

    # Submitted without choosing.
    page.get_by_role("button", name="Change the status").click()
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Select the new status"])
    expect(page).to_have_title(re.compile(r"^Error: Change the status"))
    new_status = fieldset(page, "New status")
    expect(new_status.locator(".govuk-error-message")).to_have_text("Error: Select the new status")
    assert_accessible(page)
    summary.get_by_role("link", name="Select the new status").click()
    expect(new_status.get_by_role("radio").first).to_be_focused()

    new_status.get_by_label("Completed").check()
    page.get_by_label("Note").fill("Finished all sessions.")
    page.get_by_role("button", name="Change the status").click()

    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Status changed to Completed."
    )
    history = page.get_by_role("table", name="Status history")
    row = history.get_by_role("row").filter(has_text="On programme to Completed")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Finished all sessions.")
    expect(row).to_contain_text(officer.get_full_name())
    # A completed referral is closed: no more status changes offered.
    expect(page.get_by_role("link", name=re.compile(r"^Change the status"))).to_have_count(0)
    assert_accessible(page)

    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.status_id == "completed"
