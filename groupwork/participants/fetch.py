"""Fetching a man's record for a user: out of scope is 404, and every read is audited."""

import uuid

from django.shortcuts import get_object_or_404

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.organisation.models import User
from groupwork.participants.models import Participant


def get_participant_for(user: User, participant_id: uuid.UUID) -> Participant:
    participant = get_object_or_404(Participant.objects.visible_to(user), pk=participant_id)
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=participant,
        participant=participant,
    )
    return participant
