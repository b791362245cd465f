"""`python manage.py daily` raises the tasks that are due, once."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from groupwork.attendance.models import Absence, AbsenceReason, CatchUpStatus, HowReported
from groupwork.attendance.services import decide_absence
from groupwork.attendance.tests.factories import AbsenceFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.groups.models import Group, Membership
from groupwork.groups.tests.factories import SessionFactory
from groupwork.organisation.models import ClosureDay
from groupwork.tasks.daily import raise_due_tasks
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db

NOTHING = {
    "sick_note_overdue": 0,
    "enforcement_due": 0,
    "catch_up_not_booked": 0,
    "one_to_one_due": 0,
    "complaint_due": 0,
}


@pytest.fixture(autouse=True)
def _no_one_to_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The daily run also plans one-to-ones and asks officers to book them; that part has its
    tests in groupwork/casework/tests/test_one_to_ones.py and is left out here, so that the
    counts below stay about the kinds these tests set up."""
    monkeypatch.setattr("groupwork.tasks.daily.plan_due_one_to_ones", lambda *, today: 0)


@pytest.fixture(autouse=True)
def _no_complaints_due(monkeypatch: pytest.MonkeyPatch) -> None:
    """Likewise complaints due (the world's complaint is late): groupwork/casework/tests/
    test_complaints.py tests them."""
    monkeypatch.setattr("groupwork.tasks.daily.raise_complaints_due", lambda *, today: 0)


def run(day: datetime.date) -> dict[str, int]:
    return raise_due_tasks(today=day)


def no_catch_ups(world: World) -> None:
    world.worcester_catch_up.status = CatchUpStatus.DONE
    world.worcester_catch_up.save(update_fields=["status"])


def no_enforcement(world: World) -> None:
    world.worcester_enforcement.action_taken = ActionTaken.WARNING
    world.worcester_enforcement.save(update_fields=["action_taken"])


# Sick notes


def test_a_sick_note_overdue_raises_a_task_for_his_officer(world: World) -> None:
    no_catch_ups(world)
    no_enforcement(world)
    # The world's note was due on Monday 14 December 2026.
    assert run(datetime.date(2026, 12, 14)) == NOTHING
    assert run(datetime.date(2026, 12, 15)) == {**NOTHING, "sick_note_overdue": 1}
    task = Task.objects.get()
    assert task.kind == TaskKind.SICK_NOTE_OVERDUE
    assert task.key == f"absence-{world.worcester_absence.pk}"
    assert task.assigned_to == world.users["om.worcester"]
    assert task.referral == world.worcester_referral
    assert task.due_on == datetime.date(2026, 12, 15)
    assert "was due on 14 December 2026" in task.summary
    event = AuditEvent.objects.get(action=Action.TASK_RAISED)
    assert event.actor is None
    assert event.participant == world.worcester_man


def test_no_task_when_the_note_came_or_the_absence_is_not_medical(world: World) -> None:
    no_catch_ups(world)
    no_enforcement(world)
    Absence.objects.filter(pk=world.worcester_absence.pk).update(
        evidence_received_on=datetime.date(2026, 12, 10), evidence="Fit note"
    )
    AbsenceFactory.create(
        session=SessionFactory.create(group=world.worcester_group, number=7),
        referral=world.worcester_referral,
        reason=AbsenceReason.WORK,
        how_reported=HowReported.PHONE,
        evidence_due=datetime.date(2026, 12, 1),  # not a medical reason: nothing to wait for
    )
    assert run(datetime.date(2026, 12, 20)) == NOTHING


# Enforcement


def test_enforcement_due_within_two_working_days_raises_a_task(world: World) -> None:
    no_catch_ups(world)
    # The world's item must be acted on by Monday 21 December 2026.
    assert run(datetime.date(2026, 12, 16))["enforcement_due"] == 0  # Wednesday: 3 days
    assert run(datetime.date(2026, 12, 17))["enforcement_due"] == 1  # Thursday: 2 days
    task = Task.objects.get(kind=TaskKind.ENFORCEMENT_DUE)
    assert task.key == f"enforcement-{world.worcester_enforcement.pk}"
    assert task.assigned_to == world.users["om.worcester"]
    assert task.due_on == datetime.date(2026, 12, 21)


def test_an_area_closure_brings_the_enforcement_task_forward(world: World) -> None:
    no_catch_ups(world)
    ClosureDay.objects.create(area=world.area, date=datetime.date(2026, 12, 18), reason="Training")
    assert run(datetime.date(2026, 12, 16))["enforcement_due"] == 1


def test_an_overdue_enforcement_item_raises_a_task(world: World) -> None:
    no_catch_ups(world)
    assert run(datetime.date(2027, 1, 4))["enforcement_due"] == 1


def test_no_task_for_enforcement_already_acted_on(world: World) -> None:
    no_catch_ups(world)
    no_enforcement(world)
    assert run(datetime.date(2026, 12, 18))["enforcement_due"] == 0


# Catch-ups


def test_a_catch_up_not_booked_raises_a_task_for_the_groups_facilitator(world: World) -> None:
    no_enforcement(world)
    next_session = SessionFactory.create(
        group=world.worcester_group, number=7, date=datetime.date(2026, 12, 14)
    )
    SessionFactory.create(group=world.worcester_group, number=8, date=datetime.date(2026, 12, 21))
    assert run(datetime.date(2026, 12, 8)) == {**NOTHING, "catch_up_not_booked": 1}
    task = Task.objects.get()
    assert task.kind == TaskKind.CATCH_UP_NOT_BOOKED
    assert task.key == f"catch-up-{world.worcester_catch_up.pk}"
    assert task.assigned_to == world.users["fac.worcester"]
    assert task.due_on == next_session.date - datetime.timedelta(days=1)
    assert "on 14 December 2026" in task.summary


def test_a_group_without_facilitators_sends_the_task_to_his_officer(world: World) -> None:
    no_enforcement(world)
    group: Group = world.worcester_group
    group.facilitators.clear()
    SessionFactory.create(group=group, number=7, date=datetime.date(2026, 12, 14))
    run(datetime.date(2026, 12, 8))
    assert Task.objects.get().assigned_to == world.users["om.worcester"]


def test_no_catch_up_task_without_a_next_session_or_once_booked(world: World) -> None:
    no_enforcement(world)
    assert run(datetime.date(2026, 12, 8)) == NOTHING  # no session after today
    SessionFactory.create(group=world.worcester_group, number=7, date=datetime.date(2026, 12, 14))
    world.worcester_catch_up.status = CatchUpStatus.BOOKED
    world.worcester_catch_up.save(update_fields=["status"])
    assert run(datetime.date(2026, 12, 8)) == NOTHING


def test_no_catch_up_task_once_he_has_left_the_group(world: World) -> None:
    no_enforcement(world)
    SessionFactory.create(group=world.worcester_group, number=7, date=datetime.date(2026, 12, 14))
    Membership.objects.filter(referral=world.worcester_referral).update(
        left_on=datetime.date(2026, 12, 8)
    )
    assert run(datetime.date(2026, 12, 8)) == NOTHING


# Running again


def test_running_twice_on_the_same_day_creates_nothing_new(world: World) -> None:
    SessionFactory.create(group=world.worcester_group, number=7, date=datetime.date(2026, 12, 22))
    day = datetime.date(2026, 12, 17)
    assert run(day) == {
        **NOTHING,
        "sick_note_overdue": 1,
        "enforcement_due": 1,
        "catch_up_not_booked": 1,
    }
    tasks, events = Task.objects.count(), AuditEvent.objects.count()
    assert run(day) == NOTHING
    assert (Task.objects.count(), AuditEvent.objects.count()) == (tasks, events)
    assert run(day + datetime.timedelta(days=1)) == NOTHING


def test_a_decided_absence_closes_its_task_and_none_comes_back(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-12-15 10:00 +0000", tick=False)  # the session has happened
    no_catch_ups(world)
    no_enforcement(world)
    run(datetime.date(2026, 12, 15))
    decide_absence(
        acting_user=world.users["om.worcester"],
        absence=world.worcester_absence,
        acceptable=False,
        reason="No note came.",
    )
    assert Task.objects.get().closed_at is not None
    assert run(datetime.date(2026, 12, 16))["sick_note_overdue"] == 0


# The command


def call_daily(*args: str) -> str:
    out = StringIO()
    call_command("daily", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_what_it_raised_and_nothing_the_second_time(world: World) -> None:
    first = call_daily("--date", "2026-12-17")
    assert "Daily run for 17 December 2026:" in first
    assert "Sick note overdue: decide the absence: 1 task raised" in first
    assert "Enforcement deadline near: 1 task raised" in first
    assert "2 tasks raised in all." in first
    events = AuditEvent.objects.count()
    second = call_daily("--date", "2026-12-17")
    assert "0 tasks raised in all." in second
    assert AuditEvent.objects.count() == events


def test_the_command_runs_for_today_by_default(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-12-15 06:00 +0000", tick=False)
    output = call_daily()
    assert "Daily run for 15 December 2026:" in output
    assert Task.objects.filter(kind=TaskKind.SICK_NOTE_OVERDUE).count() == 1


def test_the_enforcement_item_must_act_by_is_what_the_world_says(world: World) -> None:
    # Guards the dates the tests above count from.
    item = EnforcementItem.objects.get(pk=world.worcester_enforcement.pk)
    assert item.must_act_by == datetime.date(2026, 12, 21)
    assert world.worcester_absence.evidence_due == datetime.date(2026, 12, 14)
