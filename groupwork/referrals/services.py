"""Making referrals and moving them through the status machine."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from groupwork.attendance.progress import refusal_to_complete, uncovered_required_content
from groupwork.audit.models import Action
from groupwork.audit.services import record_event, save_changes, snapshot
from groupwork.organisation.models import User
from groupwork.participants.models import Participant
from groupwork.referrals.models import (
    Referral,
    ReferralStatus,
    StatusChange,
    StatusReason,
    StatusTransition,
)
from groupwork.referrals.status_machine import COMPLETED_STATUS, FIRST_STATUS


def refer_new_participant(
    *, acting_user: User, participant_details: dict[str, Any], referral_details: dict[str, Any]
) -> Referral:
    """Record a man new to Groupwork and his first referral, status 'received'."""
    with transaction.atomic():
        participant = Participant.objects.create(area_id=acting_user.area_pk, **participant_details)
        referral = Referral.objects.create(
            participant=participant, status_id=FIRST_STATUS, **referral_details
        )
        StatusChange.objects.create(
            referral=referral, to_status_id=FIRST_STATUS, changed_by=acting_user
        )
        record_event(
            acting_user=acting_user,
            action=Action.REFERRAL_CREATED,
            subject=referral,
            participant=participant,
            new_values={
                **snapshot(participant, list(participant_details)),
                **snapshot(referral, [*referral_details, "status"]),
            },
        )
    return referral


def update_referral(*, acting_user: User, referral: Referral, changes: dict[str, Any]) -> Referral:
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update().select_related("participant").get(pk=referral.pk)
        )
        return save_changes(
            acting_user=acting_user,
            locked=locked,
            changes=changes,
            action=Action.REFERRAL_CHANGED,
            participant=locked.participant,
        )


def change_status(
    *,
    acting_user: User,
    referral: Referral,
    to_status: ReferralStatus,
    reason: StatusReason | None,
    note: str = "",
) -> Referral:
    """Move a referral along an allowed transition, keeping the history and the audit entry."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        from_status_id = locked.status_id
        if not StatusTransition.objects.filter(
            from_status_id=from_status_id, to_status=to_status
        ).exists():
            raise ValidationError(
                f"A referral cannot go from {locked.status.name} to {to_status.name}."
            )
        if to_status.needs_reason and reason is None:
            raise ValidationError(f"Give a reason when the referral is {to_status.name.lower()}.")
        if reason is not None and reason.status_id != to_status.pk:
            raise ValidationError(f"{reason.label} is not a reason for {to_status.name.lower()}.")
        if to_status.pk == COMPLETED_STATUS:
            uncovered = uncovered_required_content(locked)
            if uncovered:
                raise ValidationError(refusal_to_complete(uncovered))
        locked.status = to_status
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        StatusChange.objects.create(
            referral=locked,
            from_status_id=from_status_id,
            to_status=to_status,
            reason=reason,
            note=note,
            changed_by=acting_user,
        )
        record_event(
            acting_user=acting_user,
            action=Action.REFERRAL_STATUS_CHANGED,
            subject=locked,
            participant=locked.participant,
            old_values={"status": from_status_id},
            new_values={"status": to_status.pk, "reason": reason.code if reason else None},
            detail={"note": note} if note else {},
        )
    return locked
