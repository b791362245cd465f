"""The group rules: each man's agreement to them, recorded at his first session.

The rules come from the group's programme definition; an agreement keeps the rules as they
stood that day, so a later version of the definition does not change what he agreed to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.attendance.services import members_at
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.models import RulesAgreement
from groupwork.groups.models import Group, Session

if TYPE_CHECKING:
    from groupwork.organisation.models import User


def agreements_at(session: Session, referral_ids: Iterable[UUID]) -> dict[UUID, RulesAgreement]:
    """The agreements to this group's rules of the men given, in one query."""
    return {
        agreement.referral_id: agreement
        for agreement in RulesAgreement.objects.filter(
            group_id=session.group_id, referral_id__in=list(referral_ids)
        ).select_related("witnessed_by")
    }


def record_rules_agreements(
    *, acting_user: User, session: Session, referral_ids: Iterable[UUID]
) -> list[RulesAgreement]:
    """Record that each man named agreed to the group's rules at this session, witnessed by
    the acting user, with the rules as they stand. Men who already agreed for this group are
    left as they are; a man not expected at the session is refused."""
    wanted = set(referral_ids)
    with transaction.atomic():
        # One recording at a time for a group: nobody's agreement is written twice.
        group = (
            Group.objects.select_for_update(of=("self",))
            .select_related("version")
            .get(pk=session.group_id)
        )
        if session.is_cancelled:
            raise ValidationError("The session was cancelled.")
        if session.date > timezone.localdate():
            raise ValidationError("Record agreement to the rules on the day of the session.")
        expected = {m.referral_id: m.referral for m in members_at(session)}
        if wanted - set(expected):
            raise ValidationError("A man chosen is not expected at this session.")
        already = set(agreements_at(session, wanted))
        rules = [
            {"code": rule["code"], "text": rule["text"]} for rule in group.definition.group_rules
        ]
        agreements = RulesAgreement.objects.bulk_create(
            [
                RulesAgreement(
                    referral=expected[referral_id],
                    group=group,
                    agreed_on=session.date,
                    witnessed_by=acting_user,
                    rules=rules,
                )
                for referral_id in sorted(wanted - already, key=str)
            ]
        )
        AuditEvent.objects.bulk_create(
            [
                build_event(
                    acting_user=acting_user,
                    action=Action.RULES_AGREED,
                    subject=agreement,
                    participant=agreement.referral.participant,
                    new_values={
                        "group": group.pk,
                        "session": session.pk,
                        "agreed_on": agreement.agreed_on.isoformat(),
                        "rules": [rule["code"] for rule in rules],
                    },
                )
                for agreement in agreements
            ]
        )
    return agreements
