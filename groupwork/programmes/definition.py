"""Programme definitions: the file format, its checks, and the typed view the rules use.

A definition is JSON checked against `programme.schema.json`, then against the rules a schema
cannot say (codes that refer to each other, counts that must add up). Nothing here touches
the database: the loader, the timetable and the tests all work on these plain values.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).with_name("programme.schema.json")
DEFINITIONS_DIR = Path(__file__).with_name("definitions")
EVENING_STARTS = datetime.time(17, 0)
SATURDAY = 5

Slot = Literal["day", "evening"]


class DefinitionError(ValueError):
    """A definition that cannot be loaded; `problems` names each field that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Pattern:
    code: str
    label: str
    slot: Slot
    starts: datetime.time
    ends: datetime.time
    weekday_offsets: tuple[int, ...]
    allow_weekends: bool


@dataclass(frozen=True)
class BlockWeek:
    days: int
    starts: datetime.time
    ends: datetime.time


@dataclass(frozen=True)
class SessionSpec:
    number: int
    title: str
    kind: str
    hours: float
    block_week: bool


@dataclass(frozen=True)
class Module:
    code: str
    title: str
    mode: Literal["closed", "rolling"]
    block_week: BlockWeek | None
    meetings: dict[str, int]
    join_points: tuple[int, ...]
    sessions: tuple[SessionSpec, ...]

    # A definition is parsed once a process and never changes: its splits are kept. A man's
    # record asks them of every meeting he went to.
    @cached_property
    def weekly_sessions(self) -> tuple[SessionSpec, ...]:
        return tuple(session for session in self.sessions if not session.block_week)

    @cached_property
    def block_week_sessions(self) -> tuple[SessionSpec, ...]:
        return tuple(session for session in self.sessions if session.block_week)

    @property
    def hours(self) -> float:
        return sum(session.hours for session in self.sessions)

    def sessions_in_meeting(self, pattern_code: str, meeting: int) -> tuple[SessionSpec, ...]:
        """The content a weekly meeting covers: full days cover two half-day sessions."""
        per_meeting = len(self.weekly_sessions) // self.meetings[pattern_code]
        start = (meeting - 1) * per_meeting
        return self.weekly_sessions[start : start + per_meeting]


@dataclass(frozen=True)
class PathwayModule:
    module: str
    sessions: int | Literal["all"]


@dataclass(frozen=True)
class Pathway:
    code: str
    label: str
    modules: tuple[PathwayModule, ...]


@dataclass(frozen=True)
class ProgrammeDefinition:
    code: str
    name: str
    summary: str
    sexes: tuple[str, ...]
    minimum_age: int
    offence_categories: dict[str, str]
    group_size_minimum: int
    group_size_maximum: int
    facilitators_per_session: int
    patterns: dict[str, Pattern]
    modules: tuple[Module, ...]
    pathways: tuple[Pathway, ...]
    raw: dict[str, Any]

    def module(self, code: str) -> Module:
        for module in self.modules:
            if module.code == code:
                return module
        raise KeyError(code)

    def pathway_for(self, risk: str, need: str) -> str | None:
        """The pathway the first matching rule gives, or None when no rule matches."""
        for rule in self.raw.get("pathway_rules", []):
            if risk in rule["risk"] and need in rule["need"]:
                pathway: str = rule["pathway"]
                return pathway
        return None

    def pathway(self, code: str) -> Pathway:
        for pathway in self.pathways:
            if pathway.code == code:
                return pathway
        raise KeyError(code)

    @property
    def group_rules(self) -> list[dict[str, str]]:
        rules: list[dict[str, str]] = self.raw["group_rules"]
        return rules


def read_definition_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DefinitionError([f"{path}: cannot be read ({error.strerror})"]) from error
    except UnicodeDecodeError as error:
        raise DefinitionError([f"byte {error.start}: not UTF-8 text"]) from error
    except json.JSONDecodeError as error:
        raise DefinitionError([f"line {error.lineno}: not valid JSON ({error.msg})"]) from error
    if not isinstance(data, dict):
        raise DefinitionError(["the file must hold one JSON object"])
    return data


def parse_definition(data: dict[str, Any]) -> ProgrammeDefinition:
    """Check a definition and return its typed form, or raise DefinitionError naming fields."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    schema_problems = [
        f"{_field(error.absolute_path)}: {error.message}"
        for error in sorted(
            Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path)
        )
    ]
    if schema_problems:
        raise DefinitionError(schema_problems)
    definition = _build(data)
    problems = _cross_checks(definition, data)
    if problems:
        raise DefinitionError(problems)
    return definition


def _field(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(the whole file)"


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def _pattern(entry: dict[str, Any]) -> Pattern:
    return Pattern(
        code=entry["code"],
        label=entry["label"],
        slot=entry["slot"],
        starts=_time(entry["starts"]),
        ends=_time(entry["ends"]),
        weekday_offsets=tuple(sorted(entry["weekday_offsets"])),
        allow_weekends=entry.get("allow_weekends", False),
    )


def _in_pattern_order(meetings: dict[str, int], order: list[str]) -> dict[str, int]:
    """The module's meetings in the order the patterns are listed. PostgreSQL's JSON keeps an
    object's keys in its own order, so the list, not the object, says which comes first."""
    known = [code for code in order if code in meetings]
    unknown = sorted(code for code in meetings if code not in order)
    return {code: meetings[code] for code in [*known, *unknown]}


def _build(data: dict[str, Any]) -> ProgrammeDefinition:
    patterns = {entry["code"]: _pattern(entry) for entry in data["patterns"]}
    modules = tuple(
        Module(
            code=entry["code"],
            title=entry["title"],
            mode=entry["mode"],
            block_week=BlockWeek(
                days=entry["block_week"]["days"],
                starts=_time(entry["block_week"]["starts"]),
                ends=_time(entry["block_week"]["ends"]),
            )
            if "block_week" in entry
            else None,
            meetings=_in_pattern_order(entry["meetings"], list(patterns)),
            join_points=tuple(entry.get("join_points", [1])),
            sessions=tuple(
                SessionSpec(
                    number=session["number"],
                    title=session["title"],
                    kind=session["kind"],
                    hours=float(session["hours"]),
                    block_week=session.get("block_week", False),
                )
                for session in entry["sessions"]
            ),
        )
        for entry in data["modules"]
    )
    pathways = tuple(
        Pathway(
            code=entry["code"],
            label=entry["label"],
            modules=tuple(
                PathwayModule(module=part["module"], sessions=part["sessions"])
                for part in entry["modules"]
            ),
        )
        for entry in data["pathways"]
    )
    eligibility = data["eligibility"]
    return ProgrammeDefinition(
        code=data["code"],
        name=data["name"],
        summary=data.get("summary", ""),
        sexes=tuple(eligibility["sexes"]),
        minimum_age=eligibility["minimum_age"],
        offence_categories={c["code"]: c["label"] for c in eligibility["offence_categories"]},
        group_size_minimum=data["group_size"]["minimum"],
        group_size_maximum=data["group_size"]["maximum"],
        facilitators_per_session=data["facilitators_per_session"],
        patterns=patterns,
        modules=modules,
        pathways=pathways,
        raw=data,
    )


def _cross_checks(definition: ProgrammeDefinition, data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if definition.group_size_minimum > definition.group_size_maximum:
        problems.append("group_size.minimum: is more than group_size.maximum")
    problems += _duplicates("patterns", [p["code"] for p in data["patterns"]])
    problems += _duplicates("modules", [m["code"] for m in data["modules"]])
    problems += _duplicates("pathways", [p["code"] for p in data["pathways"]])
    for index, entry in enumerate(data["patterns"]):
        problems += _pattern_problems(f"patterns[{index}]", _pattern(entry))
    for index, module in enumerate(definition.modules):
        problems += _module_problems(f"modules[{index}]", module, definition)
    module_codes = {module.code: module for module in definition.modules}
    for index, pathway in enumerate(definition.pathways):
        for part_index, part in enumerate(pathway.modules):
            where = f"pathways[{index}].modules[{part_index}]"
            if part.module not in module_codes:
                problems.append(f"{where}.module: no module is called {part.module!r}")
            elif part.sessions != "all" and part.sessions > _meeting_count(
                module_codes[part.module]
            ):
                problems.append(f"{where}.sessions: more than the module's meetings")
    pathway_codes = {pathway.code for pathway in definition.pathways}
    for index, rule in enumerate(data.get("pathway_rules", [])):
        if rule["pathway"] not in pathway_codes:
            problems.append(f"pathway_rules[{index}].pathway: no pathway is called that")
    for list_name in ("questionnaire_occasions", "one_to_ones"):
        for index, occasion in enumerate(data[list_name]):
            where = f"{list_name}[{index}]"
            if occasion["when"] == "after_module" and occasion.get("module") not in module_codes:
                problems.append(f"{where}.module: name a module of this programme")
    return problems


def _pattern_problems(where: str, pattern: Pattern) -> list[str]:
    problems = []
    if pattern.starts >= pattern.ends:
        problems.append(f"{where}.ends: must be after starts")
    if (pattern.slot == "evening") != (pattern.starts >= EVENING_STARTS):
        problems.append(
            f"{where}.slot: {pattern.slot} does not fit a start at {pattern.starts:%H:%M}"
        )
    if not pattern.allow_weekends and not any(
        all((weekday + offset) % 7 < SATURDAY for offset in pattern.weekday_offsets)
        for weekday in range(7)
    ):
        problems.append(
            f"{where}.weekday_offsets: meets at a weekend whatever the group's weekday "
            "(set allow_weekends to allow it)"
        )
    return problems


def _module_problems(where: str, module: Module, definition: ProgrammeDefinition) -> list[str]:
    problems = _duplicates(f"{where}.sessions", [s.number for s in module.sessions])
    for pattern_code, count in module.meetings.items():
        if pattern_code not in definition.patterns:
            problems.append(f"{where}.meetings.{pattern_code}: no pattern is called that")
        elif not module.weekly_sessions or len(module.weekly_sessions) % count:
            problems.append(
                f"{where}.meetings.{pattern_code}: {len(module.weekly_sessions)} weekly sessions "
                f"do not share evenly over {count} meetings"
            )
    block_sessions = len(module.sessions) - len(module.weekly_sessions)
    if module.block_week is None:
        if block_sessions:
            problems.append(f"{where}.sessions: block_week sessions need a block_week")
    else:
        if block_sessions != module.block_week.days:
            problems.append(
                f"{where}.block_week.days: {module.block_week.days} days but "
                f"{block_sessions} block-week sessions"
            )
        if module.block_week.starts >= EVENING_STARTS:
            problems.append(f"{where}.block_week.starts: the block week is daytime only")
        if module.block_week.starts >= module.block_week.ends:
            problems.append(f"{where}.block_week.ends: must be after starts")
    if module.mode == "rolling":
        highest = min(module.meetings.values())
        for point in module.join_points:
            if point > highest:
                problems.append(f"{where}.join_points: {point} is past the last meeting")
    return problems


def _meeting_count(module: Module) -> int:
    return min(module.meetings.values())


def _duplicates(where: str, values: list[Any]) -> list[str]:
    seen: set[Any] = set()
    repeated = []
    for value in values:
        if value in seen:
            repeated.append(f"{where}: {value!r} appears more than once")
        seen.add(value)
    return repeated


def shipped_definition(code: str) -> ProgrammeDefinition:
    return parse_definition(read_definition_file(DEFINITIONS_DIR / f"{code}.json"))
