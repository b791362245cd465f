"""The allocation letter: which centre a man goes to, when, the rules, and who to contact.

`allocation_letter_context` is pure: it reads only the values it is given (the group must
come with its centre loaded). `allocation_letter_for_membership` gathers those values for a
membership in two queries and builds the context from them.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import Any

from groupwork.groups.models import Group, Membership, Session, SessionKind, SessionStatus
from groupwork.letters.formatting import (
    DAY_NAMES,
    address_lines,
    and_list,
    long_date,
    time_range,
)
from groupwork.letters.rendering import letter_context, render_letter
from groupwork.organisation.models import Area, Office
from groupwork.programmes.definition import ProgrammeDefinition

TEMPLATE = "letters/allocation.html"
TITLE = "Your group: where and when"


def allocation_letter_context(  # noqa: PLR0913  (keyword-only: the letter's facts, named)
    *,
    man_name: str,
    man_address: str,
    group: Group,
    first_sessions: Sequence[Session],
    definition: ProgrammeDefinition,
    office: Office,
    area: Area,
    today: datetime.date,
    weekly_meetings: int | None = None,
) -> dict[str, Any]:
    """The context of `letters/allocation.html`.

    `first_sessions`: the group's scheduled sessions from the man's first, in date order:
    the block week's days (if the module has one) and at least the first weekly meeting.
    `office`: the office that sends the letter and whose phone he calls.
    `weekly_meetings`: how many weekly meetings he attends, when not the module's full
    count for the group's pattern (a man joining a rolling group part way through).
    """
    module = definition.module(group.module)
    pattern = definition.patterns[group.pattern]
    scheduled = [session for session in first_sessions if not session.is_cancelled]
    block = [session for session in scheduled if session.kind == SessionKind.BLOCK]
    weekly = [session for session in scheduled if session.kind == SessionKind.WEEKLY]
    meetings = weekly_meetings if weekly_meetings is not None else module.meetings[pattern.code]
    meeting_days = sorted({(group.weekday + offset) % 7 for offset in pattern.weekday_offsets})
    centre = group.centre
    missed = definition.raw.get("missed_sessions", {})
    return {
        **letter_context(
            area=area,
            office=office,
            recipient_name=man_name,
            recipient_address=man_address,
            today=today,
            title=TITLE,
        ),
        "programme_name": definition.name,
        "centre": {
            "name": centre.name,
            "address_lines": address_lines(centre.address) or [centre.town],
        },
        "block_sessions": [_session(session) for session in block],
        "block_in_daytime_for_evening_group": bool(block) and pattern.slot == "evening",
        "weekly": {
            "days": and_list([f"{DAY_NAMES[day]}s" for day in meeting_days]),
            "times": time_range(pattern.starts, pattern.ends),
            "weeks": math.ceil(meetings / len(pattern.weekday_offsets)),
        },
        "first_weekly": _session(weekly[0]) if weekly else None,
        "catch_up_after_miss": bool(missed.get("catch_up_after_any_miss", False)),
        "rules": [rule["text"] for rule in definition.group_rules],
        "contact": {"name": office.name, "phone": office.phone},
        "complaints_address_lines": address_lines(area.complaints_address),
    }


def _session(session: Session) -> dict[str, str]:
    return {"date": long_date(session.date), "times": time_range(session.starts, session.ends)}


def allocation_letter_for_membership(membership_id: int, *, today: datetime.date) -> dict[str, Any]:
    """Everything the allocation letter needs for one membership, in two queries.

    The letter comes from the man's probation officer's office, and his questions go there;
    when the officer has no office, from the group's centre.
    """
    membership = Membership.objects.select_related(
        "group__centre",
        "group__area",
        "group__version",
        "referral__participant",
        "referral__responsible_officer__office",
    ).get(pk=membership_id)
    group = membership.group
    definition = group.version.parsed
    module = definition.module(group.module)
    first_number = membership.first_session or 1
    block_days = module.block_week.days if module.block_week and first_number == 1 else 0
    first_sessions = list(
        Session.objects.filter(
            group=group, status=SessionStatus.SCHEDULED, number__gte=first_number
        ).order_by("date", "starts", "number")[: block_days + 1]
    )
    weekly_meetings = None
    if module.block_week is None and membership.first_session and membership.last_session:
        weekly_meetings = membership.last_session - membership.first_session + 1
    participant = membership.referral.participant
    officer_office = membership.referral.responsible_officer.office
    return allocation_letter_context(
        man_name=participant.full_name,
        man_address="\n".join([participant.address, participant.postcode]),
        group=group,
        first_sessions=first_sessions,
        definition=definition,
        office=officer_office or group.centre,
        area=group.area,
        today=today,
        weekly_meetings=weekly_meetings,
    )


def allocation_letter_pdf(membership_id: int, *, today: datetime.date) -> bytes:
    return render_letter(TEMPLATE, allocation_letter_for_membership(membership_id, today=today)).pdf
