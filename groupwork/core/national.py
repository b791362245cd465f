"""A synthetic national data set for load and report testing: many areas, centres, men,
groups and registers, all fictional and all repeatable from one seed.

Three steps per area, so that no more than one area is ever held in memory:

- `plan_area` decides who and what exists (centres, groups, men) from a seeded
  `random.Random`, without touching the database;
- `place_men` gives each man his places in groups, one after the other as his pathway needs
  (Induction, then the longer-term and relapse prevention rolling groups), with a seat free
  for every week he is in a group, and works out his status from where that leaves him today;
- `_AreaWriter` writes the area in one transaction, the big tables in batches (COPY on
  PostgreSQL, INSERT elsewhere), with registers, absences, enforcement items, the text
  reminders sent the day before each session and audit rows.

The data cover two years of sessions up to `TODAY` and timetables 12 weeks beyond it: groups
that finished, groups still running and groups not started yet. Areas are named "Generated
area 01" with slugs `gen-01`, so they never clash with the demo's areas.
"""

from __future__ import annotations

import bisect
import datetime
import json
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, reset_queries, transaction
from django.utils import timezone
from tqdm import tqdm

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    Failure,
    HowReported,
    Outcome,
    Register,
)
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.core.demo import FIRST_NAMES, LAST_NAMES, STREETS, TODAY
from groupwork.core.reference_data import ensure_reference_data
from groupwork.enforcement.models import ALLOWED_ACTIONS, ActionTaken, EnforcementItem
from groupwork.enforcement.policy import advise, load_policy
from groupwork.groups.models import Group, GroupKind, Membership, Session, SessionFacilitator
from groupwork.groups.timetable import PlannedSession, closed_days, plan_module, plan_rolling
from groupwork.notifications.models import Channel, Message, MessageStatus
from groupwork.notifications.services import appointment_text, place_for
from groupwork.organisation.models import Area, Office, Role, Room, Team, User
from groupwork.participants.models import Participant
from groupwork.programmes.definition import ProgrammeDefinition, shipped_definition
from groupwork.programmes.models import Programme, ProgrammeVersion
from groupwork.referrals.models import Referral, ReportType, SentenceType, StatusReason

DEFAULT_SEED = 2026
FULL_SCALE = {"areas": 12, "centres": 40, "men": 50_000, "groups": 5_000}
FIRST_SLUG = "gen-01"
TOWNS = [
    "Ashby Marsh", "Bramley Cross", "Castleford Vale", "Dunmere", "Eastwick", "Fallowfield",
    "Greyhaven", "Hollins Bridge", "Ironmoor", "Kingsmead", "Longhope", "Millbrook",
]  # fmt: skip
PROGRAMME = "csogp"
FIRST_WEEK = TODAY - datetime.timedelta(weeks=104)  # two years of sessions up to today
LAST_WEEK = TODAY + datetime.timedelta(weeks=12)  # and timetables this far ahead
# How often each status is drawn: a programme's caseload over two years, most of it men on
# the programme or finished. A man's final status follows from his places (see `place_men`).
STATUS_WEIGHTS = {
    "received": 2,
    "awaiting_assessment": 3,
    "awaiting_allocation": 5,
    "allocated": 4,
    "on_programme": 40,
    "completed": 37,
    "ended_early": 6,
    "withdrawn": 3,
}
ASSESSED = frozenset(STATUS_WEIGHTS) - {"received", "awaiting_assessment"}
STARTED = frozenset({"on_programme", "completed", "ended_early"})
PATHWAY_WEIGHTS = {"lower": 5, "medium": 20, "higher": 75}
# The groups of an area by module: most men spend most of their time in the longer-term group.
GROUP_MIX = {"induction": 0.48, "longer-term": 0.41, "relapse-prevention": 0.11}
INDUCTION_PATTERNS = {"full-days": 25, "half-days": 45, "evenings": 30}
ROLLING_PATTERNS = {"half-days": 70, "evenings": 30}
EVENING_SHARE = 0.3  # of men, who can come only in the evening
PLANNED_SHARE = 0.08  # of Induction groups, which start after today
ESTABLISHED_SHARE = 0.85  # of rolling groups, which began before the two years
ESTABLISHED_WEEKS = 150  # how long before
OPENED_WITHIN_WEEKS = 60  # the others open within the first weeks of the two years
# Of the men who have started, those who were already in a rolling group when the two years
# began; their Induction and earlier sessions lie before the data set and are not generated.
EARLIER_SHARE = 0.6
JOIN_POINTS_SEARCHED = 12
REGISTER_SHARE = 0.97  # of past sessions with men in them have their register taken
ABSENT_SHARE = 0.06
FAILED_SHARE = 0.02
# Men who agreed to text reminders: those whose number in the area leaves a remainder below
# TEXTING_OF in TEXTING_IN. One in WRONG_NUMBER_EVERY of them gave a number that is no mobile.
TEXTING_OF, TEXTING_IN = 3, 5
WRONG_NUMBER_EVERY = 41
# As the sender records Notify's refusal ("Refused: " and the client's error).
WRONG_NUMBER = (
    "Refused: 400 - [{'error': 'ValidationError', "
    "'message': 'phone_number Not a UK mobile number'}]"
)
REMINDER_QUEUED_AT = datetime.time(6, 0)  # the day before, by the daily job (DAILY_AT)
REMINDER_SENT_AFTER = datetime.timedelta(minutes=2)  # the sender runs every five minutes
ABSENCE_DECIDED_AFTER = datetime.timedelta(days=14)
ENFORCEMENT_DECIDED_AFTER = datetime.timedelta(days=21)
MEN_PER_OFFICER = 60
OFFICERS_PER_TEAM = 8
GROUPS_PER_FACILITATOR = 4
BATCH = 5_000  # rows per INSERT elsewhere
COPY_BATCH = 50_000  # rows per COPY on PostgreSQL
IDS_AT_ONCE = 10_000

Progress = Callable[[str], None]


# -- The plan: who and what exists, from the seed alone ---------------------------------------


@dataclass(frozen=True)
class ManSpec:
    case_reference: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    address: str
    status: str  # as drawn; `place_men` decides the final one
    pathway: str  # blank until assessed
    evening: bool  # can come only in the evening
    report_type: str
    sentence_type: str
    weeks_before_start: int  # from his sentence to his first session (or to today)
    offence_category: str


@dataclass(frozen=True)
class GroupSpec:
    name: str
    centre: int  # index into the area's centres
    module: str
    pattern: str
    start: datetime.date
    weekday: int


@dataclass(frozen=True)
class AreaSpec:
    number: int
    name: str
    slug: str
    town: str
    centres: int
    groups: list[GroupSpec] = field(default_factory=list)
    men: list[ManSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Sizes:
    areas: int
    centres: int
    men: int
    groups: int


def scaled(full: int, scale: float) -> int:
    return max(1, round(full * scale))


def sizes(scale: float) -> Sizes:
    areas = scaled(FULL_SCALE["areas"], scale)
    return Sizes(
        areas=areas,
        centres=max(areas, scaled(FULL_SCALE["centres"], scale)),
        men=scaled(FULL_SCALE["men"], scale),
        groups=scaled(FULL_SCALE["groups"], scale),
    )


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def seeded(seed: int, *parts: object) -> random.Random:
    """A repeatable generator, one per purpose and area so that each can be drawn alone.
    The data are fictional, so no secrecy is wanted."""
    key = "/".join(str(part) for part in (seed, *parts))
    return random.Random(key) if parts else random.Random(seed)  # noqa: S311


def plan_national(
    seed: int, scale: float = 1.0, definition: ProgrammeDefinition | None = None
) -> list[AreaSpec]:
    """Every area with its centres, groups and men; no database access."""
    return list(iter_plan(seed, scale, definition))


def iter_plan(
    seed: int, scale: float, definition: ProgrammeDefinition | None = None
) -> Iterator[AreaSpec]:
    total = sizes(scale)
    for index in range(total.areas):
        yield plan_area(seed, index, total, definition or shipped_definition(PROGRAMME))


def plan_area(seed: int, index: int, total: Sizes, definition: ProgrammeDefinition) -> AreaSpec:
    rng = seeded(seed, "area", index + 1)
    number = index + 1
    town = TOWNS[index % len(TOWNS)]
    area = AreaSpec(
        number=number,
        name=f"Generated area {number:02d}",
        slug=f"gen-{number:02d}",
        town=town,
        centres=_share(total.centres, total.areas, index),
    )
    area.groups.extend(
        _plan_groups(rng, town, area.centres, _share(total.groups, total.areas, index))
    )
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for m in range(_share(total.men, total.areas, index)):
        # The first men of an area take every status in turn, so that each is present.
        status = statuses[m] if m < len(statuses) else rng.choices(statuses, weights)[0]
        area.men.append(_man(rng, f"G{number:02d}{m + 1:06d}", status))
    return area


def _plan_groups(rng: random.Random, town: str, centres: int, count: int) -> list[GroupSpec]:
    """Induction groups starting all through the two years (a few still to start), and rolling
    groups that run on to the end, most of them running already when the two years began."""
    modules = [_module_for(n, count) for n in range(count)]
    inductions = modules.count("induction")
    planned = round(inductions * PLANNED_SHARE) if inductions > 1 else 0
    past_weeks = (TODAY - FIRST_WEEK).days // 7
    ahead_weeks = (LAST_WEEK - TODAY).days // 7
    groups = []
    seen: Counter[str] = Counter()
    for n, module in enumerate(modules):
        k = seen[module]
        seen[module] += 1
        if module == "induction":
            if k < inductions - planned:  # started: spread evenly over the two years
                week = int((k + rng.random()) * past_weeks / (inductions - planned))
            else:
                week = past_weeks + 1 + rng.randrange(max(1, ahead_weeks - 1))
            pattern = _draw(rng, INDUCTION_PATTERNS)
        elif rng.random() < ESTABLISHED_SHARE:  # running since before the two years
            week = -rng.randint(1, ESTABLISHED_WEEKS)
            pattern = _draw(rng, ROLLING_PATTERNS)
        else:  # opened during them
            week = rng.randrange(OPENED_WITHIN_WEEKS)
            pattern = _draw(rng, ROLLING_PATTERNS)
        weekday = rng.randint(0, 4)
        monday = FIRST_WEEK - datetime.timedelta(days=FIRST_WEEK.weekday())
        start = monday + datetime.timedelta(weeks=week, days=weekday)
        groups.append(
            GroupSpec(
                name=f"{town} {module.replace('-', ' ')} {n + 1:04d}",
                centre=n % centres,
                module=module,
                pattern=pattern,
                start=start,
                weekday=weekday,
            )
        )
    return groups


def _module_for(n: int, count: int) -> str:
    """Modules in GROUP_MIX's shares, interleaved, so that even a few groups have each."""
    if count < len(GROUP_MIX):
        return "induction" if n < count - 1 or count == 1 else "longer-term"
    cumulative = 0.0
    point = ((n * 0.618034) % 1.0) if count > len(GROUP_MIX) else (n + 0.5) / count
    for module, share in GROUP_MIX.items():
        cumulative += share
        if point < cumulative:
            return module
    return "induction"


def _draw(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _man(rng: random.Random, reference: str, status: str) -> ManSpec:
    return ManSpec(
        case_reference=reference,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        date_of_birth=TODAY - datetime.timedelta(days=rng.randint(20 * 365, 65 * 365)),
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        status=status,
        pathway=_draw(rng, PATHWAY_WEIGHTS) if status in ASSESSED else "",
        evening=rng.random() < EVENING_SHARE,
        report_type=ReportType.PRE_SENTENCE if rng.random() < 0.8 else ReportType.PAROLE,  # noqa: PLR2004
        sentence_type=SentenceType.COMMUNITY_ORDER
        if rng.random() < 0.75  # noqa: PLR2004
        else SentenceType.LICENCE,
        weeks_before_start=rng.randint(3, 26),
        offence_category=rng.choice(["contact", "non_contact", "internet"]),
    )


# -- Places: which groups each man is in, and when ---------------------------------------------


@dataclass(frozen=True)
class Stint:
    """A man's place in one group: sessions `first` to `last` (numbers; `last` may lie past the
    timetable's end while his place runs on)."""

    man: int
    group: int
    first: int
    last: int
    joined_on: datetime.date
    left_on: datetime.date | None


@dataclass
class Placement:
    timetables: list[list[PlannedSession]]  # each group's, numbered from 1 at its start
    stints: list[Stint]
    statuses: list[str]
    programme_start: list[datetime.date | None]  # his first session, as far as known


class _Seats:
    """Who sits in each of a group's seats, and when."""

    def __init__(self, size: int) -> None:
        self.taken: list[list[tuple[datetime.date, datetime.date]]] = [[] for _ in range(size)]

    def free(self, start: datetime.date, end: datetime.date) -> int | None:
        for seat, spans in enumerate(self.taken):
            for a, b in spans:
                if a <= end and start <= b:
                    break
            else:
                return seat
        return None

    def take(self, seat: int, start: datetime.date, end: datetime.date) -> None:
        self.taken[seat].append((start, end))


@dataclass
class _Rolling:
    index: int
    dates: list[datetime.date]  # of sessions numbered 1, 2, ...
    joins: list[int]  # session numbers at join points
    join_dates: list[datetime.date]
    seats: _Seats

    def end(self, last: int) -> datetime.date:
        """The date of session `last`, or when it would be once timetabled."""
        if last <= len(self.dates):
            return self.dates[last - 1]
        return self.dates[-1] + datetime.timedelta(weeks=last - len(self.dates) + 1)


def timetable_for(spec: GroupSpec, definition: ProgrammeDefinition) -> list[PlannedSession]:
    """The group's sessions as the app would timetable them (bank holidays skipped; generated
    areas have no closure days): a closed group's whole module, a rolling group's meetings
    from its start to `LAST_WEEK`. Sessions before `FIRST_WEEK` are not written."""
    module = definition.module(spec.module)
    pattern = definition.patterns[spec.pattern]
    blocked = closed_days({})
    if module.mode == "rolling":
        weeks = (LAST_WEEK - spec.start).days // 7 + 1
        planned = plan_rolling(pattern=pattern, start=spec.start, weeks=weeks, blocked=blocked)
        return [item for item in planned if item.date <= LAST_WEEK]  # bank holidays push on
    timetable = plan_module(
        module=module, pattern=pattern, start=spec.start, blocked=blocked, weekday=spec.weekday
    )
    return list(timetable.sessions)


class _Placer:
    """The seats of one area's groups, filled man by man."""

    def __init__(self, spec: AreaSpec, definition: ProgrammeDefinition, rng: random.Random) -> None:
        self.definition = definition
        self.rng = rng
        cache: dict[tuple[str, str, datetime.date, int], list[PlannedSession]] = {}
        self.timetables: list[list[PlannedSession]] = []
        for group in spec.groups:
            key = (group.module, group.pattern, group.start, group.weekday)
            if key not in cache:
                cache[key] = timetable_for(group, definition)
            self.timetables.append(cache[key])
        self.maximum = definition.group_size_maximum
        self.closed: dict[str, list[int]] = {"day": [], "evening": []}
        self.rolling: dict[tuple[str, str], list[_Rolling]] = {}
        for n, group in enumerate(spec.groups):
            slot = self.slot_of(group.pattern)
            module = definition.module(group.module)
            if module.mode != "rolling":
                self.closed[slot].append(n)
                continue
            meetings = module.meetings[group.pattern]
            dates = [item.date for item in self.timetables[n]]
            joins = [i + 1 for i in range(len(dates)) if i % meetings + 1 in module.join_points]
            self.rolling.setdefault((group.module, slot), []).append(
                _Rolling(n, dates, joins, [dates[j - 1] for j in joins], _Seats(self.maximum))
            )
        for slot in self.closed:
            self.closed[slot].sort(key=lambda n: self.timetables[n][0].date)
        self.starts = {
            slot: [self.timetables[n][0].date for n in groups]
            for slot, groups in self.closed.items()
        }
        self.ends = {
            slot: [self.timetables[n][-1].date for n in groups]
            for slot, groups in self.closed.items()
        }
        self.filled: Counter[int] = Counter()

    def slot_of(self, pattern: str) -> str:
        return "evening" if self.definition.patterns[pattern].slot == "evening" else "day"

    def closed_place(self, slot: str, low: int, high: int) -> int | None:
        """A closed group with room among closed[slot][low:high], drawn at random."""
        groups = self.closed[slot]
        if high <= low:
            return None
        for _ in range(8):
            n = groups[self.rng.randrange(low, high)]
            if self.filled[n] < self.maximum:
                return n
        offset = self.rng.randrange(high - low)
        for step in range(high - low):
            n = groups[low + (offset + step) % (high - low)]
            if self.filled[n] < self.maximum:
                return n
        return None

    def rolling_place(
        self, module: str, slot: str, after: datetime.date, needed: int
    ) -> tuple[_Rolling, int, int, datetime.date] | None:
        """The earliest join point after `after` in a rolling group of this module with a seat
        free for the `needed` meetings: (group, first session number, seat, last date)."""
        best: tuple[_Rolling, int, int, datetime.date] | None = None
        best_date: datetime.date | None = None
        for group in self.rolling.get((module, slot), []):
            k = bisect.bisect_right(group.join_dates, after)
            for first in group.joins[k : k + JOIN_POINTS_SEARCHED]:
                date = group.dates[first - 1]
                if best_date is not None and date >= best_date:
                    break
                end = group.end(first + needed - 1)
                seat = group.seats.free(date, end)
                if seat is not None:
                    best, best_date = (group, first, seat, end), date
                    break
        return best

    def earlier_place(
        self, module: str, slot: str, needed: int
    ) -> tuple[_Rolling, int, int, datetime.date] | None:
        """A place he took before the two years began and still held when they did."""
        groups = self.rolling.get((module, slot), [])
        for _ in range(3 * len(groups)):
            group = groups[self.rng.randrange(len(groups))]
            low = bisect.bisect_left(
                group.join_dates, FIRST_WEEK - datetime.timedelta(weeks=needed - 1)
            )
            high = bisect.bisect_left(group.join_dates, FIRST_WEEK)
            if high <= low:
                continue
            first = group.joins[self.rng.randrange(low, high)]
            end = group.end(first + needed - 1)
            seat = group.seats.free(group.dates[first - 1], end)
            if seat is not None:
                return group, first, seat, end
        return None

    def take_rolling(
        self, man: int, found: tuple[_Rolling, int, int, datetime.date], needed: int
    ) -> Stint:
        group, first, seat, end = found
        group.seats.take(seat, group.dates[first - 1], end)
        return Stint(
            man=man,
            group=group.index,
            first=first,
            last=first + needed - 1,
            joined_on=group.dates[first - 1],
            left_on=end if end < TODAY else None,
        )

    def take_closed(self, man: int, n: int) -> Stint:
        self.filled[n] += 1
        sessions = self.timetables[n]
        return Stint(
            man=man,
            group=n,
            first=1,
            last=len(sessions),
            joined_on=sessions[0].date,
            left_on=sessions[-1].date if sessions[-1].date < TODAY else None,
        )


def place_men(spec: AreaSpec, definition: ProgrammeDefinition, seed: int) -> Placement:
    """Give each man his places, as the programme would: a closed Induction group, then the
    rolling groups his pathway needs, each from its next join point with a seat free for as
    long as he needs it. Half the men who have started were in a rolling group already when
    the two years began. His status follows from where that leaves him today: allocated (his
    group has not started), on the programme (a place runs on past today, or he waits for his
    next group), completed, or ended early (a place cut short). A man who finds no place
    waits for allocation. No database access."""
    rng = seeded(seed, "places", spec.number)
    placer = _Placer(spec, definition, rng)
    earlier = [
        man.status in STARTED and rng.random() < EARLIER_SHARE for man in spec.men
    ]  # drawn first, so that the draws below do not shift them
    chosen: dict[int, tuple[str, list[Stint]]] = {}
    # Men already in a rolling group take their seats first, as they did in time.
    order = [m for m in range(len(spec.men)) if earlier[m]]
    order += [m for m in range(len(spec.men)) if not earlier[m]]
    for m in order:
        chosen[m] = _place_man(placer, m, spec.men[m], earlier=earlier[m])
    stints: list[Stint] = []
    statuses: list[str] = []
    programme_start: list[datetime.date | None] = []
    for m in range(len(spec.men)):
        status, mine = chosen[m]
        statuses.append(status)
        stints.extend(mine)
        programme_start.append(mine[0].joined_on if mine else None)
    return Placement(
        timetables=placer.timetables,
        stints=stints,
        statuses=statuses,
        programme_start=programme_start,
    )


def _place_man(placer: _Placer, m: int, man: ManSpec, *, earlier: bool) -> tuple[str, list[Stint]]:
    status = man.status
    if status not in STARTED and status != "allocated":
        return status, []
    definition = placer.definition
    slot = "evening" if man.evening else "day"
    pattern = "evenings" if slot == "evening" else "half-days"
    later = [
        (part.module, _meetings(definition, part.module, part.sessions, pattern))
        for part in definition.pathway(man.pathway).modules
        if part.module != "induction"
    ]
    mine: list[Stint] = []
    if earlier and later:
        module, needed = later[0]
        found = placer.earlier_place(module, slot, needed)
        if found is not None:
            mine.append(placer.take_rolling(m, found, needed))
            later = later[1:]
    if not mine:
        n = _induction_for(placer, slot, status, sum(needed + 5 for _, needed in later))
        if n is None:
            return "awaiting_allocation", []
        mine.append(placer.take_closed(m, n))
    waiting = len(later)
    for module, needed in later:
        if mine[-1].left_on is None:
            break
        found = placer.rolling_place(module, slot, mine[-1].left_on, needed)
        if found is None:
            break  # he waits for a place
        mine.append(placer.take_rolling(m, found, needed))
        waiting -= 1
    if status == "allocated":
        return status, mine
    if status == "ended_early":
        mine = _cut_short(placer.rng, mine, placer.timetables)
        return ("ended_early", mine) if mine else ("awaiting_allocation", [])
    finished = waiting == 0 and mine[-1].left_on is not None
    return ("completed" if finished else "on_programme"), mine


def _induction_for(placer: _Placer, slot: str, status: str, rest_weeks: int) -> int | None:
    """A closed Induction group for a man of this status: one not started yet for a man
    allocated; for a man who completed, one that ended early enough for the rest of his
    pathway; for a man on the programme, one that did not."""
    starts, ends = placer.starts[slot], placer.ends[slot]
    started = bisect.bisect_left(starts, TODAY)
    latest = TODAY - datetime.timedelta(weeks=rest_weeks)
    if status == "allocated":
        return placer.closed_place(slot, started, len(starts))
    if status == "completed":
        n = placer.closed_place(slot, 0, bisect.bisect_left(ends, latest))
    elif status == "on_programme":
        n = placer.closed_place(slot, bisect.bisect_left(ends, latest), started)
    else:
        n = None
    return n if n is not None else placer.closed_place(slot, 0, started)


def _meetings(
    definition: ProgrammeDefinition, module: str, sessions: int | str, pattern: str
) -> int:
    return definition.module(module).meetings[pattern] if sessions == "all" else int(sessions)


def _cut_short(
    rng: random.Random, stints: list[Stint], timetables: list[list[PlannedSession]]
) -> list[Stint]:
    """His places up to a session of the two years he came to, where he stopped coming."""
    past = [
        (k, timetables[stint.group][number - 1].date)
        for k, stint in enumerate(stints)
        for number in range(stint.first, min(stint.last, len(timetables[stint.group])) + 1)
        if FIRST_WEEK <= timetables[stint.group][number - 1].date < TODAY
    ]
    if not past:
        return []
    k, stop = past[rng.randrange(len(past))]
    cut = stints[k]
    return [*stints[:k], Stint(cut.man, cut.group, cut.first, cut.last, cut.joined_on, stop)]


# -- Writing: one area per transaction, the big tables in batches -------------------------------


def _json_text(value: Any) -> str:
    """JSON for COPY; the generator's values are plain (dates already ISO strings)."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column.")
    return found


def _column(found: models.Field[Any, Any]) -> str:
    if found.column is None:
        raise TypeError(f"{found} has no column.")
    return found.column


class _Table:
    """The rows of one table, written in batches: COPY on PostgreSQL, INSERT elsewhere. A row
    gives the named fields in order; every other field takes its default (auto_now and
    auto_now_add fields the time of writing), so a new field with a default needs no change."""

    def __init__(
        self, model: type[models.Model], names: Sequence[str], written: Callable[[int], object]
    ) -> None:
        meta = model._meta
        given = [_field(model, name) for name in names]
        now = timezone.now()
        rest = [
            f
            for f in meta.concrete_fields
            if f not in given and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.defaults = tuple(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            # Types: the stubs give Field.get_default() as Any-returning, which it is.
            else f.get_default()
            for f in rest
        )
        self.fields = [*given, *rest]
        self.columns = [_column(f) for f in self.fields]
        self.table = meta.db_table
        self.json = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self.written = written
        self.postgres = connection.vendor == "postgresql"
        self.batch = COPY_BATCH if self.postgres else BATCH

    def add(self, *values: Any) -> None:
        self.rows.append(values)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.postgres:
            self._copy()
        else:
            self._insert()
        self.count += len(self.rows)
        self.written(len(self.rows))
        self.rows = []
        reset_queries()  # DEBUG keeps every query's text otherwise

    def _copy(self) -> None:
        from psycopg import sql  # noqa: PLC0415  (PostgreSQL only)

        query = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table),
            sql.SQL(", ").join([sql.Identifier(column) for column in self.columns]),
        )
        with connection.cursor() as cursor, cursor.copy(query) as copy:
            for values in self.rows:
                row = [*values, *self.defaults]
                for i in self.json:
                    row[i] = _json_text(row[i])
                copy.write_row(row)

    def _insert(self) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        marks = ", ".join(["%s"] * len(self.fields))
        query = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608  (names from the models)
        params = [
            [
                f.get_db_prep_save(value, connection)
                for f, value in zip(self.fields, row, strict=True)
            ]
            for row in ([*values, *self.defaults] for values in self.rows)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(query, params)


class _Ids:
    """Primary keys handed out before the rows are written, so that rows can refer to each
    other: from the table's sequence on PostgreSQL, counting on from the largest elsewhere
    (one writer at a time there)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.table = model._meta.db_table
        self.free: list[int] = []
        self.next: int | None = None

    def __call__(self) -> int:
        if connection.vendor == "postgresql":
            if not self.free:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                        "FROM generate_series(1, %s)",
                        [self.table, IDS_AT_ONCE],
                    )
                    self.free = [row[0] for row in cursor.fetchall()][::-1]
            return self.free.pop()
        if self.next is None:
            with connection.cursor() as cursor:
                quoted = connection.ops.quote_name(self.table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608  (a model's table)
                self.next = int(cursor.fetchone()[0]) + 1
        value = self.next
        self.next += 1
        return value


def phone_of(man: int) -> str:
    return f"07700 900{man % 1000:03d}"  # Ofcom's range reserved for drama


def texting(man: int) -> bool:
    """Whether the area's man number `man` agreed to text reminders."""
    return man % TEXTING_IN < TEXTING_OF


def _at(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


NOON = datetime.time(12, 0)


@dataclass
class _Staff:
    manager: User
    officers: list[User]
    facilitators: list[User]

    def pair(self, group: int) -> tuple[User, User]:
        count = len(self.facilitators)
        return self.facilitators[(2 * group) % count], self.facilitators[(2 * group + 1) % count]


class _AreaWriter:
    """Writes one planned area: the organisation with the ORM, the rest through `_Table`s."""

    def __init__(  # noqa: PLR0913  (what one area's writing needs)
        self,
        spec: AreaSpec,
        placement: Placement,
        version: ProgrammeVersion,
        ids: dict[type[models.Model], _Ids],
        seed: int,
        written: Callable[[int], object],
    ) -> None:
        self.spec = spec
        self.placement = placement
        self.version = version
        self.definition = version.parsed
        self.ids = ids
        self.rng = seeded(seed, "registers", spec.number)
        self.uuids = seeded(seed, "ids", spec.number)
        self.provider = seeded(seed, "messages", spec.number)  # the text service's references
        self.written = written
        self.tables: dict[str, _Table] = {}
        self.failures: list[tuple[int, int, datetime.date, str]] = []
        self.counts: Counter[str] = Counter()
        self.made: dict[tuple[int | None, Action], AuditEvent] = {}
        self.audit = self.table(
            AuditEvent,
            "at",
            "actor",
            "area",
            "action",
            "subject_type",
            "subject_id",
            "participant",
            "old_values",
            "new_values",
            "detail",
        )
        self.attendances = self.table(
            Attendance,
            "id",
            "session",
            "referral",
            "outcome",
            "minutes_late",
            "failures",
            "recorded_by",
            "recorded_at",
        )
        self.absences = self.table(
            Absence,
            "id",
            "session",
            "referral",
            "reason",
            "how_reported",
            "reported_by",
            "reported_at",
            "evidence_due",
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
        )
        self.messages = self.table(
            Message,
            "id",
            "participant",
            "area",
            "channel",
            "to",
            "kind",
            "key",
            "body",
            "status",
            "attempts",
            "next_attempt_at",
            "send_before",
            "last_error",
            "provider_reference",
            "created_at",
            "sent_at",
        )

    def table(self, model: type[models.Model], *names: str) -> _Table:
        key = model._meta.label
        if key not in self.tables:
            self.tables[key] = _Table(model, names, self.written)
        return self.tables[key]

    def new_uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.uuids.getrandbits(128), version=4)

    def event(  # noqa: PLR0913  (an audit row's parts, by name)
        self,
        *,
        actor: User | None,
        action: Action,
        at: datetime.datetime,
        subject: type[models.Model],
        subject_id: object,
        participant: uuid.UUID | None = None,
        old_values: dict[str, Any] | None = None,
        new_values: dict[str, Any] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An audit row as the app builds it (`build_event`: the actor's area, the subject's
        label and key, empty values as {}), dated when it happened. `build_event` runs once per
        actor and action; a model instance for each of millions of rows would cost more than
        the rest of the row. No actor is the system itself (the daily job, the sender)."""
        key = (actor.pk if actor else None, action)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = build_event(acting_user=actor, action=action)
        self.audit.add(
            at,
            made.actor_id,
            made.area_id,
            made.action,
            subject._meta.label,
            str(subject_id),
            participant,
            old_values or made.old_values,
            new_values or made.new_values,
            {"generated": True, **(detail or {})},
        )

    def write(self) -> Counter[str]:
        self.organisation()
        self.groups()
        self.men()
        self.sessions()
        self.enforcement()
        for table in self.tables.values():
            table.flush()
        labels = {
            "groups": Group,
            "men": Participant,
            "sessions": Session,
            "registers": Register,
            "attendances": Attendance,
            "absences": Absence,
            "enforcement items": EnforcementItem,
            "messages": Message,
            "audit events": AuditEvent,
        }
        for name, model in labels.items():
            written = self.tables.get(model._meta.label)
            self.counts[name] = written.count if written else 0
        return self.counts

    def organisation(self) -> None:
        spec = self.spec
        self.area = Area.objects.create(
            name=spec.name,
            slug=spec.slug,
            complaints_address=f"The Chief Officer\n{spec.name}\n1 High Street\n{spec.town}",
        )
        self.office = Office.objects.create(
            area=self.area,
            name=f"{spec.town} Probation Office",
            slug=f"{spec.slug}-office",
            town=spec.town,
            phone=f"01632 960{spec.number % 500:03d}",  # Ofcom's range reserved for drama
            is_staff_office=True,
        )
        self.centres = Office.objects.bulk_create(
            Office(
                area=self.area,
                name=f"{spec.town} Group Centre {n + 1}",
                slug=f"{spec.slug}-centre-{n + 1}",
                town=spec.town,
                phone=f"01632 960{500 + (spec.number * 10 + n) % 500:03d}",
                is_group_centre=True,
            )
            for n in range(spec.centres)
        )
        self.rooms = Room.objects.bulk_create(
            Room(centre=centre, name="Group room") for centre in self.centres
        )
        self.reminder_places = [place_for(centre) for centre in self.centres]
        self.staff = self._staff()

    def _staff(self) -> _Staff:
        spec = self.spec
        prefix = f"gen{spec.number:02d}"
        officers = max(4, -(-len(spec.men) // MEN_PER_OFFICER))
        teams = Team.objects.bulk_create(
            Team(
                area=self.area, office=self.office, name=f"{spec.town} offender management {t + 1}"
            )
            for t in range(-(-officers // OFFICERS_PER_TEAM))
        )
        facilitators = max(4, -(-len(spec.groups) // GROUPS_PER_FACILITATOR))
        people: list[tuple[str, str, Team | None]] = [
            ("pm", Role.PROGRAMME_MANAGER, None),
            ("chief", Role.CHIEF_OFFICER, None),
            *[(f"spo{t + 1}", Role.MANAGER, team) for t, team in enumerate(teams)],
            *[
                (f"om{n + 1}", Role.OFFENDER_MANAGER, teams[n // OFFICERS_PER_TEAM])
                for n in range(officers)
            ],
            *[(f"fac{n + 1}", Role.FACILITATOR, None) for n in range(facilitators)],
        ]
        users = []
        for index, (suffix, role, team) in enumerate(people):
            user = User(
                username=f"{prefix}.{suffix}",
                first_name=FIRST_NAMES[(spec.number * 7 + index) % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(spec.number * 11 + index) % len(LAST_NAMES)],
                role=role,
                area=self.area,
                office=self.office,
                team=team,
                email=f"{prefix}.{suffix}@example.org",
            )
            user.set_unusable_password()
            users.append(user)
        users = User.objects.bulk_create(users)
        by_role: dict[str, list[User]] = {}
        for user in users:
            by_role.setdefault(user.role, []).append(user)
        return _Staff(
            manager=by_role[Role.PROGRAMME_MANAGER][0],
            officers=by_role[Role.OFFENDER_MANAGER],
            facilitators=by_role[Role.FACILITATOR],
        )

    def groups(self) -> None:
        version = self.version
        self.group_ids = [self.ids[Group]() for _ in self.spec.groups]
        groups = self.table(
            Group,
            "id",
            "area",
            "programme",
            "version",
            "module",
            "kind",
            "pattern",
            "weekday",
            "name",
            "centre",
            "room",
            "start_date",
        )
        leads = self.table(Group.facilitators.through, "group", "user")
        for n, (group, sessions) in enumerate(
            zip(self.spec.groups, self.placement.timetables, strict=True)
        ):
            rolling = self.definition.module(group.module).mode == "rolling"
            groups.add(
                self.group_ids[n],
                self.area.pk,
                version.programme_id,
                version.pk,
                group.module,
                GroupKind.ROLLING if rolling else GroupKind.CLOSED,
                group.pattern,
                group.weekday,
                group.name,
                self.centres[group.centre].pk,
                self.rooms[group.centre].pk,
                sessions[0].date,
            )
            for person in self.staff.pair(n):
                leads.add(self.group_ids[n], person.pk)
            self.event(
                actor=self.staff.manager,
                action=Action.GROUP_CREATED,
                at=_at(sessions[0].date - datetime.timedelta(weeks=4), NOON),
                subject=Group,
                subject_id=self.group_ids[n],
                new_values={
                    "name": group.name,
                    "module": group.module,
                    "pattern": group.pattern,
                    "start": sessions[0].date.isoformat(),
                    "sessions": len(sessions),
                },
            )

    def men(self) -> None:  # noqa: PLR0915  (a man's record, referral and places, field by field)
        spec, placement = self.spec, self.placement
        reasons = {
            reason.status_id: reason.pk
            for reason in StatusReason.objects.filter(status__needs_reason=True).order_by("-code")
        }
        programme = self.version.programme_id
        participants = self.table(
            Participant,
            "id",
            "area",
            "case_reference",
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "address",
            "available_daytime",
            "available_evening",
            "consents_to_texts",
            "created_at",
            "updated_at",
        )
        referrals = self.table(
            Referral,
            "id",
            "participant",
            "area",
            "programme",
            "report_type",
            "report_date",
            "report_author",
            "sentence_type",
            "offence_category",
            "pathway",
            "sentence_start",
            "sentence_end",
            "responsible_officer",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        )
        self.referral_ids: list[uuid.UUID] = []
        self.participant_ids: list[uuid.UUID] = []
        for m, man in enumerate(spec.men):
            person, referral = self.new_uuid(), self.new_uuid()
            self.participant_ids.append(person)
            self.referral_ids.append(referral)
            officer = self.staff.officers[m % len(self.staff.officers)]
            start = placement.programme_start[m] or TODAY
            sentence_start = start - datetime.timedelta(weeks=man.weeks_before_start)
            report_date = sentence_start - datetime.timedelta(days=14)
            created = _at(sentence_start, NOON)
            status = placement.statuses[m]
            participants.add(
                person,
                self.area.pk,
                man.case_reference,
                man.first_name,
                man.last_name,
                man.date_of_birth,
                phone_of(m),
                man.address,
                not man.evening,
                man.evening or m % 3 == 0,
                texting(m),
                created,
                created,
            )
            referrals.add(
                referral,
                person,
                self.area.pk,
                programme,
                man.report_type,
                report_date,
                f"{man.last_name} Report Writer",
                man.sentence_type,
                man.offence_category,
                man.pathway,
                sentence_start,
                sentence_start + datetime.timedelta(weeks=156),
                officer.pk,
                status,
                reasons.get(status),
                created,
                created,
            )
            self.event(
                actor=officer,
                action=Action.REFERRAL_CREATED,
                at=created,
                subject=Referral,
                subject_id=referral,
                participant=person,
                new_values={"status": status},
            )
        self.places()

    def places(self) -> None:
        memberships = self.table(
            Membership,
            "id",
            "group",
            "referral",
            "joined_on",
            "left_on",
            "first_session",
            "last_session",
        )
        self.members: dict[int, list[Stint]] = {}
        for stint in self.placement.stints:
            group = self.spec.groups[stint.group]
            rolling = self.definition.module(group.module).mode == "rolling"
            membership = self.ids[Membership]()
            memberships.add(
                membership,
                self.group_ids[stint.group],
                self.referral_ids[stint.man],
                stint.joined_on,
                stint.left_on,
                stint.first if rolling else None,
                stint.last if rolling else None,
            )
            self.members.setdefault(stint.group, []).append(stint)
            self.event(
                actor=self.staff.manager,
                action=Action.GROUP_MEMBER_ADDED,
                at=_at(min(stint.joined_on, TODAY) - datetime.timedelta(days=14), NOON),
                subject=Membership,
                subject_id=membership,
                participant=self.participant_ids[stint.man],
                new_values={
                    "group": group.name,
                    "joined_on": stint.joined_on.isoformat(),
                    "last_session": stint.last if rolling else None,
                },
            )
            if stint.left_on is not None:
                self.event(
                    actor=self.staff.manager,
                    action=Action.GROUP_MEMBER_LEFT,
                    at=_at(stint.left_on + datetime.timedelta(days=1), NOON),
                    subject=Membership,
                    subject_id=membership,
                    participant=self.participant_ids[stint.man],
                    new_values={"group": group.name, "left_on": stint.left_on.isoformat()},
                )

    def sessions(self) -> None:
        sessions = self.table(
            Session,
            "id",
            "group",
            "number",
            "kind",
            "date",
            "starts",
            "ends",
            "room",
            "moved_from",
            "move_reason",
            "register_taken_at",
        )
        staffing = self.table(SessionFacilitator, "session", "facilitator")
        registers = self.table(Register, "session", "version", "taken_by", "taken_at")
        for n, planned in enumerate(self.placement.timetables):
            members = self.members.get(n, [])
            pair = self.staff.pair(n)
            room = self.rooms[self.spec.groups[n].centre].pk
            for item in planned:
                if item.date < FIRST_WEEK:
                    continue
                session = self.ids[Session]()
                here = (
                    [
                        stint
                        for stint in members
                        if stint.first <= item.number <= stint.last
                        and (stint.left_on is None or item.date <= stint.left_on)
                    ]
                    if item.date < TODAY
                    else []
                )
                taken_at = None
                if here and self.rng.random() < REGISTER_SHARE:
                    taken_at = _at(item.date, item.ends)
                sessions.add(
                    session,
                    self.group_ids[n],
                    item.number,
                    item.kind,
                    item.date,
                    item.starts,
                    item.ends,
                    room,
                    item.moved_from,
                    item.reason or "",
                    taken_at,
                )
                for person in pair:
                    staffing.add(session, person.pk)
                self.remind(session, item, here, self.spec.groups[n].centre)
                if taken_at is None:
                    continue
                facilitator = pair[item.number % 2]
                registers.add(session, 1, facilitator.pk, taken_at)
                self.event(
                    actor=facilitator,
                    action=Action.REGISTER_TAKEN,
                    at=taken_at,
                    subject=Session,
                    subject_id=session,
                    new_values={"version": 1, "men": len(here)},
                )
                for stint in here:
                    self.mark(session, item, stint.man, facilitator, taken_at)

    def remind(self, session: int, item: PlannedSession, here: list[Stint], centre: int) -> None:
        """The text the day before the session to each man there who agreed to texts: queued
        by the daily job and sent (`notifications.reminders`), or refused for a wrong number."""
        starts = _at(item.date, item.starts)
        queued = _at(item.date - datetime.timedelta(days=1), REMINDER_QUEUED_AT)
        sent = queued + REMINDER_SENT_AFTER
        body = appointment_text(
            when=starts, place=self.reminder_places[centre], phone=self.centres[centre].phone
        )
        for stint in here:
            man = stint.man
            if not texting(man):
                continue
            refused = man % WRONG_NUMBER_EVERY == 0
            reference = (
                "" if refused else str(uuid.UUID(int=self.provider.getrandbits(128), version=4))
            )
            participant, referral = self.participant_ids[man], self.referral_ids[man]
            message = self.ids[Message]()
            self.messages.add(
                message,
                participant,
                self.area.pk,
                Channel.TEXT,
                phone_of(man),
                "session_reminder",
                f"session-{session}-{referral}-{item.date:%Y%m%d}:{Channel.TEXT}",
                body,
                MessageStatus.FAILED if refused else MessageStatus.SENT,
                1,
                sent,  # the sender's claim moves the next attempt to its own time
                starts,
                WRONG_NUMBER if refused else "",
                reference,
                queued,
                None if refused else sent,
            )
            what = {"kind": "session_reminder", "channel": Channel.TEXT}
            self.event(
                actor=None,
                action=Action.MESSAGE_QUEUED,
                at=queued,
                subject=Message,
                subject_id=message,
                participant=participant,
                new_values=what,
            )
            if not refused:
                self.event(
                    actor=None,
                    action=Action.MESSAGE_SENT,
                    at=sent,
                    subject=Message,
                    subject_id=message,
                    participant=participant,
                    detail={**what, "attempts": 1},
                )

    def mark(
        self,
        session: int,
        item: PlannedSession,
        man: int,
        facilitator: User,
        taken_at: datetime.datetime,
    ) -> None:
        """One man's mark on a register: mostly attended, some absences, a few late."""
        attendance = self.ids[Attendance]()
        outcome, minutes_late, failures = Outcome.ATTENDED, 0, []
        draw = self.rng.random()
        when = f"session {item.number} on {item.date:%-d %B %Y}"
        if draw < ABSENT_SHARE:
            outcome = self.absence(session, item, man, facilitator, taken_at)
            if outcome == Outcome.ABSENT_UNACCEPTABLE:
                text = f"Did not attend {when} without an acceptable reason"
                self.failures.append((man, attendance, item.date, text))
        elif draw < ABSENT_SHARE + FAILED_SHARE:
            outcome, minutes_late, failures = Outcome.FAILED_TO_COMPLY, 25, [Failure.LATE]
            text = f"Failed to comply at {when}: late beyond the allowed time (25 minutes late)"
            self.failures.append((man, attendance, item.date, text))
        self.attendances.add(
            attendance,
            session,
            self.referral_ids[man],
            outcome,
            minutes_late,
            failures,
            facilitator.pk,
            taken_at,
        )

    def absence(
        self,
        session: int,
        item: PlannedSession,
        man: int,
        facilitator: User,
        taken_at: datetime.datetime,
    ) -> Outcome:
        reason = self.rng.choice(
            [AbsenceReason.ILLNESS, AbsenceReason.WORK, AbsenceReason.NONE_GIVEN]
        )
        decided = item.date < TODAY - ABSENCE_DECIDED_AFTER
        acceptable = reason != AbsenceReason.NONE_GIVEN
        if not decided:
            status, outcome = AbsenceStatus.PENDING, Outcome.ABSENT_PENDING
        elif acceptable:
            status, outcome = AbsenceStatus.ACCEPTABLE, Outcome.ABSENT_ACCEPTABLE
        else:
            status, outcome = AbsenceStatus.UNACCEPTABLE, Outcome.ABSENT_UNACCEPTABLE
        officer = self.staff.officers[man % len(self.staff.officers)]
        decided_at = _at(item.date + datetime.timedelta(days=7), item.ends) if decided else None
        absence = self.ids[Absence]()
        self.absences.add(
            absence,
            session,
            self.referral_ids[man],
            reason,
            HowReported.REGISTER,
            facilitator.pk,
            taken_at,
            item.date + datetime.timedelta(days=7) if reason == AbsenceReason.ILLNESS else None,
            status,
            officer.pk if decided else None,
            decided_at,
            ("He explained it." if acceptable else "No reason given.") if decided else "",
        )
        if decided_at is not None:
            self.event(
                actor=officer,
                action=Action.ABSENCE_DECIDED,
                at=decided_at,
                subject=Absence,
                subject_id=absence,
                participant=self.participant_ids[man],
                old_values={"status": AbsenceStatus.PENDING},
                new_values={"status": status, "evidence_received_on": None},
            )
        return outcome

    def enforcement(self) -> None:
        """An item for each failure and unacceptable absence, with the law's advice given his
        earlier warnings; items more than three weeks old were acted on."""
        policy = load_policy()
        items = self.table(
            EnforcementItem,
            "id",
            "referral",
            "attendance",
            "failure_date",
            "failure",
            "advice",
            "must_act_by",
            "explanation",
            "opened_at",
            "action_taken",
            "action_on",
            "decided_by",
            "decided_at",
        )
        warnings: dict[int, list[datetime.date]] = {}
        for man, attendance, day, text in sorted(self.failures):
            spec = self.spec.men[man]
            advice = advise(
                sentence_type=spec.sentence_type,
                failure_date=day,
                previous_warnings=warnings.get(man, []),
                policy=policy,
            )
            officer = self.staff.officers[man % len(self.staff.officers)]
            item = self.ids[EnforcementItem]()
            opened_at = _at(day, NOON)
            action: str = ""
            action_on = decided_at = None
            if day < TODAY - ENFORCEMENT_DECIDED_AFTER:
                allowed = ALLOWED_ACTIONS[advice.action]
                action = ActionTaken.WARNING if ActionTaken.WARNING in allowed else allowed[0]
                action_on = min(advice.must_act_by, day + datetime.timedelta(days=3))
                decided_at = _at(action_on, NOON)
                if action == ActionTaken.WARNING:
                    warnings.setdefault(man, []).append(action_on)
            items.add(
                item,
                self.referral_ids[man],
                attendance,
                day,
                text,
                advice.action,
                advice.must_act_by,
                advice.explanation,
                opened_at,
                action,
                action_on,
                officer.pk if decided_at else None,
                decided_at,
            )
            self.event(
                actor=officer,
                action=Action.ENFORCEMENT_OPENED,
                at=opened_at,
                subject=EnforcementItem,
                subject_id=item,
                participant=self.participant_ids[man],
                new_values={"advice": advice.action, "must_act_by": advice.must_act_by.isoformat()},
            )
            if decided_at is not None and action_on is not None:
                self.event(
                    actor=officer,
                    action=Action.ENFORCEMENT_DECIDED,
                    at=decided_at,
                    subject=EnforcementItem,
                    subject_id=item,
                    participant=self.participant_ids[man],
                    old_values={"action_taken": ""},
                    new_values={
                        "action_taken": action,
                        "action_on": action_on.isoformat(),
                        "letter": None,
                    },
                )


# -- The whole data set -----------------------------------------------------------------------


def already_generated() -> bool:
    return Area.objects.filter(slug=FIRST_SLUG).exists()


def generate_national(
    *, seed: int, scale: float, progress: Progress, bars: bool | None = None
) -> dict[str, int]:
    """Write the whole data set, one area at a time, each in its own transaction, with
    progress bars on stderr (`bars` None: only on a terminal) and a line per area through
    `progress`. Returns counts of what was made."""
    ensure_reference_data()
    version = Programme.objects.get(code=PROGRAMME).current_version()
    definition = version.parsed
    total = sizes(scale)
    ids: dict[type[models.Model], _Ids] = {
        model: _Ids(model)
        for model in (Group, Membership, Session, Attendance, Absence, EnforcementItem, Message)
    }
    totals: Counter[str] = Counter()
    disable = None if bars is None else not bars
    with (
        tqdm(
            total=total.areas, desc="areas", unit="area", file=sys.stderr, disable=disable
        ) as areas,
        tqdm(desc="rows", unit=" rows", unit_scale=True, file=sys.stderr, disable=disable) as rows,
    ):
        for spec in iter_plan(seed, scale, definition):
            started = time.monotonic()
            areas.set_postfix_str(spec.slug)
            placement = place_men(spec, definition, seed)
            with transaction.atomic():
                counts = _AreaWriter(spec, placement, version, ids, seed, rows.update).write()
            reset_queries()
            totals.update(counts)
            areas.update()
            progress(
                f"{spec.number} of {total.areas} areas: {spec.name}, "
                + ", ".join(f"{value:,} {key}" for key, value in counts.items())
                + f" in {time.monotonic() - started:.1f}s"
            )
    return {"areas": total.areas, **totals}
