"""A facilitator records the men's agreement to the group rules at the first session; the
officer plans a man's one-to-ones from his timetable, books the three-way one with a
facilitator, and records that he missed it. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from groupwork.casework.models import OneToOne, OneToOneStatus, RulesAgreement
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import fieldset, fill_date

pytestmark = pytest.mark.django_db(transaction=True)


def build_group() -> tuple[Group, Referral]:
    """One man in a group whose first session was last week and whose next is next week."""
    today = timezone.localdate()
    area = AreaFactory.create()
    office = OfficeFactory.create(area=area, name="Programmes Unit Worcester", phone="01905 613822")
    officer = UserFactory.create(
        username="om.browser", role=Role.OFFENDER_MANAGER, area=area, office=office
    )
    facilitator = UserFactory.create(
        username="fac.browser",
        role=Role.FACILITATOR,
        area=area,
        first_name="Faye",
        last_name="Fisher",
    )
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


def agree_to_the_rules(page: Page, url: str, assert_accessible: AssertAccessible) -> None:
    page.goto(url)
    page.get_by_role("link", name="Group rules agreement at session 1").click()
    expect(page.get_by_role("heading", name="Group rules agreement")).to_be_visible()
    expect(page.get_by_text("Come on time.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_role("link", name="Select the men who agreed to the rules")).to_be_visible()
    assert_accessible(page)
    fieldset(page, "Men who agreed to the rules today").get_by_label("Adam Archer").check()
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text("Agreement to the rules recorded for 1 man.")).to_be_visible()
    agreed = page.get_by_role("table", name="Men who have agreed to the rules")
    expect(agreed.get_by_role("row", name=re.compile("Adam Archer.*Faye Fisher"))).to_be_visible()
    assert_accessible(page)


def book_and_record(page: Page, url: str, assert_accessible: AssertAccessible) -> None:
    today = timezone.localdate()
    page.goto(url)
    expect(page.get_by_role("heading", name="One-to-ones")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Plan one-to-ones from his timetable").click()
    expect(page.get_by_text("4 one-to-ones added or moved.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Halfway through").click()
    expect(page.get_by_role("heading", name="One-to-one: Halfway through")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Book the one-to-one").click()
    expect(page.get_by_role("link", name="Enter the time of the one-to-one")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date of the one-to-one", str(today.day), str(today.month), str(today.year))
    page.get_by_label("Time", exact=True).fill("00:05")
    page.get_by_label("Facilitator who will join").select_option(label="Faye Fisher")
    page.get_by_role("button", name="Book the one-to-one").click()
    expect(page.get_by_text("The one-to-one is booked.")).to_be_visible()
    assert_accessible(page)
    fieldset(page, "Did the one-to-one take place?").get_by_label("No, he missed it").check()
    page.get_by_label("Reason he gave for missing it").fill("None given")
    fieldset(page, "If he missed it, is the reason acceptable?").get_by_label(
        "No acceptable reason"
    ).check()
    page.get_by_role("button", name="Record the one-to-one").click()
    expect(page.get_by_text("The one-to-one is recorded.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"by \d+ \w+ \d{4}"))).to_be_visible()
    assert_accessible(page)


def test_rules_agreement_and_a_missed_one_to_one(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    group, referral = build_group()
    sign_in("fac.browser")
    agree_to_the_rules(page, f"{live_server.url}/groups/{group.pk}/", assert_accessible)
    assert RulesAgreement.objects.get().referral == referral

    page.context.clear_cookies()
    sign_in("om.browser")
    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_role("heading", name="One-to-ones due")).to_be_visible()
    assert_accessible(page)
    man = referral.participant
    book_and_record(
        page, f"{live_server.url}/participants/{man.pk}/one-to-ones/", assert_accessible
    )
    midpoint = OneToOne.objects.get(referral=referral, code="midpoint")
    assert midpoint.status == OneToOneStatus.MISSED_UNACCEPTABLE
    assert EnforcementItem.objects.get(referral=referral).attendance is None
