"""Opening enforcement items and recording what the officer did about them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING
from uuid import UUID

from groupwork.enforcement.models import EnforcementItem
from groupwork.enforcement.policy import advise

if TYPE_CHECKING:
    from groupwork.attendance.models import Attendance
    from groupwork.referrals.models import Referral


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
