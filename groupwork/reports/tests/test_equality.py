"""Equality tables against the hand counts in fixtures.py, and the suppression rules."""

from __future__ import annotations

import datetime

import pytest

from groupwork.reports.equality import (
    SUPPRESSED,
    WITHHELD,
    age_band,
    equality_tables,
    safe_rate,
    suppress_column,
)
from groupwork.reports.measures import gather
from groupwork.reports.tables import Rate, Table
from groupwork.reports.tests.fixtures import Fixture, build_fixture

FEWER = SUPPRESSED


@pytest.fixture
def tables(db: None) -> dict[str, Table]:
    fixture: Fixture = build_fixture()
    return {table.key: table for table in equality_tables(gather(fixture.filters()))}


def rows(table: Table) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table.displayed_rows()}


# Columns: starts, median weeks, completions, completion rate, men referred for breach or
# recalled.


def test_by_ethnic_group_a_lone_small_cell_takes_another_with_it(
    tables: dict[str, Table],
) -> None:
    by_group = rows(tables["equality-ethnicity"])
    # Starts: Asian 1 (Carl) and White 9. Hiding Carl's 1 alone would leave it as 10 - 9,
    # so White's 9 is withheld too; its median (9 starts) is still shown.
    assert by_group["Asian or Asian British"] == [FEWER, WITHHELD, FEWER, WITHHELD, "0"]
    # Completions: White 2 (Adam, George) and Asian 1 (Carl): both small, both hidden.
    # Breaches: Ben twice and Frank, all White: 3.
    assert by_group["White"] == [WITHHELD, "6.0", FEWER, WITHHELD, FEWER]
    for group in (
        "Black, Black British, Caribbean or African",
        "Mixed or multiple ethnic groups",
        "Other ethnic group",
        "Prefers not to say",
        "Not stated",
    ):
        assert by_group[group] == ["0", "—", "0", "—", "0"], group
    assert list(by_group)[-1] == "Not stated"


def test_by_age_band_on_the_last_day_of_the_period(tables: dict[str, Table]) -> None:
    by_band = rows(tables["equality-age"])
    assert list(by_band) == ["18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 and over"]
    # Five Harrys aged 31 started: 5 is shown, with their median of 6 weeks.
    assert by_band["25 to 34"] == ["5", "6.0", "0", "—", "0"]
    assert by_band["18 to 24"] == [FEWER, WITHHELD, "0", WITHHELD, FEWER]  # Ben: 2 starts
    assert by_band["35 to 44"] == [FEWER, WITHHELD, FEWER, WITHHELD, "0"]  # Adam; George
    assert by_band["45 to 54"] == [FEWER, WITHHELD, FEWER, WITHHELD, "0"]  # Carl
    assert by_band["55 and over"] == [FEWER, WITHHELD, "0", WITHHELD, FEWER]  # Frank


def test_by_disability_and_religion(tables: dict[str, Table]) -> None:
    disability = rows(tables["equality-disability"])
    assert list(disability) == ["Yes", "No", "Prefers not to say", "Not stated"]
    assert disability["No"][:2] == ["7", "6.0"]  # Adam, five Harrys, Frank
    assert disability["Yes"][0] == FEWER  # Ben twice
    assert disability["Not stated"][0] == FEWER  # Carl
    religion = rows(tables["equality-religion"])
    assert religion["No religion"][:2] == ["7", "6.0"]  # Ben twice, five Harrys
    assert religion["Christian"][0] == FEWER
    assert religion["Muslim"][0] == FEWER


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([0, 0, 0], [0, 0, 0]),
        ([12, 3, 7, 0], [12, SUPPRESSED, WITHHELD, 0]),  # the smallest other count goes too
        ([12, 3, 4, 0], [12, SUPPRESSED, SUPPRESSED, 0]),  # two hidden: nothing more
        ([3, 0, 0], [SUPPRESSED, 0, 0]),  # no other count to hide
        ([5, 6], [5, 6]),
        ([1, 4, 5], [SUPPRESSED, SUPPRESSED, 5]),
    ],
)
def test_suppression(counts: list[int], shown: list[object]) -> None:
    assert suppress_column(counts) == shown


@pytest.mark.parametrize(
    ("completed", "finished", "rate"),
    [
        (10, 15, Rate(10, 15)),
        (10, 10, Rate(10, 10)),  # none failed to complete: 0 points to nobody
        (7, 10, WITHHELD),  # 3 did not complete
        (SUPPRESSED, 5, WITHHELD),
        (WITHHELD, 20, WITHHELD),
        (0, 4, WITHHELD),
        (0, 0, None),
    ],
)
def test_rates_from_small_numbers_are_withheld(
    completed: int | str, finished: int, rate: object
) -> None:
    assert safe_rate(completed, finished) == rate


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (datetime.date(2008, 12, 31), "18 to 24"),  # 18 on the last day of 2026
        (datetime.date(2009, 1, 1), "Under 18"),
        (datetime.date(2001, 12, 31), "25 to 34"),  # 25 on the last day
        (datetime.date(2002, 1, 1), "18 to 24"),  # 25 the day after
        (datetime.date(1971, 12, 31), "55 and over"),
        (datetime.date(1972, 1, 1), "45 to 54"),
    ],
)
def test_age_bands(born: datetime.date, band: str) -> None:
    assert age_band(born, datetime.date(2026, 12, 31)) == band
