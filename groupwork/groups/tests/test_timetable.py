"""The timetable rules, as properties over many start dates and closure sets, and as examples.

Pure functions only: no database. The properties check each result against the rules
directly (dates, weekdays, the England and Wales holiday lists) rather than against the
implementation's own helpers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from itertools import pairwise

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from groupwork.groups.timetable import (
    Blocked,
    PlannedSession,
    Timetable,
    bank_holiday,
    closed_days,
    place_weekly,
    plan_module,
    plan_rolling,
)
from groupwork.programmes.definition import EVENING_STARTS, BlockWeek, Pattern, shipped_definition

CSOGP = shipped_definition("csogp")
INDUCTION = CSOGP.module("induction")
LONGER_TERM = CSOGP.module("longer-term")
BLOCK = INDUCTION.block_week
assert BLOCK is not None
WEEK = datetime.timedelta(weeks=1)
ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
WALES = holidays.country_holidays("GB", subdiv="WLS")
FRIDAY = 4
CHRISTMAS = "Christmas closure"
NO_CLOSURES: dict[datetime.date, str] = {}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def days(*texts: str) -> list[datetime.date]:
    return [day(text) for text in texts]


def christmas_closures(*years: int) -> dict[datetime.date, str]:
    """The area closed from Christmas Eve to New Year's Eve."""
    return {datetime.date(year, 12, date): CHRISTMAS for year in years for date in range(24, 32)}


def area_closures(
    start: datetime.date, offsets: frozenset[int], christmas: bool
) -> dict[datetime.date, str]:
    closures = {start + datetime.timedelta(days=offset): "Staff training" for offset in offsets}
    if christmas:
        closures |= christmas_closures(start.year, start.year + 1)
    return closures


def weekly(timetable: Timetable) -> list[PlannedSession]:
    return [session for session in timetable.sessions if session.kind == "weekly"]


# --- checks shared by the properties ------------------------------------------------------


def usable(date: datetime.date, pattern: Pattern) -> bool:
    return pattern.allow_weekends or date.weekday() <= FRIDAY


def pattern_slots(first: datetime.date, pattern: Pattern) -> Iterator[datetime.date]:
    """The dates the pattern meets on from `first`, weekends left out unless allowed."""
    for week in range(600):
        for offset in sorted(pattern.weekday_offsets):
            date = first + datetime.timedelta(days=7 * week + offset)
            if usable(date, pattern):
                yield date


def check_no_closed_day(
    sessions: Sequence[PlannedSession], closures: dict[datetime.date, str], pattern: Pattern
) -> None:
    for session in sessions:
        assert session.date not in ENGLAND, session
        assert session.date not in WALES, session
        assert session.date not in closures, session
        if session.kind == "block" or not pattern.allow_weekends:
            assert session.date.weekday() <= FRIDAY, session


def check_weekly(
    sessions: Sequence[PlannedSession], first: datetime.date, pattern: Pattern, blocked: Blocked
) -> None:
    """Each meeting takes the next slot of the pattern; the slots passed over were blocked,
    and a meeting says it moved (from the first slot passed over) exactly when there were any."""
    slots = pattern_slots(first, pattern)
    for session in sessions:
        passed_over = []
        for slot in slots:
            if slot == session.date:
                break
            passed_over.append(slot)
        else:
            pytest.fail(f"{session.date} is not a slot of the pattern")
        assert all(blocked(slot) for slot in passed_over), (session, passed_over)
        if passed_over:
            assert session.moved_from == passed_over[0]
            assert session.reason == blocked(passed_over[0])
        else:
            assert session.moved_from is None
            assert session.reason is None
        assert (session.kind, session.starts, session.ends) == (
            "weekly",
            pattern.starts,
            pattern.ends,
        )


def check_once_weekly_cadence(
    sessions: Sequence[PlannedSession], first: datetime.date, blocked: Blocked
) -> None:
    """Every gap is whole weeks; each week skipped was blocked on the group's day."""
    dates = [first - WEEK, *(session.date for session in sessions)]
    for before, after in pairwise(dates):
        gap = (after - before).days
        assert gap % 7 == 0
        assert gap >= 7
        skipped = [before + WEEK * week for week in range(1, gap // 7)]
        assert all(blocked(date) for date in skipped)
    for session in sessions:
        if session.moved_from is not None:
            assert (session.date - session.moved_from).days % 7 == 0
            assert session.moved_from < session.date


def check_block_week(
    timetable: Timetable, start: datetime.date, block: BlockWeek, blocked: Blocked
) -> None:
    monday = timetable.start
    sessions = timetable.sessions[: block.days]
    assert monday.weekday() == 0
    assert [session.date for session in sessions] == [
        monday + datetime.timedelta(days=offset) for offset in range(block.days)
    ]
    for session in sessions:
        assert (session.kind, session.starts, session.ends) == ("block", block.starts, block.ends)
        assert session.starts < EVENING_STARTS
        assert session.moved_from is None
    asked = start + datetime.timedelta(days=-start.weekday() % 7)
    assert monday >= asked
    week = asked
    while week < monday:  # every week passed over held a closed day
        assert any(blocked(week + datetime.timedelta(days=offset)) for offset in range(block.days))
        week += WEEK
    if monday == start:
        assert timetable.start_moved_from is None
        assert timetable.start_reason is None
    else:
        assert timetable.start_moved_from == start
        assert timetable.start_reason
    if monday != asked:
        first_closed = next(
            reason
            for offset in range(block.days)
            if (reason := blocked(asked + datetime.timedelta(days=offset)))
        )
        assert timetable.start_reason == first_closed


# --- properties ---------------------------------------------------------------------------

START_DATES = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31))
CLOSURE_OFFSETS = st.frozensets(st.integers(min_value=0, max_value=250), max_size=25)


@settings(max_examples=400, deadline=None)
@given(
    start=START_DATES,
    pattern_code=st.sampled_from(sorted(INDUCTION.meetings)),
    weekday=st.sampled_from([None, 0, 1, 2, 3, 4]),
    offsets=CLOSURE_OFFSETS,
    christmas=st.booleans(),
)
def test_induction_keeps_the_rules(
    start: datetime.date,
    pattern_code: str,
    weekday: int | None,
    offsets: frozenset[int],
    christmas: bool,
) -> None:
    assert BLOCK is not None
    pattern = CSOGP.patterns[pattern_code]
    closures = area_closures(start, offsets, christmas)
    blocked = closed_days(closures)

    timetable = plan_module(
        module=INDUCTION, pattern=pattern, start=start, blocked=blocked, weekday=weekday
    )

    sessions = timetable.sessions
    meetings = weekly(timetable)
    assert len(sessions) == BLOCK.days + INDUCTION.meetings[pattern_code]
    assert [session.number for session in sessions] == list(range(1, len(sessions) + 1))
    assert [session.kind for session in sessions[: BLOCK.days]] == ["block"] * BLOCK.days
    assert len(meetings) == INDUCTION.meetings[pattern_code]
    check_no_closed_day(sessions, closures, pattern)
    check_block_week(timetable, start, BLOCK, blocked)
    first_slot = timetable.start + WEEK + datetime.timedelta(days=weekday or 0)
    check_weekly(meetings, first_slot, pattern, blocked)
    check_once_weekly_cadence(meetings, first_slot, blocked)
    block_friday = timetable.start + datetime.timedelta(days=BLOCK.days - 1)
    assert all(meeting.date > block_friday for meeting in meetings)
    if pattern.slot == "evening":
        assert all(meeting.starts >= EVENING_STARTS for meeting in meetings)
        assert all(meeting.date >= timetable.start + WEEK for meeting in meetings)


@settings(max_examples=150, deadline=None)
@given(
    start=START_DATES,
    pattern_code=st.sampled_from(sorted(LONGER_TERM.meetings)),
    weeks=st.integers(min_value=1, max_value=30),
    offsets=CLOSURE_OFFSETS,
    christmas=st.booleans(),
)
def test_rolling_group_keeps_the_weekly_cadence(
    start: datetime.date,
    pattern_code: str,
    weeks: int,
    offsets: frozenset[int],
    christmas: bool,
) -> None:
    assume(start.weekday() <= FRIDAY)
    pattern = CSOGP.patterns[pattern_code]
    closures = area_closures(start, offsets, christmas)
    blocked = closed_days(closures)

    sessions = plan_rolling(pattern=pattern, start=start, weeks=weeks, blocked=blocked)

    assert len(sessions) == weeks
    assert [session.number for session in sessions] == list(range(1, weeks + 1))
    check_no_closed_day(sessions, closures, pattern)
    check_weekly(sessions, start, pattern, blocked)
    check_once_weekly_cadence(sessions, start, blocked)
    assert {session.date.weekday() for session in sessions} == {start.weekday()}


PATTERNS = st.builds(
    lambda offsets, weekends: Pattern(
        code="any",
        label="Any pattern",
        slot="day",
        starts=datetime.time(10, 0),
        ends=datetime.time(12, 30),
        weekday_offsets=tuple(sorted(offsets)),
        allow_weekends=weekends,
    ),
    st.sets(st.integers(min_value=0, max_value=6), min_size=1, max_size=3),
    st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(
    first=START_DATES,
    pattern=PATTERNS,
    count=st.integers(min_value=1, max_value=40),
    first_number=st.integers(min_value=1, max_value=6),
    offsets=CLOSURE_OFFSETS,
    christmas=st.booleans(),
)
def test_any_pattern_places_every_meeting_on_a_clear_slot(
    first: datetime.date,
    pattern: Pattern,
    count: int,
    first_number: int,
    offsets: frozenset[int],
    christmas: bool,
) -> None:
    assume(
        any(usable(first + datetime.timedelta(days=o), pattern) for o in pattern.weekday_offsets)
    )
    closures = area_closures(first, offsets, christmas)
    blocked = closed_days(closures)

    sessions = place_weekly(
        count=count, first=first, pattern=pattern, blocked=blocked, first_number=first_number
    )

    assert len(sessions) == count
    assert [session.number for session in sessions] == list(
        range(first_number, first_number + count)
    )
    assert all(before.date < after.date for before, after in pairwise(sessions))
    check_no_closed_day(sessions, closures, pattern)
    check_weekly(sessions, first, pattern, blocked)
    if len(pattern.weekday_offsets) == 1:
        first_slot = first + datetime.timedelta(days=pattern.weekday_offsets[0])
        check_once_weekly_cadence(sessions, first_slot, blocked)


# --- examples: Easter, the May bank holidays, Christmas and New Year -----------------------

GOOD_FRIDAY = "Good Friday (bank holiday)"
EASTER_MONDAY = "Easter Monday (bank holiday)"
MAY_DAY = "May Day (bank holiday)"
SPRING = "Spring Bank Holiday (bank holiday)"
AREA_CHRISTMAS = f"{CHRISTMAS} (area closed)"


def plan(
    pattern_code: str,
    start: str,
    *,
    weekday: int | None = None,
    closures: dict[datetime.date, str] = NO_CLOSURES,
) -> Timetable:
    return plan_module(
        module=INDUCTION,
        pattern=CSOGP.patterns[pattern_code],
        start=day(start),
        blocked=closed_days(closures),
        weekday=weekday,
    )


def moves(timetable: Timetable) -> dict[datetime.date, tuple[datetime.date | None, str | None]]:
    return {s.date: (s.moved_from, s.reason) for s in timetable.sessions if s.moved_from}


def test_block_week_asked_for_easter_week_moves_past_good_friday_and_easter_monday() -> None:
    timetable = plan("full-days", "2027-03-22")

    assert timetable.start == day("2027-04-05")
    assert timetable.start_moved_from == day("2027-03-22")
    assert timetable.start_reason == GOOD_FRIDAY
    assert [s.date for s in timetable.sessions[:5]] == days(
        "2027-04-05", "2027-04-06", "2027-04-07", "2027-04-08", "2027-04-09"
    )
    assert [s.date for s in weekly(timetable)] == days(
        "2027-04-12", "2027-04-19", "2027-04-26", "2027-05-10", "2027-05-17"
    )
    assert moves(timetable) == {day("2027-05-10"): (day("2027-05-03"), MAY_DAY)}


def test_monday_half_days_step_over_easter_monday_may_day_and_spring_bank_holiday() -> None:
    timetable = plan("half-days", "2027-03-08")

    assert timetable.start == day("2027-03-08")
    assert timetable.start_moved_from is None
    assert timetable.start_reason is None
    assert [s.date for s in weekly(timetable)] == days(
        "2027-03-15",
        "2027-03-22",
        "2027-04-05",
        "2027-04-12",
        "2027-04-19",
        "2027-04-26",
        "2027-05-10",
        "2027-05-17",
        "2027-05-24",
        "2027-06-07",
    )
    assert moves(timetable) == {
        day("2027-04-05"): (day("2027-03-29"), EASTER_MONDAY),
        day("2027-05-10"): (day("2027-05-03"), MAY_DAY),
        day("2027-06-07"): (day("2027-05-31"), SPRING),
    }
    assert [s.number for s in weekly(timetable)] == list(range(6, 16))


def test_friday_group_steps_over_good_friday() -> None:
    timetable = plan("half-days", "2027-03-15", weekday=FRIDAY)

    assert [s.date for s in weekly(timetable)] == days(
        "2027-04-02",
        "2027-04-09",
        "2027-04-16",
        "2027-04-23",
        "2027-04-30",
        "2027-05-07",
        "2027-05-14",
        "2027-05-21",
        "2027-05-28",
        "2027-06-04",
    )
    assert moves(timetable) == {day("2027-04-02"): (day("2027-03-26"), GOOD_FRIDAY)}


def test_evening_group_has_a_daytime_block_week_and_steps_over_both_may_holidays() -> None:
    timetable = plan("evenings", "2027-04-26")

    block = timetable.sessions[:5]
    assert [s.date for s in block] == days(
        "2027-04-26", "2027-04-27", "2027-04-28", "2027-04-29", "2027-04-30"
    )
    assert {(s.starts, s.ends) for s in block} == {(datetime.time(9, 30), datetime.time(16, 0))}
    evenings = weekly(timetable)
    assert [s.date for s in evenings] == days(
        "2027-05-10",
        "2027-05-17",
        "2027-05-24",
        "2027-06-07",
        "2027-06-14",
        "2027-06-21",
        "2027-06-28",
        "2027-07-05",
        "2027-07-12",
        "2027-07-19",
    )
    assert {(s.starts, s.ends) for s in evenings} == {(datetime.time(18, 0), datetime.time(20, 30))}
    assert moves(timetable) == {
        day("2027-05-10"): (day("2027-05-03"), MAY_DAY),
        day("2027-06-07"): (day("2027-05-31"), SPRING),
    }


@pytest.mark.parametrize(
    ("asked", "proposed", "reason"),
    [
        ("2027-03-29", "2027-04-05", EASTER_MONDAY),
        ("2027-05-03", "2027-05-10", MAY_DAY),
        ("2027-05-31", "2027-06-07", SPRING),
        ("2027-05-05", "2027-05-10", "The block week starts on a Monday"),
    ],
)
def test_block_week_asked_for_a_holiday_week_is_proposed_for_the_next_clear_week(
    asked: str, proposed: str, reason: str
) -> None:
    timetable = plan("half-days", asked)

    assert timetable.start == day(proposed)
    assert timetable.start_moved_from == day(asked)
    assert timetable.start_reason == reason


def test_block_week_in_a_clear_week_is_not_moved() -> None:
    timetable = plan("half-days", "2027-05-10")

    assert timetable.start == day("2027-05-10")
    assert timetable.start_moved_from is None
    assert timetable.start_reason is None


@pytest.mark.parametrize(
    ("closures", "reason_starts"),
    [(NO_CLOSURES, "Boxing Day"), (christmas_closures(2026), AREA_CHRISTMAS)],
    ids=["bank-holiday-only", "area-closed-24-31-december"],
)
def test_monday_group_crossing_28_december_2026_moves_that_week_to_4_january(
    closures: dict[datetime.date, str], reason_starts: str
) -> None:
    timetable = plan("full-days", "2026-11-30", closures=closures)

    assert [s.date for s in weekly(timetable)] == days(
        "2026-12-07", "2026-12-14", "2026-12-21", "2027-01-04", "2027-01-11"
    )
    moved = weekly(timetable)[3]
    assert moved.moved_from == day("2026-12-28")
    assert moved.reason is not None
    assert moved.reason.startswith(reason_starts)
    assert moved.reason.endswith("(bank holiday)" if not closures else "(area closed)")
    assert [s.number for s in weekly(timetable)] == [6, 7, 8, 9, 10]


def test_thursday_group_skips_both_christmas_closure_weeks() -> None:
    timetable = plan("full-days", "2026-11-30", weekday=3, closures=christmas_closures(2026))

    assert [s.date for s in weekly(timetable)] == days(
        "2026-12-10", "2026-12-17", "2027-01-07", "2027-01-14", "2027-01-21"
    )
    assert moves(timetable) == {day("2027-01-07"): (day("2026-12-24"), AREA_CHRISTMAS)}


def test_thursday_group_meets_over_christmas_when_the_area_stays_open() -> None:
    timetable = plan("full-days", "2026-11-30", weekday=3)

    assert [s.date for s in weekly(timetable)] == days(
        "2026-12-10", "2026-12-17", "2026-12-24", "2026-12-31", "2027-01-07"
    )
    assert moves(timetable) == {}


def test_friday_group_steps_over_christmas_day_and_new_years_day() -> None:
    timetable = plan("full-days", "2026-11-30", weekday=FRIDAY)

    assert [s.date for s in weekly(timetable)] == days(
        "2026-12-11", "2026-12-18", "2027-01-08", "2027-01-15", "2027-01-22"
    )
    assert moves(timetable) == {
        day("2027-01-08"): (day("2026-12-25"), "Christmas Day (bank holiday)")
    }
    assert bank_holiday(day("2027-01-01")) == "New Year's Day (bank holiday)"


@pytest.mark.parametrize(
    ("closures", "reason"),
    [(NO_CLOSURES, "Christmas Day (bank holiday)"), (christmas_closures(2026), AREA_CHRISTMAS)],
    ids=["bank-holidays-only", "area-closed-24-31-december"],
)
def test_block_week_asked_for_week_of_21_december_2026_moves_to_4_january(
    closures: dict[datetime.date, str], reason: str
) -> None:
    timetable = plan("full-days", "2026-12-21", closures=closures)

    assert timetable.start == day("2027-01-04")
    assert timetable.start_moved_from == day("2026-12-21")
    assert timetable.start_reason == reason
    assert [s.date for s in timetable.sessions] == days(
        "2027-01-04",
        "2027-01-05",
        "2027-01-06",
        "2027-01-07",
        "2027-01-08",
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
    )
    assert moves(timetable) == {}
