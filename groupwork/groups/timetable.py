"""Timetables: the dates and times of a group's sessions, from the programme definition.

Pure functions: they take the definition, a start date and a `blocked` function that says why
a day cannot be used (bank holiday, area closure, a cancelled session), and return values.
The pages, the API and the tests all use them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

# Re-exported (the `as` says so to mypy): the rule moved to core; callers of
# `timetable.bank_holiday` keep working.
from groupwork.core.working_days import bank_holiday as bank_holiday  # noqa: PLC0414
from groupwork.programmes.definition import Module, Pattern

Blocked = Callable[[datetime.date], str | None]
SessionKind = Literal["block", "weekly"]
SATURDAY = 5
MAX_WEEKS_SEARCHED = 520  # ten years: far past any closure list; stops a bad input looping


class NoClearDateError(ValueError):
    """Every date searched was blocked."""


@dataclass(frozen=True)
class PlannedSession:
    number: int
    date: datetime.date
    starts: datetime.time
    ends: datetime.time
    kind: SessionKind
    moved_from: datetime.date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Timetable:
    start: datetime.date
    start_moved_from: datetime.date | None
    start_reason: str | None
    sessions: tuple[PlannedSession, ...]


def closed_days(closures: Mapping[datetime.date, str]) -> Blocked:
    """Days no session can use: England and Wales bank holidays and the area's closure days."""

    def blocked(day: datetime.date) -> str | None:
        if day in closures:
            return f"{closures[day]} (area closed)"
        return bank_holiday(day)

    return blocked


def is_weekend(day: datetime.date) -> bool:
    return day.weekday() >= SATURDAY


def next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def first_weekday_start(start: datetime.date, pattern: Pattern) -> datetime.date:
    """The first day from `start` from which none of the pattern's days is a weekend day
    (unless it allows weekends), so a twice-weekly group never loses a day a week."""
    for shift in range(7):
        day = start + datetime.timedelta(days=shift)
        if pattern.allow_weekends or not any(
            is_weekend(day + datetime.timedelta(days=offset)) for offset in pattern.weekday_offsets
        ):
            return day
    raise NoClearDateError(f"{pattern.label} meets at a weekend whatever the weekday.")


def weekly_slots(first: datetime.date, pattern: Pattern) -> Iterator[datetime.date]:
    """Every date the pattern meets on, from `first` (the pattern's weekday) onwards."""
    for week in range(MAX_WEEKS_SEARCHED):
        for offset in pattern.weekday_offsets:
            day = first + datetime.timedelta(days=7 * week + offset)
            if pattern.allow_weekends or not is_weekend(day):
                yield day


def place_weekly(
    *,
    count: int,
    first: datetime.date,
    pattern: Pattern,
    blocked: Blocked,
    first_number: int = 1,
) -> list[PlannedSession]:
    """`count` meetings on the pattern's slots from `first`. A blocked slot passes to the next
    slot (for a weekly group, the same weekday a week later) and every later meeting follows
    on, so the cadence holds and the count never changes."""
    sessions: list[PlannedSession] = []
    moved_from: datetime.date | None = None
    reason: str | None = None
    for day in weekly_slots(first, pattern):
        if len(sessions) == count:
            return sessions
        why = blocked(day)
        if why:
            if moved_from is None:
                moved_from, reason = day, why
            continue
        sessions.append(
            PlannedSession(
                number=first_number + len(sessions),
                date=day,
                starts=pattern.starts,
                ends=pattern.ends,
                kind="weekly",
                moved_from=moved_from,
                reason=reason,
            )
        )
        moved_from = reason = None
    if len(sessions) == count:
        return sessions
    raise NoClearDateError("No clear dates for the whole timetable.")


def clear_block_week(
    monday: datetime.date, days: int, blocked: Blocked
) -> tuple[datetime.date, str | None]:
    """The first week from `monday` whose first `days` weekdays are all clear, and why the
    week asked for was not (None when it was)."""
    first_reason = None
    for _ in range(MAX_WEEKS_SEARCHED):
        reasons = [blocked(monday + datetime.timedelta(days=i)) for i in range(days)]
        why = next((reason for reason in reasons if reason), None)
        if why is None:
            return monday, first_reason
        first_reason = first_reason or why
        monday += datetime.timedelta(weeks=1)
    raise NoClearDateError("No clear week for the block week.")


def plan_module(
    *,
    module: Module,
    pattern: Pattern,
    start: datetime.date,
    blocked: Blocked,
    weekday: int | None = None,
) -> Timetable:
    """The timetable of one module for a group starting on `start`.

    With a block week, the block runs Monday to Friday of the week asked for (the next Monday
    if `start` is not one), or of the next clear week; weekly meetings follow from the week
    after, on `weekday` (Monday unless given). Without one, meetings start on `start`, or on
    the next day from which none of the pattern's days falls at a weekend (the result says so).
    """
    count = module.meetings[pattern.code]
    if module.block_week is None:
        weekday_start = first_weekday_start(start, pattern)
        weekly = place_weekly(count=count, first=weekday_start, pattern=pattern, blocked=blocked)
        first = weekly[0]
        reason = first.reason
        if weekday_start != start:
            reason = f"{pattern.label} would meet at a weekend from a {start:%A}"
        return Timetable(
            start=first.date,
            start_moved_from=start if reason else None,
            start_reason=reason,
            sessions=tuple(weekly),
        )
    block = module.block_week
    asked = next_monday(start)
    monday, reason = clear_block_week(asked, block.days, blocked)
    if reason is None and asked != start:
        reason = "The block week starts on a Monday"
    block_sessions = [
        PlannedSession(
            number=day + 1,
            date=monday + datetime.timedelta(days=day),
            starts=block.starts,
            ends=block.ends,
            kind="block",
        )
        for day in range(block.days)
    ]
    weekly_first = monday + datetime.timedelta(weeks=1, days=weekday or 0)
    weekly = place_weekly(
        count=count,
        first=weekly_first,
        pattern=pattern,
        blocked=blocked,
        first_number=block.days + 1,
    )
    return Timetable(
        start=monday,
        start_moved_from=start if monday != start else None,
        start_reason=reason if monday != start else None,
        sessions=(*block_sessions, *weekly),
    )


def plan_rolling(
    *, pattern: Pattern, start: datetime.date, weeks: int, blocked: Blocked, first_number: int = 1
) -> list[PlannedSession]:
    """A rolling group's meetings for `weeks` weeks of its pattern from `start`."""
    return place_weekly(
        count=weeks * len(pattern.weekday_offsets),
        first=start,
        pattern=pattern,
        blocked=blocked,
        first_number=first_number,
    )
