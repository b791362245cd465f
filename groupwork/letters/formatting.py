"""Dates, times and addresses written the way a letter to a participant writes them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NOON = 12


def letter_date(day: datetime.date) -> str:
    """The date at the top of a letter: 7 September 2026."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def long_date(day: datetime.date) -> str:
    """A day to come in: Monday 7 September 2026."""
    return f"{DAY_NAMES[day.weekday()]} {letter_date(day)}"


def clock_time(time: datetime.time) -> str:
    """9:30am, 4pm, 12 noon: the twelve-hour clock most people read."""
    if time.hour == NOON and time.minute == 0:
        return "12 noon"
    if time.hour == 0 and time.minute == 0:
        return "12 midnight"
    hour = time.hour % NOON or NOON
    suffix = "am" if time.hour < NOON else "pm"
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{suffix}"


def time_range(starts: datetime.time, ends: datetime.time) -> str:
    """from 9:30am to 4pm"""
    return f"from {clock_time(starts)} to {clock_time(ends)}"


def and_list(words: Sequence[str]) -> str:
    """Mondays, Tuesdays and Thursdays."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def address_lines(*parts: str) -> list[str]:
    """An address kept as typed, one line a line, without blank lines or repeated lines
    (a postcode kept in its own field is often typed into the address too)."""
    lines: list[str] = []
    for part in parts:
        for line in part.splitlines():
            cleaned = line.strip().rstrip(",").strip()
            if cleaned and cleaned.casefold() not in {seen.casefold() for seen in lines}:
                lines.append(cleaned)
    return lines
