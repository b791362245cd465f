"""Changes to a man's details."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import save_changes
from groupwork.organisation.models import User
from groupwork.participants.models import Participant


def update_participant(
    *, acting_user: User, participant: Participant, changes: dict[str, Any]
) -> Participant:
    """Save the changed details. `opted_out` (the form's "He has asked for no more messages")
    becomes the day he opted out, today, or clears it."""
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if "opted_out" in changes:
            changes = dict(changes)
            opted_out = changes.pop("opted_out")
            if not opted_out:
                changes["opted_out_on"] = None
            elif locked.opted_out_on is None:
                changes["opted_out_on"] = timezone.localdate()
        return save_changes(
            acting_user=acting_user,
            locked=locked,
            changes=changes,
            action=Action.PARTICIPANT_CHANGED,
            participant=locked,
        )
