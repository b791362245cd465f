"""Working days: Monday to Friday, except England and Wales bank holidays and area closure days.

Pure functions, no database: the enforcement deadlines, the timetables and the API's calendar
all count days with them. The caller passes the area's closure days in.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from functools import cache

import holidays

SATURDAY = 5
# Ten years without a single working day can only be a bad closure list; stop rather than loop.
MAX_DAYS_WITHOUT_WORK = 3653
ONE_DAY = datetime.timedelta(days=1)


class NoWorkingDayError(ValueError):
    """No working day could be found: the closures cover years, or the calendar ran out."""


@cache
def _bank_holidays() -> holidays.HolidayBase:
    # England's list; Wales has the same bank holidays.
    return holidays.country_holidays("GB", subdiv="ENG")


def bank_holiday(day: datetime.date) -> str | None:
    """The bank holiday's name, e.g. "Christmas Day (bank holiday)", or None."""
    name = _bank_holidays().get(day)
    return f"{name} (bank holiday)" if name else None


def is_working_day(day: datetime.date, closures: Collection[datetime.date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and bank_holiday(day) is None and day not in closures


def add_working_days(
    start: datetime.date, working_days: int, closures: Collection[datetime.date] = frozenset()
) -> datetime.date:
    """The day `working_days` working days after `start`; `start` itself is not counted, so
    0 gives `start` back whatever day it is."""
    if working_days < 0:
        raise ValueError(f"Working days must be 0 or more, not {working_days}.")
    day = start
    for _ in range(working_days):
        day = next_working_day(day, closures)
    return day


def next_working_day(
    after: datetime.date, closures: Collection[datetime.date] = frozenset()
) -> datetime.date:
    """The first working day after `after`."""
    day = after
    for _ in range(MAX_DAYS_WITHOUT_WORK):
        try:
            day += ONE_DAY
        except OverflowError:
            raise NoWorkingDayError("No working day before the end of the calendar.") from None
        if is_working_day(day, closures):
            return day
    raise NoWorkingDayError(f"No working day in the ten years after {after:%Y-%m-%d}.")
