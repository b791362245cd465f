"""The sign-in page tells you plainly when it cannot sign you in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AssertAccessible
from tests.browser.helpers import error_summary

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_password_is_refused_with_an_error(
    page: Page, live_server: Any, world: Any, assert_accessible: AssertAccessible
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    expect(page).to_have_title("Sign in – Groupwork")
    assert_accessible(page)

    # Nothing typed: each box is named in the summary, which links to it.
    page.get_by_role("button", name="Sign in").click()
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Enter your username", "Enter your password"])
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password")).to_be_focused()

    page.get_by_label("Username").fill("om.worcester")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)  # still signed out
    assert_accessible(page)
