"""The acceptance journey: an offender manager refers a new man to the programme.

She makes a slip in his date of birth first; nothing may be saved until she corrects it.
Every page the journey visits is checked with axe, the error page included.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import (
    NewMan,
    error_summary,
    fieldset,
    fill_new_referral,
    submit_referral,
)

pytestmark = pytest.mark.django_db(transaction=True)

DWAYNE = NewMan(
    first_name="Dwayne",
    last_name="Pickering",
    case_reference="W123456",
    date_of_birth=("31", "2", "1980"),  # there is no 31 February
)


def test_referral_with_an_impossible_date_is_refused_then_made(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    referrals_before = Referral.objects.count()
    sign_in("om.worcester")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert_accessible(page)

    page.get_by_role("link", name="Make a new referral").click()
    expect(page).to_have_title("Make a new referral – Groupwork")
    assert_accessible(page)

    fill_new_referral(page, DWAYNE)
    submit_referral(page)

    # Refused, with a clear message naming the date, on a page titled as an error.
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to it, for screen readers
    expect(summary.get_by_role("listitem")).to_have_text(["Date of birth must be a real date"])
    expect(page).to_have_title(re.compile(r"^Error: Make a new referral"))
    date_of_birth = fieldset(page, "Date of birth")
    expect(date_of_birth.locator(".govuk-error-message")).to_have_text(
        "Error: Date of birth must be a real date"
    )
    # What she typed is still there for her to correct.
    expect(page.get_by_label("First name", exact=True)).to_have_value("Dwayne")
    expect(page.get_by_label("Pre-sentence report")).to_be_checked()
    expect(date_of_birth.get_by_label("Day")).to_have_value("31")
    expect(date_of_birth.get_by_label("Day")).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    assert_accessible(page)

    # Nothing was saved.
    assert not Participant.objects.filter(case_reference=DWAYNE.case_reference).exists()
    assert Referral.objects.count() == referrals_before

    # The summary's link takes her to the first box of the date.
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(date_of_birth.get_by_label("Day")).to_be_focused()

    date_of_birth.get_by_label("Day").fill("28")
    submit_referral(page)

    man = Participant.objects.get(case_reference=DWAYNE.case_reference)
    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral made for {DWAYNE.full_name}."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(DWAYNE.full_name)
    expect(page.get_by_text("28 February 1980")).to_be_visible()
    assert_accessible(page)
    assert Referral.objects.count() == referrals_before + 1
    assert man.referrals.get().responsible_officer == world.users["om.worcester"]

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=DWAYNE.list_name))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(DWAYNE.case_reference)
    assert_accessible(page)
