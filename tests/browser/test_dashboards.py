"""Each role signs in and lands on its dashboard: an officer's work due, a facilitator's
sessions and registers, a programme manager's waiting list and places, a chief officer's
figures for the last 12 months. Every dashboard is checked with axe-core."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from groupwork.attendance.models import AbsenceReason
from groupwork.attendance.tests.factories import AbsenceFactory, CatchUpFactory
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.groups.models import Session, SessionFacilitator
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
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

pytestmark = pytest.mark.django_db(transaction=True)


def build_area() -> tuple[Session, Referral]:
    """One staff member of each role; a group meeting today whose last session's register was
    not taken; Adam Archer, in it, absent from that session with a sick note due; two men
    waiting for a place."""
    today = timezone.localdate()
    area = AreaFactory.create()
    office = OfficeFactory.create(area=area, name="Programmes Unit Worcester")
    team = TeamFactory.create(area=area, office=office)
    officer = UserFactory.create(
        username="om.dash", role=Role.OFFENDER_MANAGER, area=area, office=office, team=team
    )
    facilitator = UserFactory.create(
        username="fac.dash", role=Role.FACILITATOR, area=area, first_name="Fay", last_name="Hill"
    )
    UserFactory.create(username="pm.dash", role=Role.PROGRAMME_MANAGER, area=area)
    UserFactory.create(username="chief.dash", role=Role.CHIEF_OFFICER, area=area)
    group = GroupFactory.create(
        area=area,
        centre=office,
        name="Worcester Induction",
        facilitators=[facilitator],
        start_date=today - datetime.timedelta(days=21),
    )
    missed = SessionFactory.create(group=group, number=2, date=today - datetime.timedelta(days=3))
    session_today = SessionFactory.create(group=group, number=3, date=today)
    SessionFacilitator.objects.create(session=session_today, facilitator=facilitator)
    referral = ReferralFactory.create(
        participant__area=area,
        participant__first_name="Adam",
        participant__last_name="Archer",
        responsible_officer=officer,
        status_id="on_programme",
    )
    MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
    AbsenceFactory.create(
        session=missed,
        referral=referral,
        reason=AbsenceReason.ILLNESS,
        reported_by=facilitator,
        evidence_due=today + datetime.timedelta(days=4),
    )
    CatchUpFactory.create(referral=referral, missed_session=missed)
    EnforcementItemFactory.create(
        referral=referral,
        failure_date=missed.date,
        must_act_by=today + datetime.timedelta(days=10),
    )
    for _ in range(2):
        ReferralFactory.create(
            participant__area=area, responsible_officer=officer, status_id="awaiting_allocation"
        )
    return session_today, referral


def card(page: Page, title: str) -> Locator:
    return page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=title))


def row(table: Locator, header: str) -> Locator:
    """The table's row whose header cell is exactly `header`."""
    return table.get_by_role("row").filter(
        has=table.page.get_by_role("rowheader", name=header, exact=True)
    )


def land_on_the_dashboard(page: Page, sign_in: SignIn, username: str) -> None:
    page.context.clear_cookies()
    sign_in(username)
    expect(page).to_have_title("Dashboard – Groupwork")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link").first).to_have_text("Dashboard")


def test_each_role_lands_on_its_dashboard(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    session_today, referral = build_area()
    man = referral.participant

    land_on_the_dashboard(page, sign_in, "om.dash")
    absences = card(page, "Absences waiting for a decision")
    expect(absences).to_contain_text("1 pending")
    expect(absences.get_by_role("table", name=r"Absences waiting for a decision")).to_contain_text(
        "Illness"
    )
    expect(card(page, "Enforcement to act on")).to_contain_text("1 open")
    expect(card(page, "Catch-ups not done")).to_contain_text("1 outstanding")
    assert_accessible(page)
    absences.get_by_role("link", name=man.full_name).click()
    expect(page).to_have_url(f"{live_server.url}/absences/{referral.absences.get().pk}/")

    land_on_the_dashboard(page, sign_in, "fac.dash")
    expect(card(page, "Today's sessions")).to_contain_text("1 today")
    expect(card(page, "Registers not taken")).to_contain_text("1 from sessions in the last 14 days")
    expect(card(page, "Catch-ups to run")).to_contain_text(man.full_name)
    assert_accessible(page)
    card(page, "Today's sessions").get_by_role(
        "link", name="Take the register of Worcester Induction session 3"
    ).click()
    expect(page).to_have_url(
        f"{live_server.url}/groups/{session_today.group_id}/sessions/{session_today.pk}/register/"
    )

    land_on_the_dashboard(page, sign_in, "pm.dash")
    expect(card(page, "Waiting list")).to_contain_text("2 waiting for a place in a group")
    places = page.get_by_role("table", name="Places free per centre")
    expect(row(places, "Programmes Unit Worcester")).to_contain_text("10")
    load = page.get_by_role("table", name=r"Sessions per facilitator in the next 4 weeks")
    expect(row(load, "Fay Hill")).to_contain_text("1")
    assert_accessible(page)

    land_on_the_dashboard(page, sign_in, "chief.dash")
    figures = page.get_by_role("table", name="Headline figures for the last 12 months")
    expect(row(figures, "Referrals")).to_contain_text("3")
    expect(row(figures, "Starts")).to_contain_text("1")
    expect(card(page, "Open complaints by deadline")).to_contain_text("0 waiting for an answer")
    expect(
        card(page, "The last 12 months").get_by_role("link", name="All reports")
    ).to_have_attribute("href", "/reports/")
    assert_accessible(page)
