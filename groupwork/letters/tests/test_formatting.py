import datetime

import pytest

from groupwork.letters.formatting import (
    address_lines,
    and_list,
    clock_time,
    letter_date,
    long_date,
    time_range,
)


@pytest.mark.parametrize(
    ("time", "text"),
    [
        (datetime.time(9, 30), "9:30am"),
        (datetime.time(16, 0), "4pm"),
        (datetime.time(12, 0), "12 noon"),
        (datetime.time(12, 30), "12:30pm"),
        (datetime.time(0, 0), "12 midnight"),
        (datetime.time(0, 15), "12:15am"),
        (datetime.time(18, 5), "6:05pm"),
    ],
)
def test_clock_time(time: datetime.time, text: str) -> None:
    assert clock_time(time) == text


def test_dates_and_ranges() -> None:
    assert letter_date(datetime.date(2026, 9, 7)) == "7 September 2026"
    assert long_date(datetime.date(2026, 9, 7)) == "Monday 7 September 2026"
    assert time_range(datetime.time(9, 30), datetime.time(16)) == "from 9:30am to 4pm"


def test_and_list() -> None:
    assert and_list([]) == ""
    assert and_list(["Mondays"]) == "Mondays"
    assert and_list(["Mondays", "Thursdays"]) == "Mondays and Thursdays"
    assert and_list(["A", "B", "C"]) == "A, B and C"


def test_address_lines_drop_blanks_trailing_commas_and_repeats() -> None:
    assert address_lines("1 Road,\n\n Town \n", "tt1 1tt", "TT1 1TT") == [
        "1 Road",
        "Town",
        "tt1 1tt",
    ]
