"""The filter form: the default period, and what it refuses."""

from __future__ import annotations

import datetime

import pytest

from groupwork.organisation.models import Office
from groupwork.programmes.models import Programme
from groupwork.reports.forms import ReportFilterForm, last_twelve_months

TODAY = datetime.date(2026, 12, 18)


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2026, 12, 18), datetime.date(2025, 12, 19)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 3, 1)),
        (datetime.date(2027, 1, 1), datetime.date(2026, 1, 2)),
    ],
)
def test_the_last_twelve_months(today: datetime.date, start: datetime.date) -> None:
    assert last_twelve_months(today) == (start, today)


def form(data: dict[str, str] | None) -> ReportFilterForm:
    centre = Office(pk=7, name="Worcester Centre")
    programmes = [Programme(pk=1, code="csogp", name="C-SOGP"), Programme(pk=2, code="x", name="X")]
    return ReportFilterForm(data, centres=[centre], programmes=programmes, today=TODAY)


def test_without_choices_the_report_is_the_last_twelve_months_of_c_sogp() -> None:
    filters = form(None).filters(area_id=3)
    assert filters is not None
    assert (filters.start, filters.end) == (datetime.date(2025, 12, 19), TODAY)
    assert (filters.area_id, filters.programme_id, filters.centre_id) == (3, 1, None)


def test_a_date_left_out_takes_its_default() -> None:
    chosen = form({"date_from_day": "1", "date_from_month": "4", "date_from_year": "2026",
                   "centre": "7"})  # fmt: skip
    assert chosen.is_valid(), chosen.errors
    filters = chosen.filters(area_id=3)
    assert filters is not None
    assert (filters.start, filters.end, filters.centre_id) == (
        datetime.date(2026, 4, 1),
        TODAY,
        7,
    )
    assert chosen.described()[1] == ("Centre", "Worcester Centre")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"programme": "nope"}, "Select a valid choice"),
        ({"centre": "8"}, "Select a valid choice"),
        ({"date_to_day": "31", "date_to_month": "2", "date_to_year": "2026"}, "real date"),
        (
            {"date_from_day": "1", "date_from_month": "1", "date_from_year": "2027"},
            "The end of the period must be on or after its start",
        ),
    ],
)
def test_refused(data: dict[str, str], message: str) -> None:
    refused = form(data)
    assert not refused.is_valid()
    assert message in str(refused.errors)
