"""Writing letters and keeping them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.groups.models import Membership
from groupwork.letters.allocation import allocation_letter_pdf
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import User


def issue_allocation_letter(*, acting_user: User, membership: Membership) -> Letter:
    """The letter telling a man where and when his group meets, kept as sent."""
    pdf = allocation_letter_pdf(membership.pk, today=timezone.localdate())
    with transaction.atomic():
        letter = Letter.objects.create(
            referral=membership.referral,
            kind=LetterKind.ALLOCATION,
            pdf=pdf,
            created_by=acting_user,
        )
        record_event(
            acting_user=acting_user,
            action=Action.LETTER_WRITTEN,
            subject=letter,
            participant=membership.referral.participant,
            new_values={"kind": LetterKind.ALLOCATION, "group": membership.group.name},
        )
    return letter
