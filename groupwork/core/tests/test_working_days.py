"""Working days, as worked examples around the bank holidays and as properties.

The properties check each answer against the `holidays` package's England list and the
weekdays directly, not against the module's own helpers. Every date in the examples was
checked with that package (holidays 0.109).
"""

from __future__ import annotations

import datetime

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupwork.core.working_days import (
    NoWorkingDayError,
    add_working_days,
    bank_holiday,
    is_working_day,
)

ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
FRIDAY = 4


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def working(date: datetime.date, closures: frozenset[datetime.date]) -> bool:
    return date.weekday() <= FRIDAY and date not in ENGLAND and date not in closures


@pytest.mark.parametrize(
    ("start", "working_days", "expected"),
    [
        # 2026: Christmas Day Friday 25th; Boxing Day Saturday, observed Monday 28th.
        ("2026-12-24", 1, "2026-12-29"),
        ("2026-12-24", 2, "2026-12-30"),
        # New Year's Day 2027 is a Friday.
        ("2026-12-31", 1, "2027-01-04"),
        # 2027: Christmas Day Saturday and Boxing Day Sunday, so Monday 27th and Tuesday 28th
        # are the bank holidays in their place.
        ("2027-12-24", 1, "2027-12-29"),
        ("2027-12-25", 1, "2027-12-29"),
        # New Year's Day 2028 is a Saturday, observed Monday 3 January.
        ("2027-12-31", 1, "2028-01-04"),
        # Good Friday 26 March 2027, Easter Monday 29 March.
        ("2027-03-25", 1, "2027-03-30"),
        ("2027-03-24", 2, "2027-03-30"),
        # Early May bank holiday: first Monday of May (3 May 2027).
        ("2027-04-30", 1, "2027-05-04"),
        # Spring bank holiday: last Monday of May (31 May 2027).
        ("2027-05-28", 1, "2027-06-01"),
        # An ordinary fortnight: 10 working days from a Wednesday is the Wednesday two weeks on.
        ("2027-02-03", 10, "2027-02-17"),
        # A weekend start: Saturday to the Monday, then on.
        ("2027-02-06", 1, "2027-02-08"),
    ],
)
def test_worked_examples(start: str, working_days: int, expected: str) -> None:
    assert add_working_days(day(start), working_days) == day(expected)


def test_area_closure_days_are_not_working_days() -> None:
    # The area closes 29 to 31 December 2027 as well as the bank holidays.
    closures = frozenset({day("2027-12-29"), day("2027-12-30"), day("2027-12-31")})

    assert add_working_days(day("2027-12-24"), 1, closures) == day("2028-01-04")
    assert add_working_days(day("2027-12-24"), 1) == day("2027-12-29")
    assert not is_working_day(day("2027-12-30"), closures)
    assert is_working_day(day("2027-12-30"))


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2027-12-24", True),
        ("2027-12-25", False),  # Saturday and Christmas Day
        ("2027-12-27", False),  # Christmas Day (observed)
        ("2027-12-28", False),  # Boxing Day (observed)
        ("2027-12-29", True),
        ("2027-03-26", False),  # Good Friday
        ("2027-03-29", False),  # Easter Monday
        ("2027-05-03", False),  # Early May bank holiday
        ("2027-05-31", False),  # Spring bank holiday
        ("2027-08-30", False),  # Summer bank holiday
        ("2027-02-07", False),  # a Sunday
    ],
)
def test_is_working_day(date: str, expected: bool) -> None:
    assert is_working_day(day(date)) is expected


def test_bank_holiday_names_the_day() -> None:
    assert bank_holiday(day("2027-12-28")) == "Boxing Day (observed) (bank holiday)"
    assert bank_holiday(day("2027-12-29")) is None


def test_no_working_days_is_the_start_itself_even_on_a_holiday() -> None:
    assert add_working_days(day("2027-12-25"), 0) == day("2027-12-25")


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(day("2027-01-04"), -1)


def test_closures_covering_years_stop_the_search() -> None:
    start = day("2027-01-01")
    closed = frozenset(start + datetime.timedelta(days=offset) for offset in range(4000))

    with pytest.raises(NoWorkingDayError, match="ten years"):
        add_working_days(start, 1, closed)


def test_the_end_of_the_calendar_stops_the_search() -> None:
    with pytest.raises(NoWorkingDayError, match="end of the calendar"):
        add_working_days(datetime.date.max - datetime.timedelta(days=2), 5)


# --- properties ---------------------------------------------------------------------------

STARTS = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 12, 31))
COUNTS = st.integers(min_value=1, max_value=60)
CLOSURE_OFFSETS = st.frozensets(st.integers(min_value=-5, max_value=120), max_size=30)


def closures_near(start: datetime.date, offsets: frozenset[int]) -> frozenset[datetime.date]:
    return frozenset(start + datetime.timedelta(days=offset) for offset in offsets)


@settings(max_examples=300, deadline=None)
@given(start=STARTS, working_days=COUNTS, offsets=CLOSURE_OFFSETS)
def test_the_answer_is_the_nth_working_day_after_the_start(
    start: datetime.date, working_days: int, offsets: frozenset[int]
) -> None:
    closures = closures_near(start, offsets)

    answer = add_working_days(start, working_days, closures)

    assert answer > start
    assert working(answer, closures)
    between = [
        start + datetime.timedelta(days=offset) for offset in range(1, (answer - start).days + 1)
    ]
    assert sum(working(date, closures) for date in between) == working_days
    assert is_working_day(answer, closures)


@settings(max_examples=200, deadline=None)
@given(start=STARTS, first=COUNTS, then=COUNTS, offsets=CLOSURE_OFFSETS)
def test_counting_on_in_two_steps_gives_the_same_day(
    start: datetime.date, first: int, then: int, offsets: frozenset[int]
) -> None:
    closures = closures_near(start, offsets)

    in_two = add_working_days(add_working_days(start, first, closures), then, closures)

    assert in_two == add_working_days(start, first + then, closures)


@given(start=STARTS, offsets=CLOSURE_OFFSETS)
def test_no_working_days_is_always_the_start(start: datetime.date, offsets: frozenset[int]) -> None:
    assert add_working_days(start, 0, closures_near(start, offsets)) == start
