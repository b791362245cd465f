"""The to-do list: pending absences, catch-ups, enforcement and tasks for the user's men."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from groupwork.attendance.models import Absence, AbsenceReason, AbsenceStatus, HowReported
from groupwork.attendance.services import Mark, save_register
from groupwork.attendance.tests.factories import AbsenceFactory, CatchUpFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.complaints import record_complaint
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.groups.tests.factories import MembershipFactory, SessionFactory
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import raise_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def listed(world: World, persona: str) -> dict[str, Any]:
    response = client_for(world, persona).get("/tasks/")
    assert response.status_code == 200
    context = response.context
    return {
        "absences": [absence for absence, _ in context["absences"]],
        "catch_ups": list(context["catch_ups"]),
        "enforcement": [item for item, _ in context["enforcement"]],
        "tasks": [task for task, _ in context["tasks"]],
        "body": response.content.decode(),
        "shows_enforcement": context["shows_enforcement"],
    }


def test_a_man_marked_absent_appears_as_pending_on_his_officers_list(world: World) -> None:
    session = SessionFactory.create(
        group=world.worcester_group, number=7, date=datetime.date(2026, 12, 9)
    )
    save_register(
        acting_user=world.users["fac.worcester"],
        session=session,
        version=0,
        marks=[Mark(referral_id=world.worcester_referral.pk, choice="absent")],
        note="",
    )
    absence = Absence.objects.get(session=session)
    seen = listed(world, "om.worcester")
    assert absence in seen["absences"]
    assert absence.status == AbsenceStatus.PENDING
    row = seen["body"].split(f'href="/absences/{absence.pk}/"')[1].split("</tr>")[0]
    assert "Pending" in row
    assert "No reason given" in row


def test_the_officer_sees_his_mens_absences_catch_ups_and_enforcement(world: World) -> None:
    seen = listed(world, "om.worcester")
    assert seen["absences"] == [world.worcester_absence]
    assert seen["catch_ups"] == [world.worcester_catch_up]
    assert seen["enforcement"] == [world.worcester_enforcement]
    body = seen["body"]
    assert "14 Dec 2026" in body  # the doctor's note due
    assert f'href="/catch-ups/{world.worcester_catch_up.pk}/"' in body
    assert f'href="/enforcement/{world.worcester_enforcement.pk}/"' in body
    # Only the world's complaint, which he handles, is late (test_complaints.py).
    assert "Overdue" not in body.split("Complaints to answer")[0]


def test_an_overdue_sick_note_is_tagged(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-12-15 10:00 +0000", tick=False)
    seen = listed(world, "om.worcester")
    row = seen["body"].split(f'href="/absences/{world.worcester_absence.pk}/"')[1]
    assert "Overdue" in row.split("</tr>")[0]


def test_each_role_sees_only_its_own_men(world: World) -> None:
    for persona in ["spo.worcester", "pm.westmercia", "fac.worcester"]:
        seen = listed(world, persona)
        assert seen["absences"] == [world.worcester_absence], persona
        assert seen["catch_ups"] == [world.worcester_catch_up], persona
    for persona in ["om.telford", "fac.shrewsbury"]:
        seen = listed(world, persona)
        assert seen["absences"] == seen["catch_ups"] == seen["enforcement"] == [], persona


def test_a_facilitator_has_no_enforcement_list(world: World) -> None:
    seen = listed(world, "fac.worcester")
    assert seen["enforcement"] == []
    assert not seen["shows_enforcement"]
    assert "Enforcement to act on" not in seen["body"]


def test_decided_absences_and_done_catch_ups_leave_the_list(world: World) -> None:
    Absence.objects.filter(pk=world.worcester_absence.pk).update(status=AbsenceStatus.ACCEPTABLE)
    world.worcester_catch_up.status = "done"
    world.worcester_catch_up.save(update_fields=["status"])
    seen = listed(world, "om.worcester")
    assert seen["absences"] == seen["catch_ups"] == []


def test_open_tasks_assigned_to_the_user_link_to_their_page(world: World) -> None:
    def task(kind: TaskKind, key: str, persona: str = "om.worcester") -> Task | None:
        return raise_task(
            acting_user=None,
            kind=kind,
            key=key,
            referral=world.worcester_referral,
            assigned_to=world.users[persona],
            due_on=datetime.date(2026, 12, 9),
            summary=f"Do {key}",
        )

    absence_task = task(TaskKind.SICK_NOTE_OVERDUE, f"absence-{world.worcester_absence.pk}")
    enforcement_task = task(
        TaskKind.ENFORCEMENT_DUE, f"enforcement-{world.worcester_enforcement.pk}"
    )
    closed = task(TaskKind.RESTART_PROPOSED, "membership-1")
    assert closed is not None
    Task.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    task(TaskKind.CATCH_UP_NOT_BOOKED, f"catch-up-{world.worcester_catch_up.pk}", "fac.worcester")
    seen = listed(world, "om.worcester")
    assert seen["tasks"] == [absence_task, enforcement_task]
    body = seen["body"].split("Absences waiting for a decision")[0]
    assert f'href="/absences/{world.worcester_absence.pk}/"' in body
    assert f'href="/enforcement/{world.worcester_enforcement.pk}/"' in body
    assert "Overdue" in body  # due yesterday
    facilitator = listed(world, "fac.worcester")
    assert [t.kind for t in facilitator["tasks"]] == [TaskKind.CATCH_UP_NOT_BOOKED]
    assert f'href="/catch-ups/{world.worcester_catch_up.pk}/"' in facilitator["body"]


def test_the_list_is_audited(world: World) -> None:
    client_for(world, "om.worcester").get("/tasks/")
    event = AuditEvent.objects.get(action=Action.CASELOAD_VIEWED)
    assert event.actor == world.users["om.worcester"]
    assert event.detail == {"list": "to-do"}


def test_the_list_is_read_only(world: World) -> None:
    assert client_for(world, "om.worcester").post("/tasks/").status_code == 405


def test_the_navigation_offers_the_list_to_those_who_have_one(world: World) -> None:
    officer = client_for(world, "om.worcester").get("/participants/").content.decode()
    assert 'href="/tasks/">To do</a>' in officer
    chief = client_for(world, "chief.westmercia").get("/participants/").content.decode()
    assert 'href="/tasks/"' not in chief


def add_rows(world: World, count: int) -> None:
    """One more man on om.worcester's caseload with an absence, a catch-up, an enforcement
    item and a task, `count` times."""
    for _ in range(count):
        referral = ReferralFactory.create(
            participant__area=world.area,
            responsible_officer=world.users["om.worcester"],
            status_id="on_programme",
        )
        MembershipFactory.create(group=world.worcester_group, referral=referral)
        session = SessionFactory.create(group=world.worcester_group)
        AbsenceFactory.create(
            session=session,
            referral=referral,
            reason=AbsenceReason.ILLNESS,
            how_reported=HowReported.PHONE,
            evidence_due=datetime.date(2026, 12, 8),
        )
        CatchUpFactory.create(referral=referral, missed_session=session)
        item = EnforcementItem.objects.create(
            referral=referral,
            failure_date=session.date,
            failure="Did not attend",
            advice=Advice.WARN_OR_REFER,
            must_act_by=datetime.date(2026, 12, 21),
            explanation="No warning.",
        )
        raise_task(
            acting_user=None,
            kind=TaskKind.ENFORCEMENT_DUE,
            key=f"enforcement-{item.pk}",
            referral=referral,
            assigned_to=world.users["om.worcester"],
            due_on=item.must_act_by,
            summary="Act on it",
        )
        record_complaint(
            acting_user=world.users["om.worcester"],
            referral=referral,
            summary="He says he was kept waiting.",
            received_on=datetime.date(2026, 12, 1),
        )


# Session, user, two-factor device check, the six lists (absences, catch-ups, enforcement,
# one-to-ones due, complaints to answer, tasks), the audit insert, and the session save
# (savepoint, update, release).
TODO_QUERIES = 13


def test_the_query_count_does_not_grow_with_the_rows(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "om.worcester")
    add_rows(world, 1)
    with django_assert_num_queries(TODO_QUERIES):
        response = client.get("/tasks/")
    assert len(response.context["absences"]) == 2
    assert len(response.context["tasks"]) == 1
    add_rows(world, 4)
    with django_assert_num_queries(TODO_QUERIES):
        response = client.get("/tasks/")
    assert len(response.context["absences"]) == 6
    assert len(response.context["catch_ups"]) == 6
    assert len(response.context["enforcement"]) == 6
    assert len(response.context["complaints"]) == 6
    assert len(response.context["tasks"]) == 5
