"""Fetching enforcement items for a user: out of scope is 404, and every read is audited."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.enforcement.models import EnforcementItem, EnforcementItemQuerySet
from groupwork.organisation.models import User
from groupwork.referrals.models import Referral


def items_visible_to(user: User) -> EnforcementItemQuerySet:
    """The enforcement items of the men the user may see."""
    return EnforcementItem.objects.filter(referral__in=Referral.objects.visible_to(user))


def get_enforcement_item_for(user: User, item_id: int) -> EnforcementItem:
    item = get_object_or_404(
        items_visible_to(user).select_related(
            "referral__participant",
            "referral__responsible_officer",
            "attendance__session",
            "decided_by",
        ),
        pk=item_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=item,
        participant=item.referral.participant,
    )
    return item
