"""A chief officer reads the audit log of their area and filters it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import error_summary, fieldset, fill_date

pytestmark = pytest.mark.django_db(transaction=True)


def event_rows(page: Page) -> Any:
    """The body rows of the events table (the header row left out)."""
    return page.get_by_role("table", name="Audit events, newest first").locator("tbody tr")


def test_audit_log_lists_events_and_filters_by_action(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    sign_in("chief.westmercia")  # signing in, and landing on the dashboard, are both logged
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    rows = event_rows(page)
    expect(rows.filter(has_text="Signed in")).to_have_count(1)
    expect(rows.filter(has_text="Viewed a dashboard")).to_have_count(1)
    expect(rows.first).to_contain_text("chief.westmercia")
    assert_accessible(page)

    # Filter by action: only that action is listed, and the form keeps the choice.
    page.get_by_text("Filter the log").click()
    page.get_by_label("Action").select_option(label="Signed in")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]action=signed_in(&|$)"))
    expect(page.get_by_label("Action")).to_have_value("signed_in")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Signed in")
    expect(rows).to_contain_text("chief.westmercia")
    assert_accessible(page)

    # An action nobody has taken yet lists nothing.
    page.get_by_label("Action").select_option(label="Made a referral")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_text(["No events match."])
    assert_accessible(page)

    # An impossible date is refused with an error, on a page titled as an error.
    page.get_by_label("Action").select_option(label="Any action")
    fill_date(page, "From", "31", "2", "2026")
    page.get_by_role("button", name="Filter").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["From must be a real date"])
    expect(page).to_have_title(re.compile(r"^Error: Audit log"))
    assert_accessible(page)
    summary.get_by_role("link", name="From must be a real date").click()
    expect(fieldset(page, "From").get_by_label("Day")).to_be_focused()

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{live_server.url}/audit/")
    expect(rows.filter(has_text="Read the audit log").first).to_be_visible()
    assert_accessible(page)
