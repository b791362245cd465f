"""A facilitator takes a whole group's register in one submission; the officer finds the absent
men on their to-do list, accepts one absence on a doctor's note and warns the other man, whose
warning letter opens as a PDF. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from groupwork.attendance.models import Absence, AbsenceStatus, Attendance, Outcome
from groupwork.groups.models import Group, Session
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import fieldset, fill_date

pytestmark = pytest.mark.django_db(transaction=True)
SESSION_DAY = datetime.date(2026, 11, 16)  # a Monday, before today


def man_card(page: Page, name: str) -> Locator:
    return page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=name))


def build_group() -> tuple[Group, Session, dict[str, Referral]]:
    """A group of three men, all on one officer's caseload, with a session last week."""
    area = AreaFactory.create()
    office = OfficeFactory.create(area=area, name="Programmes Unit Worcester", phone="01905 613822")
    officer = UserFactory.create(
        username="om.browser", role=Role.OFFENDER_MANAGER, area=area, office=office
    )
    facilitator = UserFactory.create(username="fac.browser", role=Role.FACILITATOR, area=area)
    group = GroupFactory.create(
        area=area, centre=office, name="Worcester Induction", facilitators=[facilitator]
    )
    session = SessionFactory.create(group=group, number=6, date=SESSION_DAY)
    men = {}
    for first, last in [("Adam", "Archer"), ("Ben", "Baker"), ("Carl", "Cole")]:
        referral = ReferralFactory.create(
            participant__area=area,
            participant__first_name=first,
            participant__last_name=last,
            responsible_officer=officer,
            status_id="on_programme",
        )
        MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
        men[first] = referral
    return group, session, men


def take_register(page: Page, url: str, assert_accessible: AssertAccessible) -> None:
    page.goto(url)
    page.get_by_role("link", name="Take the register for session 6").click()
    expect(page.get_by_role("heading", name="Register for session 6")).to_be_visible()
    assert_accessible(page)
    man_card(page, "Adam Archer").get_by_label("Attended and complied").check()
    ben = man_card(page, "Ben Baker")
    ben.get_by_label("Absent", exact=True).check()
    ben.get_by_text("Lateness, rules, reason for absence and a note").click()
    ben.get_by_label("If absent: the reason he gave").select_option(label="Illness")
    man_card(page, "Carl Cole").get_by_label("Absent", exact=True).check()
    page.get_by_label("Note about the session").fill("Adam and Carl talked over each other.")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved for session 6.")).to_be_visible()
    assert_accessible(page)


def accept_sick_note(page: Page, url: str, assert_accessible: AssertAccessible) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Your to-do list")).to_be_visible()
    pending = page.get_by_role("table", name="Absences waiting for a decision")
    expect(pending.get_by_role("row", name=re.compile("Ben Baker.*Pending"))).to_be_visible()
    expect(pending.get_by_role("row", name=re.compile("Carl Cole.*Pending"))).to_be_visible()
    assert_accessible(page)

    pending.get_by_role("link", name=re.compile("Ben Baker")).click()
    expect(page.get_by_role("heading", name="Absence from session 6")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Decide whether it is acceptable").click()
    fill_date(page, "Date the evidence came", "18", "11", "2026")
    page.get_by_label("Evidence", exact=True).fill("Fit note from his GP, 3 days.")
    fieldset(page, "Is the absence acceptable?").get_by_label("Acceptable", exact=True).check()
    page.get_by_label("Why you decided this").fill("A doctor's note covers the day.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", name="Absence from session 6")).to_be_visible()
    assert_accessible(page)


def warn_for_absence(page: Page, url: str, assert_accessible: AssertAccessible) -> str:
    """Decide the absence is not acceptable and give a warning; the letter's address."""
    page.goto(url)
    page.get_by_role("link", name=re.compile("Carl Cole")).first.click()
    page.get_by_role("link", name="Decide whether it is acceptable").click()
    fieldset(page, "Is the absence acceptable?").get_by_label("Not acceptable").check()
    page.get_by_label("Why you decided this").fill("He did not answer calls and gave no reason.")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_role("link", name=re.compile("by .* 2026")).first.click()
    expect(page.get_by_role("heading", name="Failure to comply")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the action taken").click()
    fieldset(page, "What did you do?").get_by_label("Gave a warning").check()
    fill_date(page, "Date of the action", "20", "11", "2026")
    page.get_by_role("textbox", name="Reason").fill("His first failure.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", name="Failure to comply")).to_be_visible()
    assert_accessible(page)
    return page.get_by_role("link", name="Open the letter (PDF)").get_attribute("href") or ""


def test_register_absence_sick_note_and_warning_letter(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    group, session, men = build_group()
    sign_in("fac.browser")
    take_register(page, f"{live_server.url}/groups/{group.pk}/", assert_accessible)
    assert Attendance.objects.filter(session=session).count() == 3

    page.context.clear_cookies()
    sign_in("om.browser")
    accept_sick_note(page, f"{live_server.url}/tasks/", assert_accessible)
    assert Absence.objects.get(referral=men["Ben"]).status == AbsenceStatus.ACCEPTABLE
    assert Attendance.objects.get(referral=men["Ben"]).outcome == Outcome.ABSENT_ACCEPTABLE

    letter = warn_for_absence(page, f"{live_server.url}/tasks/", assert_accessible)
    response = page.request.get(f"{live_server.url}{letter}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert Letter.objects.get(referral=men["Carl"]).kind == LetterKind.WARNING
