"""Changes to a man's details."""

from typing import Any

from django.db import transaction

from groupwork.audit.models import Action
from groupwork.audit.services import save_changes
from groupwork.organisation.models import User
from groupwork.participants.models import Participant


def update_participant(
    *, acting_user: User, participant: Participant, changes: dict[str, Any]
) -> Participant:
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        return save_changes(
            acting_user=acting_user,
            locked=locked,
            changes=changes,
            action=Action.PARTICIPANT_CHANGED,
            participant=locked,
        )
