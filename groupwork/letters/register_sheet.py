"""The paper register of one session: the fallback when Groupwork cannot be reached in the
room. It lists the men expected at the session (the same as the register page), with empty
boxes to tick for each, the group rules numbered so that a broken rule can be noted by its
number, and space for the facilitators to sign. It is printed on demand and not kept; the
marks are entered on the register page afterwards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from groupwork.attendance.services import RegisterRow
from groupwork.groups.models import Session
from groupwork.letters.formatting import clock_time, letter_date, long_date
from groupwork.letters.rendering import render_letter

TEMPLATE = "letters/register_sheet.html"


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    # What is already known and matters in the room: a catch-up he owes, an absence reported.
    remarks: tuple[str, ...]


def sheet_rows(rows: list[RegisterRow]) -> list[SheetRow]:
    sheet = []
    for number, row in enumerate(rows, start=1):
        remarks = [
            f"Catch-up owed for the session of {letter_date(catch_up.missed_session.date)}"
            for catch_up in row.catch_ups_owed
        ]
        if row.absence is not None:
            remarks.append(f"Reported absent: {row.absence.get_reason_display()}")
        sheet.append(
            SheetRow(number=number, name=row.referral.participant.full_name, remarks=tuple(remarks))
        )
    return sheet


def register_sheet_context(
    *, session: Session, rows: list[RegisterRow], facilitators: list[str], today: datetime.date
) -> dict[str, Any]:
    """The context of `letters/register_sheet.html`. `session.group` must come with its
    version and centre (as `attendance.views.get_session_for` fetches it)."""
    group = session.group
    room = session.room or group.room
    try:
        module = group.module_definition.title
    except KeyError:
        module = group.module
    return {
        "title": f"Register: {group.name}, session {session.number}",
        "area_name": group.area.name,
        "group_name": group.name,
        "module": module,
        "session_number": session.number,
        "date": long_date(session.date),
        "times": f"{clock_time(session.starts)} to {clock_time(session.ends)}",
        "place": ", ".join(part for part in (room.name if room else "", group.centre.name) if part),
        "cancelled": session.is_cancelled,
        "facilitators": facilitators,
        "rows": sheet_rows(rows),
        "rules": group.definition.group_rules,
        "printed_on": letter_date(today),
    }


def register_sheet_pdf(**context_args: Any) -> bytes:
    return render_letter(TEMPLATE, register_sheet_context(**context_args)).pdf
