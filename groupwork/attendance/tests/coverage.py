"""A man who has been to every meeting his pathway needs, for tests that complete a referral.

The programme cannot be marked complete while any content his pathway needs is uncovered, so
tests that complete a referral first give him a full record with `cover_pathway`.
"""

from __future__ import annotations

import datetime

from groupwork.allocation.forecast import longest_pathway
from groupwork.attendance.models import Attendance, Outcome
from groupwork.groups.models import GroupKind, Membership, Session
from groupwork.groups.tests.factories import GroupFactory
from groupwork.organisation.models import User
from groupwork.referrals.models import Referral

FIRST_MEETING = datetime.date(2026, 1, 5)


def cover_pathway(referral: Referral, *, recorded_by: User) -> None:
    """One past group for each module of his pathway (the longest until he has one), with a
    place he has left and every meeting he needs marked attended."""
    definition = referral.programme.current_version().parsed
    pathway = (
        definition.pathway(referral.pathway) if referral.pathway else longest_pathway(definition)
    )
    day = FIRST_MEETING
    for part in pathway.modules:
        module = definition.module(part.module)
        rolling = module.mode == "rolling"
        group = GroupFactory.create(
            area=referral.participant.area,
            module=module.code,
            pattern="half-days",
            kind=GroupKind.ROLLING if rolling else GroupKind.CLOSED,
            start_date=day,
        )
        block = module.block_week.days if module.block_week else 0
        weekly = module.meetings["half-days"] if part.sessions == "all" else part.sessions
        sessions = Session.objects.bulk_create(
            Session(
                group=group,
                number=number,
                kind="block" if number <= block else "weekly",
                date=day + datetime.timedelta(weeks=number),
                starts=datetime.time(9, 30),
                ends=datetime.time(12, 30),
            )
            for number in range(1, block + weekly + 1)
        )
        Membership.objects.create(
            group=group,
            referral=referral,
            joined_on=sessions[0].date,
            left_on=sessions[-1].date,
            first_session=1 if rolling else None,
            last_session=len(sessions) if rolling else None,
        )
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                referral=referral,
                outcome=Outcome.ATTENDED,
                recorded_by=recorded_by,
            )
            for session in sessions
        )
        day = sessions[-1].date
