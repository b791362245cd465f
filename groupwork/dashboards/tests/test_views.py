"""The dashboard of each role: what it counts and lists, who may open it, the audit entry, and
its number of queries, the same for few rows as for many."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupwork.attendance.models import CatchUpStatus, Outcome
from groupwork.attendance.tests.factories import AbsenceFactory, AttendanceFactory, CatchUpFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import (
    Complaint,
    ComplaintStage,
    Incident,
    IncidentKind,
    OneToOne,
)
from groupwork.core.tests.world import PERSONAS, World, client_for
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.groups.models import Session, SessionFacilitator, SessionStatus
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import OfficeFactory, UserFactory
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 10)  # a Thursday
MONDAY = datetime.date(2026, 12, 7)
# Session numbers clear of the world's and of the factory's sequence.
NUMBERS = itertools.count(1000)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def dashboard(world: World, persona: str) -> Any:
    response = client_for(world, persona).get("/dashboard/")
    assert response.status_code == 200
    return response


def officers_man(world: World, officer: str = "om.worcester", **extra: Any) -> Referral:
    referral: Referral = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users[officer],
        status_id=extra.pop("status_id", "on_programme"),
        **extra,
    )
    return referral


# Who lands where


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_every_role_but_the_administrator_lands_on_the_dashboard(
    world: World, persona: str
) -> None:
    assert client_for(world, persona).get("/")["Location"] == "/dashboard/"


def test_the_administrator_lands_on_the_audit_log_and_has_no_dashboard(world: World) -> None:
    client = client_for(world, "admin")
    assert client.get("/")["Location"] == "/audit/"
    assert client.get("/dashboard/").status_code == 403


def test_signing_out_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_only_get_is_allowed(world: World) -> None:
    assert client_for(world, "om.worcester").post("/dashboard/").status_code == 405


def test_the_navigation_starts_with_the_dashboard(world: World) -> None:
    for persona in ["om.worcester", "fac.worcester", "pm.westmercia", "chief.westmercia"]:
        page = dashboard(world, persona)
        assert page.context["nav_items"][0] == {
            "url": "/dashboard/",
            "label": "Dashboard",
            "active": True,
        }
    admin_page = client_for(world, "admin").get("/audit/").content.decode()
    assert 'href="/dashboard/"' not in admin_page


def test_each_view_is_audited_once_without_naming_a_man(world: World) -> None:
    dashboard(world, "om.worcester")
    dashboard(world, "chief.westmercia")

    events = AuditEvent.objects.filter(action=Action.DASHBOARD_VIEWED).order_by("pk")
    assert [(e.actor_id, e.detail) for e in events] == [
        (world.users["om.worcester"].pk, {"dashboard": "offender_manager"}),
        (world.users["chief.westmercia"].pk, {"dashboard": "chief_officer"}),
    ]
    assert all(event.participant_id is None for event in events)


# The offender manager and their manager


def test_the_officer_sees_their_mens_work_due(world: World) -> None:
    Task.objects.create(
        kind=TaskKind.SICK_NOTE_OVERDUE,
        key=f"absence-{world.worcester_absence.pk}",
        referral=world.worcester_referral,
        assigned_to=world.users["om.worcester"],
        due_on=datetime.date(2026, 12, 9),
        summary="Decide the absence",
    )
    overdue_note = AbsenceFactory.create(
        referral=officers_man(world),
        session=world.worcester_session,
        evidence_due=datetime.date(2026, 12, 9),
    )
    overdue_item = EnforcementItemFactory.create(
        referral=officers_man(world), must_act_by=datetime.date(2026, 12, 8)
    )
    EnforcementItemFactory.create(referral=world.telford_referral)  # not her man
    OneToOne.objects.create(
        referral=world.worcester_referral,
        code="later",
        label="Much later",
        due_on=TODAY + datetime.timedelta(days=15),  # beyond the 14 days
    )

    response = dashboard(world, "om.worcester")

    board = response.context["board"]
    assert board.for_team is False
    assert board.tasks.count == 1
    assert board.absences.count == 2
    assert board.absences.rows == [overdue_note, world.worcester_absence]
    assert board.sick_notes_overdue == 1
    assert board.enforcement.count == 2
    assert board.enforcement.rows == [overdue_item, world.worcester_enforcement]
    assert board.enforcement_overdue == 1
    assert board.one_to_ones.rows == [world.worcester_one_to_one]
    assert board.catch_ups.rows == [world.worcester_catch_up]
    page = response.content.decode()
    assert "Your dashboard" in page
    assert f'href="/absences/{world.worcester_absence.pk}/"' in page
    assert f'href="/enforcement/{overdue_item.pk}/"' in page
    assert f'href="/one-to-ones/{world.worcester_one_to_one.pk}/"' in page
    assert f'href="/catch-ups/{world.worcester_catch_up.pk}/"' in page
    assert "1 sick note overdue" in page
    assert world.telford_man.full_name not in page


def test_the_lists_are_short_and_say_how_many_more(world: World) -> None:
    for number in range(7):
        EnforcementItemFactory.create(
            referral=officers_man(world), must_act_by=TODAY + datetime.timedelta(days=number)
        )

    response = dashboard(world, "om.worcester")

    enforcement = response.context["board"].enforcement
    assert (enforcement.count, len(enforcement.rows), enforcement.more) == (8, 5, 3)
    assert "Showing 5 of 8." in response.content.decode()


def test_an_officer_with_no_men_yet_sees_empty_lists(world: World) -> None:
    newcomer = UserFactory.create(role=Role.OFFENDER_MANAGER, area=world.area)
    client = Client()
    client.force_login(newcomer)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    board = response.context["board"]
    lists = [board.absences, board.enforcement, board.one_to_ones, board.catch_ups, board.at_risk]
    assert [(rows.count, rows.rows) for rows in lists] == [(0, [])] * 5


def test_men_at_risk_of_not_finishing_are_those_placed_whose_sentence_ends_too_soon(
    world: World,
) -> None:
    soon = officers_man(world, sentence_end=datetime.date(2027, 1, 4))
    MembershipFactory.create(group=world.worcester_group, referral=soon)
    later = officers_man(world, sentence_end=datetime.date(2031, 1, 6))
    MembershipFactory.create(group=world.worcester_group, referral=later)
    # Waiting for a place: the programme manager's waiting list flags him, not this panel.
    officers_man(world, status_id="awaiting_allocation", sentence_end=datetime.date(2027, 1, 4))
    # Another officer's man.
    telfords = officers_man(world, "om.telford", sentence_end=datetime.date(2027, 1, 4))
    MembershipFactory.create(group=world.shrewsbury_group, referral=telfords)

    response = dashboard(world, "om.worcester")

    at_risk = response.context["board"].at_risk
    # The world's man has no pathway yet: the longest would end two months after his sentence.
    assert [row.referral for row in at_risk.rows] == [soon, world.worcester_referral]
    assert at_risk.rows[0].forecast.explanation == "He would finish after his sentence ends."
    assert f'href="/participants/{soon.participant_id}/"' in response.content.decode()


def test_a_restricted_case_that_does_not_name_her_is_left_out(world: World) -> None:
    world.worcester_man.restricted_to.add(world.users["pm.westmercia"])

    board = dashboard(world, "om.worcester").context["board"]

    assert board.absences.count == 0
    assert board.enforcement.count == 0
    assert board.catch_ups.count == 0


def test_the_manager_sees_the_teams_work(world: World) -> None:
    response = dashboard(world, "spo.worcester")

    board = response.context["board"]
    assert board.for_team is True
    assert board.absences.rows == [world.worcester_absence]
    assert "Your team's dashboard" in response.content.decode()


# The facilitator


def test_the_facilitator_sees_her_groups_sessions_registers_and_catch_ups(world: World) -> None:
    group = world.worcester_group
    today = SessionFactory.create(group=group, number=8, date=TODAY)
    tuesday = SessionFactory.create(group=group, number=7, date=MONDAY + datetime.timedelta(1))
    SessionFactory.create(group=group, number=9, date=TODAY + datetime.timedelta(days=7))
    SessionFactory.create(
        group=group, number=7, date=MONDAY, status=SessionStatus.CANCELLED, cancel_reason="Snow"
    )
    taken = SessionFactory.create(group=group, number=5, date=MONDAY - datetime.timedelta(3))
    Session.objects.filter(pk=taken.pk).update(register_taken_at="2026-12-04T13:00Z")
    SessionFactory.create(group=group, number=1, date=TODAY - datetime.timedelta(days=15))
    SessionFactory.create(group=world.shrewsbury_group, number=3, date=TODAY)  # not her group
    booked = CatchUpFactory.create(
        referral=world.worcester_referral,
        missed_session=tuesday,
        status=CatchUpStatus.BOOKED,
        facilitator=world.users["fac.worcester"],
        booked_for=TODAY + datetime.timedelta(days=2),
    )

    response = dashboard(world, "fac.worcester")

    board = response.context["board"]
    assert board.today == [today]
    assert board.this_week == [world.worcester_session, tuesday, today]
    assert board.untaken_registers.rows == [world.worcester_session, tuesday]
    assert board.catch_ups.rows == [booked, world.worcester_catch_up]
    assert board.catch_ups.rows[0].booked_with_them
    page = response.content.decode()
    register = f"/groups/{group.pk}/sessions/{today.pk}/register/"
    assert f'href="{register}"' in page
    assert "Shrewsbury group" not in page


# The programme manager


def test_the_programme_manager_sees_waiting_groups_places_and_load(world: World) -> None:
    officers_man(world, status_id="awaiting_allocation")
    restricted = officers_man(world, status_id="awaiting_allocation")
    restricted.participant.restricted_to.add(world.users["om.worcester"])  # still counted
    officers_man(world, status_id="awaiting_assessment")
    centre = OfficeFactory.create(area=world.area, name="Shrewsbury Group Centre")
    starting = GroupFactory.create(
        area=world.area,
        centre=centre,
        name="January induction",
        start_date=datetime.date(2027, 1, 11),
    )
    MembershipFactory.create(group=starting, referral=officers_man(world))
    GroupFactory.create(
        area=world.area,
        centre=centre,
        name="Spring induction",
        start_date=datetime.date(2027, 3, 1),
    )
    running = SessionFactory.create(group=world.worcester_group, number=9, date=TODAY)
    SessionFacilitator.objects.create(session=running, facilitator=world.users["fac.worcester"])
    SessionFacilitator.objects.create(
        session=SessionFactory.create(
            group=world.shrewsbury_group, number=next(NUMBERS), date=TODAY - datetime.timedelta(1)
        ),
        facilitator=world.users["fac.shrewsbury"],
    )

    response = dashboard(world, "pm.westmercia")

    board = response.context["board"]
    assert (board.waiting, board.awaiting_assessment) == (2, 1)
    assert [group.name for group in board.groups_starting] == ["January induction"]
    places = {row.centre.name: (row.groups, row.members, row.places_free) for row in board.places}
    # The worcester group has a session to come; the Shrewsbury group has finished. Both
    # centre groups have not started. The definition allows 11 men a group.
    assert places == {
        "Shrewsbury Group Centre": (2, 1, 21),
        world.worcester_group.centre.name: (1, 1, 10),
    }
    assert [(row.facilitator.username, row.sessions) for row in board.load] == [
        ("fac.worcester", 1),
        ("fac.shrewsbury", 0),
    ]
    assert f'href="/groups/{starting.pk}/"' in response.content.decode()


# The chief officer


def test_the_chief_officer_sees_the_areas_last_twelve_months(world: World) -> None:
    """Hand-counted: the world's three West Mercia referrals, made today, all with a place since
    7 September 2026; one more man referred and started long ago, who completed this week; a
    restricted case, counted; and the other area's man, not."""
    old = officers_man(world)
    Referral.objects.filter(pk=old.pk).update(created_at="2025-06-01T10:00Z")
    MembershipFactory.create(
        group=world.worcester_group,
        referral=old,
        joined_on=datetime.date(2025, 6, 2),
        left_on=datetime.date(2026, 12, 1),
    )
    StatusChange.objects.create(
        referral=old,
        from_status_id="on_programme",
        to_status_id="completed",
        changed_by=world.users["om.worcester"],
    )
    restricted = officers_man(world, status_id="received")
    restricted.participant.restricted_to.add(world.users["om.worcester"])
    session = world.worcester_session
    for outcome in [Outcome.ATTENDED, Outcome.FAILED_TO_COMPLY, Outcome.ATTENDED]:
        AttendanceFactory.create(session=session, referral=officers_man(world), outcome=outcome)
    AttendanceFactory.create(
        session=session, referral=world.worcester_referral, outcome=Outcome.ABSENT_UNACCEPTABLE
    )
    AttendanceFactory.create(
        session=session, referral=world.telford_referral, outcome=Outcome.CANCELLED
    )
    other_group = GroupFactory.create(area=world.other_area)
    Incident.objects.create(
        session=SessionFactory.create(group=other_group),
        kind=IncidentKind.OTHER,
        description="Elsewhere.",
        how_challenged="Named.",
        recorded_by=world.users["om.otherarea"],
    )

    response = dashboard(world, "chief.westmercia")

    figures = response.context["board"].headlines
    assert (figures.since, figures.until) == (datetime.date(2025, 12, 11), TODAY)
    # The world's 3, the restricted case and the 3 men at the register; not the old referral.
    assert figures.referrals == 7
    # The world's 3 (by their place), the 3 men who came (by that session); not the old one
    # (his first place was before the 12 months) nor the restricted case (no place).
    assert figures.starts == 6
    assert figures.completions == 1
    assert figures.completion_rate == 17
    assert (figures.sessions_attended, figures.sessions_marked) == (3, 4)
    assert figures.attendance_rate == 75
    assert figures.incidents == 1
    page = response.content.decode()
    assert 'href="/reports/"' in page
    assert "75%" in page


def test_open_complaints_are_counted_by_deadline(world: World) -> None:
    """The world's complaint was due on 16 November: overdue."""
    due_soon = Complaint.objects.create(
        referral=world.telford_referral,
        summary="He says the room was cold.",
        received_on=TODAY,
        recorded_by=world.users["om.telford"],
    )
    ComplaintStage.objects.create(
        complaint=due_soon,
        number=1,
        handler=world.users["om.telford"],
        opened_on=TODAY,
        acknowledge_by=TODAY,
        respond_by=TODAY + datetime.timedelta(days=5),
    )
    naming_her = Complaint.objects.create(
        referral=world.telford_referral,
        summary="He says the chief officer ignored his letter.",
        received_on=TODAY,
        recorded_by=world.users["om.telford"],
    )
    naming_her.named_staff.add(world.users["chief.westmercia"])
    ComplaintStage.objects.create(
        complaint=naming_her,
        number=1,
        handler=world.users["om.telford"],
        opened_on=TODAY,
        acknowledge_by=TODAY,
        respond_by=TODAY + datetime.timedelta(days=20),
    )

    complaints = dashboard(world, "chief.westmercia").context["board"].complaints

    assert (complaints.overdue, complaints.due_soon, complaints.later) == (1, 1, 0)


# Queries: the same for few rows as for many


def add_officer_rows(world: World, count: int) -> None:
    """`count` more of om.worcester's men, each with a task, a pending absence, an enforcement
    item, a one-to-one due, a catch-up and a place he will not finish before his sentence."""
    for number in range(count):
        referral = officers_man(world, sentence_end=datetime.date(2027, 1, 4))
        MembershipFactory.create(group=world.worcester_group, referral=referral)
        AbsenceFactory.create(session=world.worcester_session, referral=referral)
        item = EnforcementItemFactory.create(referral=referral)
        OneToOne.objects.create(referral=referral, code="before", label="Before", due_on=TODAY)
        CatchUpFactory.create(referral=referral, missed_session=world.worcester_session)
        Task.objects.create(
            kind=TaskKind.ENFORCEMENT_DUE,
            key=f"enforcement-{item.pk}",
            referral=referral,
            assigned_to=world.users["om.worcester"],
            due_on=TODAY + datetime.timedelta(days=number),
            summary="Act on the failure",
        )


def add_facilitator_rows(world: World, count: int) -> None:
    for _ in range(count):
        referral = officers_man(world)
        MembershipFactory.create(group=world.worcester_group, referral=referral)
        for day in [TODAY, TODAY - datetime.timedelta(days=2)]:
            SessionFactory.create(group=world.worcester_group, number=next(NUMBERS), date=day)
        CatchUpFactory.create(referral=referral, missed_session=world.worcester_session)


def add_programme_manager_rows(world: World, count: int) -> None:
    for _ in range(count):
        officers_man(world, status_id="awaiting_allocation")
        centre = OfficeFactory.create(area=world.area)
        group = GroupFactory.create(
            area=world.area, centre=centre, start_date=TODAY + datetime.timedelta(days=14)
        )
        MembershipFactory.create(group=group, referral=officers_man(world))
        facilitator = UserFactory.create(role=Role.FACILITATOR, area=world.area)
        SessionFacilitator.objects.create(
            session=SessionFactory.create(group=group, date=TODAY + datetime.timedelta(days=14)),
            facilitator=facilitator,
        )


def add_chief_officer_rows(world: World, count: int) -> None:
    for _ in range(count):
        referral = officers_man(world)
        AttendanceFactory.create(session=world.worcester_session, referral=referral)
        Incident.objects.create(
            session=world.worcester_session,
            kind=IncidentKind.OTHER,
            description="A remark.",
            how_challenged="Named.",
            recorded_by=world.users["fac.worcester"],
        )


# Every page: session, user, two-factor device, the user's area, the audit row, and the session
# save (savepoint, update, release): 8. Then the keys of the referrals the officer may see,
# five short lists (one query each, the counts of all the rows riding on the rows) and the men
# at risk (men, their centres, their places): 9. The facilitator's week, two short lists and
# the task count: 4. The programme manager's waiting counts, groups starting, groups running
# and their programme versions, facilitators and their sessions, and the task count: 7. The
# chief officer's referrals, register marks, incidents and complaints: 4.
@pytest.mark.parametrize(
    ("persona", "add_rows", "most_queries"),
    [
        ("om.worcester", add_officer_rows, 17),
        ("spo.worcester", add_officer_rows, 17),
        ("fac.worcester", add_facilitator_rows, 12),
        ("pm.westmercia", add_programme_manager_rows, 15),
        ("chief.westmercia", add_chief_officer_rows, 12),
    ],
)
def test_the_dashboard_takes_the_same_number_of_queries_however_many_rows(
    world: World, django_assert_num_queries: Any, persona: str, add_rows: Any, most_queries: int
) -> None:
    client = client_for(world, persona)
    add_rows(world, 1)
    client.get("/dashboard/")  # the session and the user, once

    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/").status_code == 200
    assert len(few) <= most_queries
    add_rows(world, 8)
    with django_assert_num_queries(len(few)):
        assert client.get("/dashboard/").status_code == 200
