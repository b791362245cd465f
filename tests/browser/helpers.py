"""Page helpers shared by the browser journeys: filling in GOV.UK forms the way a person would,
by the labels and legends they read, so a missing or wrong label fails the test."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, Page

PASSWORD = "test-password-123"  # what UserFactory gives every user


@dataclass(frozen=True)
class NewMan:
    """What the offender manager types into "Make a new referral"."""

    first_name: str
    last_name: str
    case_reference: str
    date_of_birth: tuple[str, str, str]  # day, month, year, as typed

    @property
    def list_name(self) -> str:
        """How the caseload lists him: surname first."""
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def fieldset(page: Page, legend: str) -> Locator:
    """The fieldset (role "group") whose legend is exactly ``legend``."""
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = fieldset(page, legend)
    group.get_by_label("Day", exact=True).fill(day)
    group.get_by_label("Month", exact=True).fill(month)
    group.get_by_label("Year", exact=True).fill(year)


def fill_new_referral(page: Page, man: NewMan) -> None:
    """Fill in every field of "Make a new referral" that a referral needs."""
    page.get_by_label("First name", exact=True).fill(man.first_name)
    page.get_by_label("Last name", exact=True).fill(man.last_name)
    fill_date(page, "Date of birth", *man.date_of_birth)
    page.get_by_label("Case reference", exact=True).fill(man.case_reference)
    page.get_by_label("Mobile phone number").fill("07700 900123")
    page.get_by_label("Postcode").fill("WR1 1AA")

    fieldset(page, "Sex").get_by_label("Male", exact=True).check()
    page.get_by_label("Offence", exact=True).select_option(label="Contact sexual offence")
    fieldset(page, "Report that made the referral").get_by_label("Pre-sentence report").check()
    fill_date(page, "Date of the report", "1", "9", "2026")
    page.get_by_label("Author of the report").fill("P. Writer")
    fieldset(page, "Sentence").get_by_label("Community order", exact=False).check()
    fill_date(page, "Sentence start date", "15", "9", "2026")
    fill_date(page, "Sentence end date", "14", "9", "2028")


def submit_referral(page: Page) -> None:
    page.get_by_role("button", name="Make the referral").click()


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")
