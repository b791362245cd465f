"""Opening enforcement items and recording what the officer did about them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.enforcement.policy import advise
from groupwork.groups.planning import area_closures
from groupwork.letters.enforcement import NoOfficeError, court_report_pdf, warning_letter_pdf
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Role
from groupwork.tasks.models import TaskKind
from groupwork.tasks.services import close_tasks

if TYPE_CHECKING:
    from groupwork.attendance.models import Attendance
    from groupwork.organisation.models import User
    from groupwork.referrals.models import Referral

# The letter each action writes; no action writes none.
LETTER_FOR_ACTION: dict[str, LetterKind] = {
    ActionTaken.WARNING: LetterKind.WARNING,
    ActionTaken.BREACH: LetterKind.BREACH_REPORT,
    ActionTaken.RECALL: LetterKind.RECALL_REPORT,
}


def warnings_given(referral_ids: Iterable[UUID]) -> dict[UUID, list[datetime.date]]:
    """The dates each man was warned, in one query."""
    found: dict[UUID, list[datetime.date]] = defaultdict(list)
    for referral_id, warned_on in (
        EnforcementItem.objects.warnings()
        .filter(referral_id__in=list(referral_ids))
        .values_list("referral_id", "action_on")
    ):
        if warned_on is not None:
            found[referral_id].append(warned_on)
    return found


def new_item(
    *,
    referral: Referral,
    attendance: Attendance | None,
    failure_date: datetime.date,
    failure: str,
    warnings: Iterable[datetime.date],
    closures: Collection[datetime.date],
) -> EnforcementItem:
    """An unsaved item with the law's advice and deadline for this failure."""
    advice = advise(
        sentence_type=referral.sentence_type,
        failure_date=failure_date,
        previous_warnings=warnings,
        closures=closures,
    )
    return EnforcementItem(
        referral=referral,
        attendance=attendance,
        failure_date=failure_date,
        failure=failure[:300],
        advice=advice.action,
        must_act_by=advice.must_act_by,
        explanation=advice.explanation,
    )


def item_key(item: EnforcementItem) -> str:
    """The key of the tasks raised about this item."""
    return f"enforcement-{item.pk}"


def may_decide(user: User, item: EnforcementItem) -> bool:
    return may_decide_for(user, item.referral)


def may_decide_for(user: User, referral: Referral) -> bool:
    """An officer decides only for the men they are responsible for, a manager for their
    team's men; nobody else takes enforcement or absence decisions. Needs the officer."""
    officer = referral.responsible_officer
    if user.role == Role.OFFENDER_MANAGER:
        return officer.pk == user.pk
    if user.role == Role.MANAGER:
        return user.team_id is not None and officer.team_id == user.team_id
    return False


def record_enforcement_action(
    *,
    acting_user: User,
    item: EnforcementItem,
    action: ActionTaken,
    reason: str,
    action_on: datetime.date,
) -> EnforcementItem:
    """What the officer did about a failure, with the letter it calls for (a warning to the
    man, a breach report for the court, a draft recall report), kept as written."""
    today = timezone.localdate()
    reason = reason.strip()
    refresh_advice(item)  # kept even when the action below is refused
    with transaction.atomic():
        locked = (
            EnforcementItem.objects.select_for_update(of=("self",))
            .select_related("referral__participant__area", "referral__responsible_officer")
            .get(pk=item.pk)
        )
        if not may_decide(acting_user, locked):
            raise PermissionDenied("Only his own officer or their manager may decide this.")
        _check_action(locked, action=action, reason=reason, action_on=action_on, today=today)
        locked.action_taken = action
        locked.action_on = action_on
        locked.reason = reason
        locked.decided_by = acting_user
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=["action_taken", "action_on", "reason", "decided_by", "decided_at"]
        )
        man = locked.referral.participant
        kind = LETTER_FOR_ACTION.get(action)
        if kind is not None:
            locked.letter = _write_letter(acting_user=acting_user, item=locked, kind=kind)
            locked.save(update_fields=["letter"])
        record_event(
            acting_user=acting_user,
            action=Action.ENFORCEMENT_DECIDED,
            subject=locked,
            participant=man,
            old_values={"action_taken": ""},
            new_values={
                "action_taken": str(action),
                "action_on": action_on.isoformat(),
                "letter": locked.letter_id,
            },
            detail={"reason": reason},
        )
        close_tasks(acting_user=acting_user, kind=TaskKind.ENFORCEMENT_DUE, key=item_key(locked))
    item.refresh_from_db()
    return locked


def refresh_advice(item: EnforcementItem) -> None:
    """Advice as the law gives it now: a warning recorded since the item opened, for an
    earlier failure, can turn "warn or refer" into "refer for breach"."""
    with transaction.atomic():
        locked = (
            EnforcementItem.objects.select_for_update(of=("self",))
            .select_related("referral__participant__area")
            .get(pk=item.pk)
        )
        if locked.is_open:
            _re_advise(locked)


def _re_advise(item: EnforcementItem) -> None:
    referral = item.referral
    current = new_item(
        referral=referral,
        attendance=None,
        failure_date=item.failure_date,
        failure=item.failure,
        warnings=warnings_given([referral.pk]).get(referral.pk, []),
        closures=area_closures(referral.participant.area),
    )
    if (current.advice, current.explanation) != (item.advice, item.explanation):
        item.advice, item.explanation = current.advice, current.explanation
        item.save(update_fields=["advice", "explanation"])


def _check_action(
    item: EnforcementItem,
    *,
    action: ActionTaken,
    reason: str,
    action_on: datetime.date,
    today: datetime.date,
) -> None:
    if not item.is_open:
        raise ValidationError("This failure has already been decided.")
    if action not in item.allowed_actions:
        allowed = ", ".join(ActionTaken(choice).label.lower() for choice in item.allowed_actions)
        raise ValidationError(
            f"{ActionTaken(action).label} is not allowed here: the advice is "
            f"{item.get_advice_display().lower()}. You may choose: {allowed}."
        )
    if action == ActionTaken.NO_ACTION and not reason:
        raise ValidationError("Say what reasonable excuse you accepted.")
    if action_on > today:
        raise ValidationError("The date of the action must be today or in the past.")
    if action_on < item.failure_date:
        raise ValidationError("The date of the action must be on or after the failure.")


def _write_letter(*, acting_user: User, item: EnforcementItem, kind: LetterKind) -> Letter:
    """The letter for the decision just saved, kept as written. Call inside the transaction."""
    today = timezone.localdate()
    try:
        if kind == LetterKind.WARNING:
            pdf = warning_letter_pdf(item.pk, signed_by=acting_user, today=today)
        else:
            recall = kind == LetterKind.RECALL_REPORT
            pdf = court_report_pdf(item.pk, recall=recall, signed_by=acting_user, today=today)
    except NoOfficeError as missing:
        raise ValidationError(
            "The letter needs an office to send it from: ask an administrator to set "
            "the officer's office."
        ) from missing
    letter = Letter.objects.create(
        referral_id=item.referral_id, kind=kind, pdf=pdf, created_by=acting_user
    )
    record_event(
        acting_user=acting_user,
        action=Action.LETTER_WRITTEN,
        subject=letter,
        participant=item.referral.participant,
        new_values={"kind": str(kind), "enforcement_item": item.pk},
    )
    return letter
