"""An officer holds a man's pre-programme one-to-one; a facilitator sets an assignment and
marks his late; his complaint goes through stages 1 and 2 to the Chief Officer at stage 3 and
is answered with a letter. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from groupwork.casework.models import (
    AssignmentMark,
    AssignmentResult,
    ComplaintStage,
    OneToOne,
    OneToOneStatus,
)
from groupwork.groups.models import Group
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.models import LetterKind
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import (
    AreaFactory,
    OfficeFactory,
    TeamFactory,
    UserFactory,
)
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import fieldset, fill_date

pytestmark = pytest.mark.django_db(transaction=True)


def build_case() -> tuple[Group, Referral]:
    """One man on om.casework's caseload, in a group that met last week and meets next week."""
    today = timezone.localdate()
    area = AreaFactory.create()
    office = OfficeFactory.create(area=area, name="Programmes Unit Worcester", phone="01905 613822")
    team = TeamFactory.create(area=area, office=office)
    officer = UserFactory.create(
        username="om.casework", role=Role.OFFENDER_MANAGER, area=area, office=office, team=team
    )
    UserFactory.create(
        username="spo.casework",
        role=Role.MANAGER,
        area=area,
        team=team,
        first_name="Sam",
        last_name="Senior",
    )
    UserFactory.create(
        username="chief.casework",
        role=Role.CHIEF_OFFICER,
        area=area,
        office=office,
        first_name="Carol",
        last_name="Chief",
    )
    facilitator = UserFactory.create(username="fac.casework", role=Role.FACILITATOR, area=area)
    group = GroupFactory.create(
        area=area,
        centre=office,
        name="Worcester Induction",
        facilitators=[facilitator],
        start_date=today - datetime.timedelta(days=7),
    )
    SessionFactory.create(group=group, number=1, date=today - datetime.timedelta(days=7))
    SessionFactory.create(group=group, number=2, date=today + datetime.timedelta(days=7))
    referral = ReferralFactory.create(
        participant__area=area,
        participant__first_name="Adam",
        participant__last_name="Archer",
        responsible_officer=officer,
        status_id="on_programme",
    )
    MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
    return group, referral


def fill_today(page: Page, legend: str) -> None:
    today = timezone.localdate()
    fill_date(page, legend, str(today.day), str(today.month), str(today.year))


def hold_the_first_one_to_one(page: Page, url: str, check: AssertAccessible) -> None:
    page.goto(url)
    page.get_by_role("button", name="Plan one-to-ones from his timetable").click()
    page.get_by_role("link", name="Before the programme").click()
    expect(page.get_by_role("heading", name="One-to-one: Before the programme")).to_be_visible()
    check(page)
    fill_today(page, "Date of the one-to-one")
    page.get_by_label("Time", exact=True).fill("00:05")
    page.get_by_role("button", name="Book the one-to-one").click()
    expect(page.get_by_text("The one-to-one is booked.")).to_be_visible()
    fieldset(page, "Did the one-to-one take place?").get_by_label("Yes, it was held").check()
    page.get_by_label("Notes").fill("We went through the group rules and what to expect.")
    check(page)
    page.get_by_role("button", name="Record the one-to-one").click()
    expect(page.get_by_text("The one-to-one is recorded.")).to_be_visible()
    check(page)


def set_and_mark_late(page: Page, url: str, check: AssertAccessible) -> None:
    page.goto(url)
    page.get_by_role("link", name="Set an assignment for session 1").click()
    expect(page.get_by_role("heading", name="Set an assignment")).to_be_visible()
    check(page)
    page.get_by_label("Title").fill("A time I felt under pressure")
    page.get_by_label("Instructions").fill("Write a few lines about it.")
    page.get_by_role("button", name="Set the assignment").click()
    expect(page.get_by_role("heading", name="A time I felt under pressure")).to_be_visible()
    check(page)
    card = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="Adam Archer"))
    card.get_by_label("Done late").check()
    page.get_by_role("button", name="Save the marks").click()
    expect(page.get_by_text("Rule broken:")).to_be_visible()
    check(page)


def answer(page: Page, outcome: str, what: str) -> None:
    fieldset(page, "What we found").get_by_label(outcome, exact=True).check()
    page.get_by_label("What we will do").fill(what)
    fill_today(page, "Date of the answer")
    page.get_by_role("button", name="Save the answer and write the letter").click()


def escalate(page: Page, stage: int, handler: str) -> None:
    fieldset(page, f"Who handles stage {stage}").get_by_label(re.compile(handler)).check()
    fill_today(page, "Date he asked to take it further")
    page.get_by_role("button", name=f"Take it to stage {stage}").click()


def test_one_to_one_assignment_and_a_complaint_to_stage_3(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    group, referral = build_case()
    man = referral.participant
    record = f"{live_server.url}/participants/{man.pk}/"

    sign_in("om.casework")
    hold_the_first_one_to_one(page, f"{record}one-to-ones/", assert_accessible)
    held = OneToOne.objects.get(referral=referral, code="before")
    assert held.status == OneToOneStatus.HELD

    page.goto(record)
    page.get_by_role("link", name="Record a complaint from him").click()
    expect(page.get_by_label("What he complains about")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What he complains about").fill("He says the room was too cold.")
    fill_today(page, "Date we got the complaint")
    page.get_by_role("button", name="Record the complaint").click()
    expect(page.get_by_role("heading", name=re.compile("Complaint received"))).to_be_visible()
    assert_accessible(page)
    answer(page, "Not upheld", "We checked the heating and it works.")
    assert_accessible(page)
    escalate(page, 2, "Sam Senior")
    assert_accessible(page)
    complaint_url = page.url

    page.context.clear_cookies()
    sign_in("fac.casework")
    set_and_mark_late(page, f"{live_server.url}/groups/{group.pk}/", assert_accessible)
    assert AssignmentMark.objects.get().result == AssignmentResult.LATE

    page.context.clear_cookies()
    sign_in("chief.casework")
    page.goto(complaint_url)
    answer(page, "Partly upheld", "We will check the room before each session.")
    escalate(page, 3, "Carol Chief")
    answer(page, "Upheld", "We will fix the heating this month.")
    expect(page.get_by_text("Answered at stage 3")).to_be_visible()
    assert_accessible(page)
    stage_3 = ComplaintStage.objects.get(number=3)
    assert stage_3.outcome == "upheld"
    assert stage_3.letter is not None
    assert stage_3.letter.kind == LetterKind.COMPLAINT_RESPONSE
    pdf = page.request.get(f"{live_server.url}/letters/{stage_3.letter_id}/")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
