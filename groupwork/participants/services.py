"""Changes to a man's details."""

from typing import Any

from django.db import transaction

from groupwork.audit.models import Action
from groupwork.audit.services import changed_values, record_event, snapshot
from groupwork.organisation.models import User
from groupwork.participants.models import Participant


def update_participant(
    *, acting_user: User, participant: Participant, changes: dict[str, Any]
) -> Participant:
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        before = snapshot(locked, list(changes))
        for name, value in changes.items():
            setattr(locked, name, value)
        old, new = changed_values(before, snapshot(locked, list(changes)))
        if not new:
            return locked
        locked.save(update_fields=[*new, "updated_at"])
        record_event(
            acting_user=acting_user,
            action=Action.PARTICIPANT_CHANGED,
            subject=locked,
            participant=locked,
            old_values=old,
            new_values=new,
        )
    return locked
