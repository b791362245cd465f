"""Programme definitions: the shipped C-SOGP file, a second programme loaded with no code
change, and the problems a malformed file is refused with. No database."""

from __future__ import annotations

import copy
import datetime
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupwork.groups.timetable import closed_days, plan_module
from groupwork.programmes.definition import (
    DefinitionError,
    ProgrammeDefinition,
    parse_definition,
    read_definition_file,
    shipped_definition,
)

DATA = Path(__file__).with_name("data")
TWICE_WEEKLY_FILE = DATA / "twice_weekly.json"
MONDAY, THURSDAY, FRIDAY = 0, 3, 4
DELETE = object()


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def raw(name: str) -> dict[str, Any]:
    if name == "csogp":
        return copy.deepcopy(shipped_definition("csogp").raw)
    return read_definition_file(TWICE_WEEKLY_FILE)


def twice_weekly() -> ProgrammeDefinition:
    return parse_definition(read_definition_file(TWICE_WEEKLY_FILE))


# --- the shipped definition -----------------------------------------------------------------


def test_shipped_csogp_definition_parses_with_the_leaflet_shape() -> None:
    csogp = shipped_definition("csogp")

    assert csogp.code == "csogp"
    assert (csogp.group_size_minimum, csogp.group_size_maximum) == (8, 11)
    assert csogp.facilitators_per_session == 2
    assert csogp.sexes == ("male",)
    assert [module.code for module in csogp.modules] == [
        "induction",
        "longer-term",
        "relapse-prevention",
    ]
    induction = csogp.module("induction")
    assert induction.mode == "closed"
    assert induction.block_week is not None
    assert induction.block_week.days == 5
    assert induction.meetings == {"full-days": 5, "half-days": 10, "evenings": 10}
    assert induction.hours == 50
    assert [s.number for s in induction.sessions_in_meeting("full-days", 1)] == [6, 7]
    assert [s.number for s in induction.sessions_in_meeting("half-days", 10)] == [15]
    assert csogp.module("longer-term").mode == "rolling"
    assert {pattern.slot for pattern in csogp.patterns.values()} == {"day", "evening"}
    assert [pathway.code for pathway in csogp.pathways] == ["lower", "medium", "higher"]
    assert len(csogp.group_rules) == 6


# --- a second programme, loaded with no code change ---------------------------------------


def test_twice_weekly_definition_parses() -> None:
    definition = twice_weekly()

    assert definition.code == "thinking-skills"
    assert (definition.group_size_minimum, definition.group_size_maximum) == (6, 12)
    assert definition.sexes == ("male", "female")
    assert set(definition.offence_categories) == {"acquisitive", "violence", "motoring"}
    core = definition.module("core")
    assert core.mode == "closed"
    assert core.block_week is None
    assert len(core.sessions) == 20
    assert core.meetings == {"mon-thu": 20, "mon-thu-evenings": 20}
    assert [len(core.sessions_in_meeting("mon-thu", n)) for n in range(1, 21)] == [1] * 20
    assert definition.patterns["mon-thu"].weekday_offsets == (0, 3)
    assert [pathway.code for pathway in definition.pathways] == ["standard", "shortened"]
    assert [occasion["code"] for occasion in definition.raw["questionnaire_occasions"]] == [
        "before",
        "after",
    ]


@pytest.mark.parametrize("pattern_code", ["mon-thu", "mon-thu-evenings"])
def test_twice_weekly_group_from_a_monday_meets_mondays_and_thursdays_round_easter(
    pattern_code: str,
) -> None:
    definition = twice_weekly()
    pattern = definition.patterns[pattern_code]

    timetable = plan_module(
        module=definition.module("core"),
        pattern=pattern,
        start=day("2027-03-01"),
        blocked=closed_days({}),
    )

    assert timetable.start == day("2027-03-01")
    assert timetable.start_moved_from is None
    assert [s.date for s in timetable.sessions] == [
        day(text)
        for text in (
            "2027-03-01",
            "2027-03-04",
            "2027-03-08",
            "2027-03-11",
            "2027-03-15",
            "2027-03-18",
            "2027-03-22",
            "2027-03-25",
            "2027-04-01",  # Easter Monday, 29 March, passed over
            "2027-04-05",
            "2027-04-08",
            "2027-04-12",
            "2027-04-15",
            "2027-04-19",
            "2027-04-22",
            "2027-04-26",
            "2027-04-29",
            "2027-05-06",  # May Day, 3 May, passed over
            "2027-05-10",
            "2027-05-13",
        )
    ]
    assert [s.number for s in timetable.sessions] == list(range(1, 21))
    assert {s.date.weekday() for s in timetable.sessions} == {MONDAY, THURSDAY}
    assert {(s.starts, s.ends) for s in timetable.sessions} == {(pattern.starts, pattern.ends)}
    moved = {s.date: (s.moved_from, s.reason) for s in timetable.sessions if s.moved_from}
    assert moved == {
        day("2027-04-01"): (day("2027-03-29"), "Easter Monday (bank holiday)"),
        day("2027-05-06"): (day("2027-05-03"), "May Day (bank holiday)"),
    }


def test_twice_weekly_group_asked_for_a_thursday_starts_on_the_next_day_that_avoids_weekends() -> (
    None
):
    definition = twice_weekly()

    timetable = plan_module(
        module=definition.module("core"),
        pattern=definition.patterns["mon-thu"],
        start=day("2027-03-04"),
        blocked=closed_days({}),
    )

    assert timetable.start == day("2027-03-05")
    assert timetable.start_moved_from == day("2027-03-04")
    assert timetable.start_reason is not None
    assert "weekend" in timetable.start_reason
    assert len(timetable.sessions) == 20
    assert {s.date.weekday() for s in timetable.sessions} == {FRIDAY, MONDAY}


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)),
    closure_offsets=st.frozensets(st.integers(min_value=0, max_value=120), max_size=15),
)
def test_twice_weekly_group_always_meets_twice_a_week_on_clear_weekdays(
    start: datetime.date, closure_offsets: frozenset[int]
) -> None:
    definition = twice_weekly()
    closures = {start + datetime.timedelta(days=o): "Office move" for o in closure_offsets}
    blocked = closed_days(closures)

    timetable = plan_module(
        module=definition.module("core"),
        pattern=definition.patterns["mon-thu"],
        start=start,
        blocked=blocked,
    )

    dates = [s.date for s in timetable.sessions]
    assert len(dates) == 20
    assert all(blocked(date) is None and date.weekday() <= FRIDAY for date in dates)
    assert all((after - before).days >= 3 for before, after in pairwise(dates))
    assert all((dates[i + 2] - dates[i]).days >= 7 for i in range(len(dates) - 2))
    assert len({date.weekday() for date in dates}) == 2
    assert (timetable.start_moved_from is None) == (timetable.start == start)


# --- malformed definitions ------------------------------------------------------------------


def edited(base: str, *changes: tuple[tuple[str | int, ...], Any]) -> dict[str, Any]:
    """The base definition with each (path, value) set, or removed when value is DELETE."""
    data = raw(base)
    for path, value in changes:
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        if value is DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return data


def csogp_induction_with_no_weekly_sessions() -> dict[str, Any]:
    data = raw("csogp")
    data["modules"][0]["sessions"] = data["modules"][0]["sessions"][:5]
    return data


MALFORMED = [
    ("missing-group-size", edited("twice", (("group_size",), DELETE)), "group_size"),
    (
        "group-size-minimum-above-maximum",
        edited("twice", (("group_size", "minimum"), 13)),
        "group_size.minimum",
    ),
    (
        "pathway-names-an-unknown-module",
        edited("twice", (("pathways", 0, "modules", 0, "module"), "advanced")),
        "pathways[0].modules[0].module",
    ),
    (
        "pathway-sessions-more-than-the-meetings",
        edited("twice", (("pathways", 1, "modules", 0, "sessions"), 21)),
        "pathways[1].modules[0].sessions",
    ),
    (
        "pathway-sessions-zero",
        edited("twice", (("pathways", 1, "modules", 0, "sessions"), 0)),
        "pathways[1].modules[0].sessions",
    ),
    (
        "meetings-name-an-unknown-pattern",
        edited("twice", (("modules", 0, "meetings", "fortnightly"), 10)),
        "modules[0].meetings.fortnightly",
    ),
    (
        "weekly-sessions-do-not-share-evenly",
        edited("csogp", (("modules", 0, "meetings", "full-days"), 4)),
        "modules[0].meetings.full-days",
    ),
    (
        "meetings-with-no-weekly-sessions",
        csogp_induction_with_no_weekly_sessions(),
        "modules[0].meetings.full-days",
    ),
    (
        "evening-block-week",
        edited(
            "csogp",
            (("modules", 0, "block_week", "starts"), "18:00"),
            (("modules", 0, "block_week", "ends"), "21:00"),
        ),
        "modules[0].block_week.starts",
    ),
    (
        "block-week-days-do-not-match-its-sessions",
        edited("csogp", (("modules", 0, "block_week", "days"), 4)),
        "modules[0].block_week.days",
    ),
    (
        "block-week-sessions-without-a-block-week",
        edited("twice", (("modules", 0, "sessions", 0, "block_week"), True)),
        "modules[0].sessions",
    ),
    (
        "join-point-past-the-last-meeting",
        edited("csogp", (("modules", 1, "join_points"), [1, 81])),
        "modules[1].join_points",
    ),
    (
        "time-without-leading-zero",
        edited("twice", (("patterns", 0, "starts"), "9:30")),
        "patterns[0].starts",
    ),
    ("hour-out-of-range", edited("twice", (("patterns", 1, "ends"), "24:00")), "patterns[1].ends"),
    ("time-not-a-time", edited("twice", (("patterns", 0, "ends"), "noon")), "patterns[0].ends"),
    (
        "pattern-ends-before-it-starts",
        edited("twice", (("patterns", 0, "ends"), "09:00")),
        "patterns[0].ends",
    ),
    (
        "evening-slot-in-the-morning",
        edited("twice", (("patterns", 1, "starts"), "08:00")),
        "patterns[1].slot",
    ),
    (
        "pattern-always-meets-at-a-weekend",
        edited("twice", (("patterns", 0, "weekday_offsets"), [0, 2, 4, 6])),
        "patterns[0].weekday_offsets",
    ),
    (
        "weekday-offset-past-a-week",
        edited("twice", (("patterns", 0, "weekday_offsets"), [0, 7])),
        "patterns[0].weekday_offsets[1]",
    ),
    (
        "duplicate-pattern-code-whose-second-entry-is-wrong",
        edited("twice", (("patterns", 1, "code"), "mon-thu"), (("patterns", 1, "ends"), "17:30")),
        "patterns[1].ends",
    ),
    (
        "duplicate-session-numbers",
        edited("twice", (("modules", 0, "sessions", 1, "number"), 1)),
        "modules[0].sessions",
    ),
    (
        "questionnaire-after-an-unknown-module",
        edited("twice", (("questionnaire_occasions", 1, "module"), "extra")),
        "questionnaire_occasions[1].module",
    ),
    (
        "one-to-one-after-a-module-naming-none",
        edited("csogp", (("one_to_ones", 1, "module"), DELETE)),
        "one_to_ones[1].module",
    ),
    (
        "minimum-age-not-a-number",
        edited("twice", (("eligibility", "minimum_age"), "eighteen")),
        "eligibility.minimum_age",
    ),
    ("unknown-top-level-field", edited("twice", (("colour",), "blue")), "colour"),
]


@pytest.mark.parametrize(
    ("data", "field"),
    [pytest.param(data, field, id=name) for name, data, field in MALFORMED],
)
def test_malformed_definition_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)

    assert any(field in problem for problem in refused.value.problems), refused.value.problems
    assert str(refused.value) == "; ".join(refused.value.problems)


def test_every_problem_is_named_at_once() -> None:
    data = edited(
        "twice",
        (("group_size", "minimum"), 13),
        (("pathways", 0, "modules", 0, "module"), "advanced"),
        (("modules", 0, "meetings", "fortnightly"), 20),
    )

    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)

    assert len(refused.value.problems) == 3


def test_the_base_files_for_the_malformed_cases_are_valid() -> None:
    parse_definition(raw("csogp"))
    parse_definition(raw("twice"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b'{"code": "x",\n  oops}', "line 2: not valid JSON", id="invalid-json"),
        pytest.param(b"", "line 1: not valid JSON", id="empty-file"),
        pytest.param(b"[1, 2]", "one JSON object", id="not-an-object"),
        pytest.param(b'{"name": "Caf\xe9"}', "not UTF-8", id="not-utf-8"),
    ],
)
def test_unreadable_file_is_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "programme.json"
    path.write_bytes(content)

    with pytest.raises(DefinitionError) as refused:
        read_definition_file(path)

    assert any(expected in problem for problem in refused.value.problems), refused.value.problems


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as refused:
        read_definition_file(tmp_path / "absent.json")

    assert "cannot be read" in refused.value.problems[0]


def test_file_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(raw("twice")), encoding="utf-8")

    assert parse_definition(read_definition_file(path)).code == "thinking-skills"
