"""Fetching a referral for a user: out of scope is 404, and every read is audited."""

import uuid

from django.shortcuts import get_object_or_404

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.organisation.models import User
from groupwork.referrals.models import Referral


def get_referral_for(user: User, referral_id: uuid.UUID) -> Referral:
    referral = get_object_or_404(
        Referral.objects.visible_to(user).select_related(
            "participant", "status", "programme", "responsible_officer"
        ),
        pk=referral_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=referral,
        participant=referral.participant,
    )
    return referral
