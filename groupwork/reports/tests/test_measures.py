"""Every measure against the hand counts in fixtures.py, then the pure rules on their own."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from groupwork.participants.models import Participant
from groupwork.reports import measures
from groupwork.reports.measures import (
    IN_TIME,
    LATE,
    NOT_YET_DUE,
    Filters,
    ReportData,
    gather,
    measure_tables,
    timeliness,
    waiting_band,
)
from groupwork.reports.tables import Rate, Table, Weeks
from groupwork.reports.tests.fixtures import TODAY, Fixture, build_fixture, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture() -> Fixture:
    return build_fixture()


def tables_for(data: ReportData) -> dict[str, Table]:
    return {table.key: table for table in measure_tables(data, TODAY)}


def column(table: Table, name: str) -> dict[str, Any]:
    """The table's column as {row label: displayed value}; labels of several columns are
    joined with ": "."""
    index = table.columns.index(name)
    rows = table.displayed_rows()
    label_width = table.label_columns
    return {": ".join(row[:label_width]): row[index] for row in rows}


def test_key_figures_match_the_hand_counts(fixture: Fixture) -> None:
    figures = column(tables_for(gather(fixture.filters()))["key-figures"], "Value")
    assert figures == {
        "Referrals received": "12",
        "Starts": "10",
        "Completions": "3",
        "Ended early": "2",
        "Withdrawn before starting": "2",
        "Completion rate (completed out of completed or ended early)": "60.0%",
        "Completions before the sentence ended": "2",
        "Share of completions before the sentence ended": "66.7%",
        "Median weeks from sentence to start": "6.0",
        "Attendance rate": "81.0%",
        "Acceptable absences": "1",
        "Unacceptable absences": "2",
        "Absences waiting for a decision": "1",
        "Enforcement actions within 10 working days": "50.0%",
        "Complaint stages answered on time": "50.0%",
        "Incidents": "3",
    }


def test_the_man_who_starts_twice_counts_once_per_referral(fixture: Fixture) -> None:
    data = gather(fixture.filters())
    bens = {fixture.referrals["ben1"].pk, fixture.referrals["ben2"].pk}
    started = sorted(start.started_on for start in data.starts if start.referral_id in bens)
    # His second referral's first session (1 June) was an absence: he started on 8 June.
    assert started == [day(3, 2), day(6, 8)]


def test_a_restricted_case_counts_though_the_viewer_cannot_see_him(fixture: Fixture) -> None:
    carl = fixture.men["carl"]
    assert not Participant.objects.visible_to(fixture.pm).filter(pk=carl.pk).exists()
    data = gather(fixture.filters())
    carls = fixture.referrals["carl"].pk
    assert carls in {start.referral_id for start in data.starts}
    assert carls in {closure.referral_id for closure in data.closures}
    assert carls in {record.referral_id for record in data.enforcement}
    # His late complaint answer is one of the two late ones.
    assert len(data.complaint_stages) == 5


def test_leavers_by_stage_module_and_reason(fixture: Fixture) -> None:
    tables = tables_for(gather(fixture.filters()))
    by_stage = tables["attrition-stage"]
    assert [row[1:] for row in by_stage.displayed_rows()] == [
        ["0", "0", "0"],  # received
        ["1", "0", "1"],  # awaiting assessment: Dan
        ["0", "0", "0"],  # awaiting allocation
        ["1", "0", "1"],  # allocated: Ed
        ["0", "2", "2"],  # on programme: Ben's first referral, Frank
    ]
    assert [row[0] for row in by_stage.displayed_rows()] == [
        "Received",
        "Awaiting assessment",
        "Awaiting allocation",
        "Allocated",
        "On programme",
    ]
    assert column(tables["attrition-module"], "Total") == {
        "Before any group": "1",
        "Induction": "2",
        "Longer-term group": "1",
        "Relapse prevention": "0",
    }
    reasons = {k: v for k, v in column(tables["attrition-reason"], "Men").items() if v != "0"}
    assert reasons == {
        "Ended early: Breach: returned to court": "1",
        "Ended early: Recalled to prison": "1",
        "Withdrawn: Found unsuitable at assessment": "1",
        "Withdrawn: Moved out of the area": "1",
    }
    assert len(tables["attrition-reason"].rows) == 13  # every reason, even at 0


def test_waiting_attendance_enforcement_complaints_and_incidents(fixture: Fixture) -> None:
    tables = tables_for(gather(fixture.filters()))
    waiting = {k: v for k, v in column(tables["waiting"], "Starts").items() if v != "0"}
    assert waiting == {"4 to 8 weeks": "9", "8 to 13 weeks": "1"}
    assert column(tables["attendance"], "Marks") == {
        "Attended and complied": "16",
        "Attended but failed to comply": "1",
        "Absent, reason pending": "1",
        "Acceptable absence": "1",
        "Unacceptable absence": "2",
        "Session cancelled by the service": "1",
    }
    assert column(tables["enforcement"], "Items") == {
        IN_TIME: "3",
        LATE: "3",
        NOT_YET_DUE: "1",
    }
    assert column(tables["enforcement-actions"], "Items") == {
        "Gave a warning": "1",
        "Referred to court for breach": "2",
        "Asked for recall": "1",
        "No action: a reasonable excuse was accepted": "1",
        "No action yet": "2",
    }
    assert tables["complaints"].displayed_rows() == [
        ["Stage 1", "4", "1", "2", "1", "33.3%"],
        ["Stage 2", "1", "1", "0", "0", "100.0%"],
        ["Stage 3", "0", "0", "0", "0", "—"],
    ]
    assert column(tables["incidents"], "Incidents") == {
        "Racism": "1",
        "Sexism": "1",
        "Homophobia": "0",
        "Other disrespectful behaviour": "1",
    }


def test_one_centre(fixture: Fixture) -> None:
    tables = tables_for(gather(fixture.filters(fixture.shrewsbury)))
    figures = column(tables["key-figures"], "Value")
    assert figures["Referrals received"] == "1"
    assert figures["Starts"] == "1"
    assert figures["Completions"] == "0"
    assert figures["Ended early"] == "1"
    assert figures["Attendance rate"] == "100.0%"
    assert figures["Enforcement actions within 10 working days"] == "100.0%"
    assert figures["Complaint stages answered on time"] == "—"  # one stage, not yet due
    assert figures["Incidents"] == "1"
    assert figures["Median weeks from sentence to start"] == "5.0"


def test_worcester_holds_the_rest(fixture: Fixture) -> None:
    figures = column(tables_for(gather(fixture.filters(fixture.worcester)))["key-figures"], "Value")
    # Dan was never in a group, so he is in no centre's figures.
    assert figures["Referrals received"] == "10"
    assert figures["Starts"] == "9"
    assert figures["Completions"] == "3"
    assert figures["Withdrawn before starting"] == "1"
    assert figures["Incidents"] == "2"


def test_the_data_is_gathered_in_a_fixed_number_of_queries(
    fixture: Fixture, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(10):
        gather(fixture.filters())
    with django_assert_num_queries(10):
        gather(fixture.filters(fixture.worcester))


# The pure rules


@pytest.mark.parametrize(
    ("done_on", "today", "verdict"),
    [
        (day(3, 10), day(12, 1), IN_TIME),  # before the deadline
        (day(3, 16), day(12, 1), IN_TIME),  # on the deadline
        (day(3, 17), day(12, 1), LATE),
        (None, day(3, 16), NOT_YET_DUE),  # open on its last day
        (None, day(3, 17), LATE),  # open after it
    ],
)
def test_timeliness(done_on: datetime.date | None, today: datetime.date, verdict: str) -> None:
    assert timeliness(due=day(3, 16), done_on=done_on, today=today) == verdict


@pytest.mark.parametrize(
    ("weeks", "band"),
    [
        (-0.5, "Started before the sentence date"),
        (0, "Under 4 weeks"),
        (3.9, "Under 4 weeks"),
        (4, "4 to 8 weeks"),
        (8, "8 to 13 weeks"),
        (13, "13 to 26 weeks"),
        (51.9, "26 to 52 weeks"),
        (52, "52 weeks or more"),
    ],
)
def test_waiting_bands(weeks: float, band: str) -> None:
    assert waiting_band(weeks) == band


def test_rates_of_nothing_are_not_zero() -> None:
    assert measures.completion_rate([]) == Rate(0, 0)
    assert Rate(0, 0).value is None
    assert measures.median_weeks([]) is None
    assert measures.attendance_rate({"cancelled": 3}) == Rate(0, 0)


def test_the_median_of_an_even_number_of_starts() -> None:
    person = measures.Person(day(1, 1, 1990), "", "", "")
    starts = [
        measures.Start(
            referral_id=uuid.uuid4(),
            started_on=day(1, 1) + datetime.timedelta(weeks=weeks),
            sentence_start=day(1, 1),
            person=person,
        )
        for weeks in (2, 4, 5, 9)
    ]
    assert measures.median_weeks(starts) == Weeks(4.5)


def test_a_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        Filters(area_id=1, programme_id=1, centre_id=None, start=day(2, 1), end=day(1, 1))
