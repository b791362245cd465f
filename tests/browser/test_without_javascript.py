"""GOV.UK pages must work with JavaScript off: sign in and make a referral with none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groupwork.participants.models import Participant
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import (
    NewMan,
    error_summary,
    fill_date,
    fill_new_referral,
    submit_referral,
)

pytestmark = pytest.mark.django_db(transaction=True)

ERROL = NewMan(
    first_name="Errol",
    last_name="Nash",
    case_reference="W654321",
    date_of_birth=("3", "11", "1975"),
)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_referral_made_without_javascript(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    sign_in("om.worcester")
    # The inline script in base.html adds js-enabled to <body> when scripts run; they must not.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert_accessible(page)

    page.get_by_role("link", name="Make a new referral").click()
    expect(page).to_have_title("Make a new referral – Groupwork")
    assert_accessible(page)

    # A missing field first: the error page must work without scripts too.
    fill_new_referral(page, ERROL)
    page.get_by_label("Author of the report").fill("")
    submit_referral(page)
    expect(error_summary(page).get_by_role("link")).to_have_text(["Enter the author of the report"])
    assert_accessible(page)
    assert not Participant.objects.filter(case_reference=ERROL.case_reference).exists()

    page.get_by_label("Author of the report").fill("P. Writer")
    fill_date(page, "Date of birth", *ERROL.date_of_birth)  # the boxes kept what was typed
    submit_referral(page)

    man = Participant.objects.get(case_reference=ERROL.case_reference)
    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral made for {ERROL.full_name}."
    )
    assert_accessible(page)

    page.get_by_role("link", name="Back to the list").click()
    expect(page.get_by_role("link", name=ERROL.list_name)).to_be_visible()
    assert_accessible(page)
