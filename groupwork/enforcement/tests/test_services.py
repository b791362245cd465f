"""Recording the officer's enforcement decision: what it saves, the letter it writes, the
audit trail, the task it closes, and what it refuses."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.enforcement.services import item_key, record_enforcement_action
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.referrals.models import SentenceType
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 10)  # three days after the world's missed session


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def decide(world: World, item: EnforcementItem, action: ActionTaken, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "acting_user": world.users["om.worcester"],
        "item": item,
        "action": action,
        "reason": "He has missed before without telling anyone.",
        "action_on": TODAY,
    }
    values.update(changes)
    return record_enforcement_action(**values)


def test_a_warning_is_recorded_with_its_letter_audited_and_the_task_closed(world: World) -> None:
    item = world.worcester_enforcement
    officer = world.users["om.worcester"]
    task = Task.objects.create(
        kind=TaskKind.ENFORCEMENT_DUE,
        key=item_key(item),
        referral=world.worcester_referral,
        assigned_to=officer,
        due_on=item.must_act_by,
        summary="Decide the enforcement action",
    )

    decided = decide(world, item, ActionTaken.WARNING)

    item.refresh_from_db()
    assert item.action_taken == ActionTaken.WARNING
    assert item.action_on == TODAY
    assert item.reason == "He has missed before without telling anyone."
    assert item.decided_by == officer
    assert item.decided_at is not None
    assert decided.letter_id == item.letter_id
    letter = Letter.objects.get(pk=item.letter_id)
    assert letter.kind == LetterKind.WARNING
    assert letter.referral == world.worcester_referral
    assert bytes(letter.pdf).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.ENFORCEMENT_DECIDED)
    assert event.actor == officer
    assert event.participant == world.worcester_man
    assert event.subject_id == str(item.pk)
    assert event.new_values == {
        "action_taken": "warning",
        "action_on": "2026-12-10",
        "letter": letter.pk,
    }
    written = AuditEvent.objects.get(action=Action.LETTER_WRITTEN)
    assert written.subject_id == str(letter.pk)
    assert written.participant == world.worcester_man
    assert written.new_values == {"kind": "warning", "enforcement_item": item.pk}
    task.refresh_from_db()
    assert task.closed_at is not None


def test_a_referral_for_breach_writes_the_breach_report(world: World) -> None:
    decided = decide(world, world.worcester_enforcement, ActionTaken.BREACH)

    assert decided.letter.kind == LetterKind.BREACH_REPORT
    assert bytes(decided.letter.pdf).startswith(b"%PDF")


def test_a_recall_writes_the_draft_recall_report(world: World) -> None:
    officer = world.users["om.worcester"]
    licence = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=officer,
        sentence_type=SentenceType.LICENCE,
        status_id="on_programme",
    )
    item = EnforcementItemFactory.create(referral=licence, advice=Advice.RECALL_REVIEW)

    decided = decide(world, item, ActionTaken.RECALL)

    assert decided.letter.kind == LetterKind.RECALL_REPORT
    assert bytes(decided.letter.pdf).startswith(b"%PDF")


def test_no_action_with_an_excuse_writes_no_letter(world: World) -> None:
    decided = decide(
        world,
        world.worcester_enforcement,
        ActionTaken.NO_ACTION,
        reason="His doctor's note came late; the hospital confirms the appointment.",
    )

    assert decided.action_taken == ActionTaken.NO_ACTION
    assert decided.letter_id is None
    assert not Letter.objects.exists()
    assert AuditEvent.objects.filter(action=Action.ENFORCEMENT_DECIDED).count() == 1


def test_his_teams_manager_may_decide(world: World) -> None:
    decided = decide(
        world,
        world.worcester_enforcement,
        ActionTaken.BREACH,
        acting_user=world.users["spo.worcester"],
    )

    assert decided.decided_by == world.users["spo.worcester"]


def refused(world: World, item: EnforcementItem, action: ActionTaken, **changes: Any) -> str:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as problem:
        decide(world, item, action, **changes)
    item.refresh_from_db()
    assert item.is_open
    assert AuditEvent.objects.count() == events
    assert not Letter.objects.exists()
    return " ".join(problem.value.messages)


def test_a_warning_is_refused_when_the_law_says_refer_for_breach(world: World) -> None:
    EnforcementItemFactory.create(
        referral=world.worcester_referral,
        failure_date=datetime.date(2026, 3, 2),
        action_taken=ActionTaken.WARNING,
        action_on=datetime.date(2026, 3, 4),
    )
    item = EnforcementItemFactory.create(
        referral=world.worcester_referral, advice=Advice.REFER_FOR_BREACH
    )

    message = refused(world, item, ActionTaken.WARNING)

    assert message == (
        "Gave a warning is not allowed here: the advice is refer him for breach. "
        "You may choose: referred to court for breach, "
        "no action: a reasonable excuse was accepted."
    )


def test_recall_is_refused_on_a_community_order(world: World) -> None:
    assert "not allowed" in refused(world, world.worcester_enforcement, ActionTaken.RECALL)


def test_an_item_cannot_be_decided_twice(world: World) -> None:
    decide(world, world.worcester_enforcement, ActionTaken.WARNING)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="already been decided"):
        decide(world, world.worcester_enforcement, ActionTaken.BREACH)

    world.worcester_enforcement.refresh_from_db()
    assert world.worcester_enforcement.action_taken == ActionTaken.WARNING
    assert Letter.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_no_action_needs_a_reason(world: World) -> None:
    message = refused(world, world.worcester_enforcement, ActionTaken.NO_ACTION, reason="  ")

    assert message == "Say what reasonable excuse you accepted."


def test_the_action_cannot_be_dated_in_the_future(world: World) -> None:
    message = refused(
        world,
        world.worcester_enforcement,
        ActionTaken.WARNING,
        action_on=TODAY + datetime.timedelta(days=1),
    )

    assert message == "The date of the action must be today or in the past."


def test_the_action_cannot_come_before_the_failure(world: World) -> None:
    message = refused(
        world,
        world.worcester_enforcement,
        ActionTaken.WARNING,
        action_on=world.worcester_enforcement.failure_date - datetime.timedelta(days=1),
    )

    assert message == "The date of the action must be on or after the failure."


@pytest.mark.parametrize("persona", ["om.telford", "pm.westmercia", "chief.westmercia"])
def test_nobody_else_takes_the_officers_decision(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        decide(
            world,
            world.worcester_enforcement,
            ActionTaken.WARNING,
            acting_user=world.users[persona],
        )

    world.worcester_enforcement.refresh_from_db()
    assert world.worcester_enforcement.is_open


def test_a_manager_of_another_team_cannot_decide(world: World) -> None:
    other_manager = UserFactory.create(
        role=Role.MANAGER, area=world.area, team=world.users["om.telford"].team
    )

    with pytest.raises(PermissionDenied):
        decide(world, world.worcester_enforcement, ActionTaken.WARNING, acting_user=other_manager)


def test_a_warning_recorded_since_the_item_opened_changes_its_advice(world: World) -> None:
    earlier = EnforcementItemFactory.create(
        referral=world.worcester_referral,
        failure_date=datetime.date(2026, 12, 1),
        failure="Did not attend session 5 without an acceptable reason",
    )
    later = world.worcester_enforcement  # opened on 7 December as "warn or refer"
    decide(world, earlier, ActionTaken.WARNING, action_on=datetime.date(2026, 12, 2))
    with pytest.raises(ValidationError, match="not allowed"):
        decide(world, later, ActionTaken.WARNING)
    later.refresh_from_db()
    assert later.advice == Advice.REFER_FOR_BREACH
    assert "2 December 2026" in later.explanation
    decide(world, later, ActionTaken.BREACH)
