"""The allocation model: places waiting men in upcoming groups, and says why.

Pure rules, no database: `allocate` takes the waiting men, the candidate groups and the
keep-apart pairs as plain values and returns a proposed plan. Nothing is changed by a run;
the Django side shows the plan and saves it only when a programme manager confirms it.

Hard rules (never broken):

- a group takes no more men than its free places (capacity less places already taken);
- a closed group that is not yet running opens only if it reaches its minimum size;
  rolling groups are running already and just have their free places;
- a man goes only to a centre he can attend, and only to a group that starts before his
  sentence ends;
- availability: a day group needs a man free in the daytime, an evening group a man free in
  the evening. An evening group with a daytime block week (the Induction) may take an
  evening-only man, with a note that he needs time off work for the block week;
- two men kept apart (co-defendants, known to each other, family or victim links) are never
  in one group, nor is a man put in a group where the man he is kept apart from already is.

What is best, in strict order (each stage is solved, then held while the next is solved):

1. the most men who finish the programme before their sentence ends;
2. the most men placed, those whose sentence ends soonest and who have waited longest first;
3. the nearest centre, then groups of even size.

Every placement and every man left unplaced carries its reason in plain words.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Literal, NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

Slot = Literal["day", "evening"]
Status = Literal["optimal", "feasible", "infeasible"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Each priority (sentence end, waiting time) is scored 0..100 by rank among the men waiting.
_PRIORITY_SCALE = 100
# Share of the time left that stages 1 and 2 may use; stage 3 takes whatever remains.
_STAGE_SHARE = (0.2, 0.4, 1.0)
# A man in the first quarter by rank is "one of the longest waiting" / "among the soonest".
_REMARKABLE_QUARTER = 4
_MIN_MEN_FOR_REMARKS = 4


@dataclass(frozen=True, kw_only=True)
class Man:
    """A man on the waiting list (or, with `existing_group`, one already in a group).

    `weeks_needed` is how long the programme takes him once his group starts (it depends on
    his pathway). `distance_km` gives, where known, how far each centre is from his home.
    A man with `existing_group` set is not placed; he is passed only so that keep-apart pairs
    involving him are kept (his place is already counted in the group's `already_placed`).
    """

    id: str
    waiting_since: date
    sentence_end: date
    centres: frozenset[str]
    daytime: bool
    evening: bool
    weeks_needed: int
    distance_km: Mapping[str, float] = field(default_factory=dict, hash=False)
    existing_group: str | None = None


@dataclass(frozen=True, kw_only=True)
class CandidateGroup:
    """An upcoming group (or the next joining date of a rolling group) with free places."""

    id: str
    centre: str
    starts: date
    slot: Slot
    capacity: int
    minimum: int = 0
    already_placed: int = 0
    has_daytime_block: bool = False
    rolling: bool = False
    name: str = ""

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.already_placed)

    @property
    def label(self) -> str:
        """How the group is named in reasons; always names the centre."""
        name = self.name or f"group {self.id}"
        if self.centre.casefold() in name.casefold():
            return name
        return f"{name} at {self.centre}"


@dataclass(frozen=True, kw_only=True)
class KeepApart:
    """Two men who must never be in the same group, and why (e.g. "co-defendants")."""

    a: str
    b: str
    why: str


@dataclass(frozen=True, kw_only=True)
class Placement:
    man_id: str
    group_id: str
    centre: str
    starts: date
    finishes: date
    finishes_before_sentence_end: bool
    reason: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Unplaced:
    man_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class AllocationResult:
    """A proposed plan.

    `objective` and `best_bound` hold one value per stage: men finishing in time; men placed,
    weighted by priority; distance then balance cost. `stage_gaps` holds each stage's
    relative gap |objective - bound| / max(1, |objective|), 0.0 once proved optimal. `gap`
    is the plan's gap in the strict order of the stages: that of the first stage not
    proved optimal (a later stage's optimum depends on the earlier ones), 0.0 if all were.
    `messages` explain the run as a whole.
    """

    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    status: Status
    objective: tuple[float, ...]
    best_bound: tuple[float, ...]
    gap: float
    solve_seconds: float
    groups_opened: tuple[str, ...]
    stage_gaps: tuple[float, ...] = ()
    messages: tuple[str, ...] = ()

    @property
    def placed_count(self) -> int:
        return len(self.placements)

    @property
    def finishing_in_time(self) -> int:
        return sum(1 for p in self.placements if p.finishes_before_sentence_end)


# --------------------------------------------------------------------------------------
# Shared facts
# --------------------------------------------------------------------------------------


def format_date(day: date) -> str:
    """11 January 2027 (not locale dependent)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def finish_date(man: Man, group: CandidateGroup) -> date:
    return group.starts + timedelta(weeks=man.weeks_needed)


def finishes_in_time(man: Man, group: CandidateGroup) -> bool:
    return finish_date(man, group) <= man.sentence_end


def _slot_fits(man: Man, group: CandidateGroup) -> bool:
    return man.evening if group.slot == "evening" else man.daytime


def _fits(man: Man, group: CandidateGroup) -> bool:
    """Centre, availability and sentence end allow this man in this group."""
    return (
        group.centre in man.centres
        and _slot_fits(man, group)
        and group.starts < man.sentence_end
        and group.free > 0
    )


def _block_week_note(man: Man, group: CandidateGroup) -> str | None:
    if group.has_daytime_block and not man.daytime:
        return (
            "He can only attend in the evening: he will need time off work for the daytime "
            f"block week starting {format_date(group.starts)}."
        )
    return None


def _opens_only_at_minimum(group: CandidateGroup) -> bool:
    return not group.rolling and group.already_placed < group.minimum


def _validate(men: Sequence[Man], groups: Sequence[CandidateGroup]) -> None:
    seen: set[str] = set()
    for man in men:
        if man.id in seen:
            raise ValueError(f"man {man.id!r} is listed twice")
        seen.add(man.id)
        if man.weeks_needed < 0:
            raise ValueError(f"man {man.id!r} needs a negative number of weeks")
    group_ids: set[str] = set()
    for group in groups:
        if group.id in group_ids:
            raise ValueError(f"group {group.id!r} is listed twice")
        group_ids.add(group.id)
        if group.capacity < 0 or group.already_placed < 0 or group.minimum < 0:
            raise ValueError(f"group {group.id!r} has a negative size")
        if group.minimum > group.capacity:
            raise ValueError(f"group {group.id!r} has a minimum above its capacity")


@dataclass
class _Problem:
    """The input, indexed: waiting men, groups, who may go where, who is kept apart."""

    men: list[Man]
    groups: list[CandidateGroup]
    keep_apart: list[KeepApart]
    index: dict[str, int] = field(default_factory=dict)
    all_men: dict[str, Man] = field(default_factory=dict)
    # options[i]: indexes of groups man i may join (before keep-apart with men in them).
    options: list[list[int]] = field(default_factory=list)
    # allowed[i]: those options not barred by a keep-apart man already in the group.
    allowed: list[list[int]] = field(default_factory=list)
    # partners[man id]: (other man id, why) for every keep-apart pair of his.
    partners: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # members[group id]: men already in the group (existing_group), for keep-apart.
    members: dict[str, set[str]] = field(default_factory=dict)
    urgency_rank: dict[str, int] = field(default_factory=dict)
    waiting_rank: dict[str, int] = field(default_factory=dict)
    priorities: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls, men: Sequence[Man], groups: Sequence[CandidateGroup], keep_apart: Iterable[KeepApart]
    ) -> _Problem:
        _validate(men, groups)
        waiting = sorted((m for m in men if m.existing_group is None), key=lambda m: m.id)
        problem = cls(men=waiting, groups=list(groups), keep_apart=list(keep_apart))
        problem.index = {m.id: i for i, m in enumerate(waiting)}
        problem.all_men = {m.id: m for m in men}
        for man in men:
            if man.existing_group is not None:
                problem.members.setdefault(man.existing_group, set()).add(man.id)
        for pair in problem.keep_apart:
            if pair.a == pair.b:
                continue
            problem.partners.setdefault(pair.a, []).append((pair.b, pair.why))
            problem.partners.setdefault(pair.b, []).append((pair.a, pair.why))
            a, b = problem.all_men.get(pair.a), problem.all_men.get(pair.b)
            if a and b and a.existing_group and a.existing_group == b.existing_group:
                problem.messages.append(
                    f"{pair.a} and {pair.b} are kept apart ({pair.why}) but are both already "
                    f"in group {a.existing_group}; this run cannot change that."
                )
        for man in problem.men:
            options = [j for j, g in enumerate(problem.groups) if _fits(man, g)]
            problem.options.append(options)
            problem.allowed.append(
                [j for j in options if problem.blocked_by_member(man, problem.groups[j]) is None]
            )
        problem.urgency_rank = _ranks(problem.men, key=lambda m: m.sentence_end)
        problem.waiting_rank = _ranks(problem.men, key=lambda m: m.waiting_since)
        problem.priorities = [problem._priority(m) for m in problem.men]
        return problem

    def blocked_by_member(self, man: Man, group: CandidateGroup) -> tuple[str, str] | None:
        """The man already in `group` whom `man` is kept apart from, with why."""
        members = self.members.get(group.id, set())
        for other, why in self.partners.get(man.id, []):
            if other in members:
                return other, why
        return None

    def _priority(self, man: Man) -> int:
        """0..200: sentence ending soonest and waiting longest score highest."""
        n = len(self.men)
        if n <= 1:
            return 2 * _PRIORITY_SCALE
        scale = _PRIORITY_SCALE / (n - 1)
        urgency = round((n - 1 - self.urgency_rank[man.id]) * scale)
        waiting = round((n - 1 - self.waiting_rank[man.id]) * scale)
        return urgency + waiting


def _ranks(men: Sequence[Man], *, key: Callable[[Man], date]) -> dict[str, int]:
    """Each man's rank by `key`, earliest first; men with the same date share a rank."""
    ordered = sorted(key(m) for m in men)
    return {m.id: bisect_left(ordered, key(m)) for m in men}


# --------------------------------------------------------------------------------------
# A plan and its explanation (shared by the optimiser and the baseline)
# --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Which group each waiting man goes to (by index), or None."""

    problem: _Problem
    choice: dict[str, int | None]

    @cached_property
    def loads(self) -> list[int]:
        load = [0] * len(self.problem.groups)
        for j in self.choice.values():
            if j is not None:
                load[j] += 1
        return load

    @cached_property
    def occupants(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        for man_id, j in self.choice.items():
            if j is not None:
                found[j].add(man_id)
        return found


def _named(group: CandidateGroup) -> str:
    """A group as reasons name it: its name (with its centre) and when it starts."""
    return f"{group.label} starting {format_date(group.starts)}"


class _Obstacle(NamedTuple):
    """Why a man is not in group `j`: its kind and the words for it."""

    kind: str  # apart, minimum, full, late, keeps-minimum, room
    j: int
    words: str


# Kinds of obstacle that are summed up in one phrase when more than _LISTED groups share them.
_SUMMED_UP = {"full": "are full", "late": "would finish after his sentence ends"}
_LISTED = 2


def _group_obstacle(problem: _Problem, man: Man, j: int, plan: _Plan) -> _Obstacle | None:
    """What keeps `man` out of group j under the plan, or None if it has room for him."""
    group = problem.groups[j]
    member = problem.blocked_by_member(man, group)
    if member is not None:
        other, why = member
        return _Obstacle(
            "apart", j, f"{_named(group)} has {other} in it already, kept apart from him ({why})"
        )
    in_group = plan.occupants.get(j, set())
    for other, why in problem.partners.get(man.id, []):
        if other in in_group:
            return _Obstacle(
                "apart", j, f"{_named(group)} has {other}, kept apart from him ({why})"
            )
    if _opens_only_at_minimum(group) and plan.loads[j] == 0:
        return _Obstacle(
            "minimum", j, f"{_named(group)} would not reach its minimum size of {group.minimum}"
        )
    if plan.loads[j] >= group.free:
        return _Obstacle("full", j, f"{_named(group)} is full")
    return None


def _describe(problem: _Problem, obstacles: Sequence[_Obstacle], *, said: bool = False) -> str:
    """The obstacles in date order; many groups that are full (or too late) in one phrase,
    which leaves out what they are when the sentence has `said` it already."""
    ordered = sorted(obstacles, key=lambda o: (problem.groups[o.j].starts, problem.groups[o.j].id))
    summed: list[str] = []
    for kind, summary in _SUMMED_UP.items():
        same = [problem.groups[o.j] for o in ordered if o.kind == kind]
        if len(same) > _LISTED:
            centres = sorted({g.centre for g in same})
            where = " and ".join([", ".join(centres[:-1]), centres[-1]] if centres[1:] else centres)
            summed.append(
                f"the {len(same)} groups at {where} starting {format_date(same[0].starts)} "
                f"to {format_date(same[-1].starts)}" + ("" if said else f" {summary}")
            )
    summed_kinds = {k for k in _SUMMED_UP if sum(o.kind == k for o in ordered) > _LISTED}
    phrases = [o.words for o in ordered if o.kind not in summed_kinds] + summed
    return "; ".join(phrases)


def _unplaced_reason(problem: _Problem, man: Man, plan: _Plan, *, proven: bool) -> str:
    return _no_option_reason(problem, man) or _blocked_reason(problem, man, plan, proven=proven)


def _no_option_reason(problem: _Problem, man: Man) -> str | None:
    """Why no group in this run suits him at all, if none does."""
    centres = ", ".join(sorted(man.centres))
    at_centres = [g for g in problem.groups if g.centre in man.centres]
    timely = [g for g in at_centres if _slot_fits(man, g)]
    before_end = [g for g in timely if g.starts < man.sentence_end]
    wanted = "an evening" if man.evening else "a daytime"
    checks = (
        (
            not man.centres,
            "No centre he can attend is recorded, so no group can be offered to him.",
        ),
        (
            not (man.daytime or man.evening),
            "His availability is not recorded (neither daytime nor evening), so no group can "
            "be offered to him.",
        ),
        (
            not problem.groups,
            "There are no candidate groups in this run, so no one can be placed.",
        ),
        (not at_centres, f"No candidate group runs at a centre he can attend ({centres})."),
        (not timely, f"No group at a centre he can attend ({centres}) has {wanted} place."),
        (
            not before_end,
            f"His sentence ends on {format_date(man.sentence_end)}, before any group he could "
            f"join at {centres} starts.",
        ),
        (
            not any(g.free > 0 for g in before_end),
            "Every group he could join has no free places: "
            + "; ".join(_named(g) for g in before_end)
            + ".",
        ),
    )
    return next((words for failed, words in checks if failed), None)


_OBSTACLES_OPENING = {
    frozenset({"apart"}): "Every place he could take is kept apart from a man in that group",
    frozenset({"minimum"}): "Groups he could join would not reach their minimum size",
    frozenset({"full"}): "Every group he could join is full",
}


def _blocked_reason(problem: _Problem, man: Man, plan: _Plan, *, proven: bool) -> str:
    """Why none of the groups that suit him took him under this plan."""
    obstacles = []
    for j in problem.options[problem.index[man.id]]:
        obstacle = _group_obstacle(problem, man, j, plan)
        if obstacle is None:
            stopped = "" if proven else " when the search stopped at its time limit"
            return (
                f"Not placed in this run: {_named(problem.groups[j])} still had room{stopped}. "
                "Run the allocation again."
            )
        obstacles.append(obstacle)
    kinds = frozenset(o.kind for o in obstacles)
    if kinds in _OBSTACLES_OPENING:
        return f"{_OBSTACLES_OPENING[kinds]}: {_describe(problem, obstacles, said=True)}."
    return f"No group he could join can take him: {_describe(problem, obstacles)}."


def _placement(problem: _Problem, man: Man, j: int, plan: _Plan, *, proven: bool) -> Placement:
    group = problem.groups[j]
    finishes = finish_date(man, group)
    in_time = finishes <= man.sentence_end
    ends = format_date(man.sentence_end)
    if finishes < man.sentence_end:
        when = f"before his sentence ends on {ends}"
    elif in_time:
        when = f"the day his sentence ends ({ends})"
    else:
        when = f"after his sentence ends on {ends}"
    sentences = [
        f"Placed in {group.label} starting {format_date(group.starts)}: finishes "
        f"{format_date(finishes)}, {when}."
    ]
    if not in_time:
        sentences.append(_why_late(problem, man, j, plan, proven=proven))
    sentences.extend(_remarks(problem, man, j, plan, proven=proven))
    return Placement(
        man_id=man.id,
        group_id=group.id,
        centre=group.centre,
        starts=group.starts,
        finishes=finishes,
        finishes_before_sentence_end=in_time,
        reason=" ".join(sentences),
        note=_block_week_note(man, group),
    )


def _why_not_in(
    problem: _Problem, man: Man, here: int, there: int, plan: _Plan, *, proven: bool
) -> _Obstacle:
    """Why the man placed in group `here` is not in group `there` instead."""
    group, other = problem.groups[here], problem.groups[there]
    if finishes_in_time(man, group) and not finishes_in_time(man, other):
        return _Obstacle("late", there, f"{_named(other)} would finish after his sentence ends")
    obstacle = _group_obstacle(problem, man, there, plan)
    if obstacle is not None:
        return obstacle
    if (
        _opens_only_at_minimum(group)
        and group.already_placed + plan.loads[here] - 1 < group.minimum
    ):
        return _Obstacle(
            "keeps-minimum",
            there,
            f"{_named(other)} has room, but without him his group would fall below its minimum",
        )
    stopped = "" if proven else " when the search stopped at its time limit"
    return _Obstacle("room", there, f"{_named(other)} still had room{stopped}")


def _why_late(problem: _Problem, man: Man, j: int, plan: _Plan, *, proven: bool) -> str:
    in_time = [
        k
        for k in problem.options[problem.index[man.id]]
        if k != j and finishes_in_time(man, problem.groups[k])
    ]
    if not in_time:
        return "No group he can join would let him finish in time."
    reasons = [_why_not_in(problem, man, j, k, plan, proven=proven) for k in in_time]
    return (
        "The groups that would let him finish in time could not take him: "
        f"{_describe(problem, reasons)}."
    )


def _remarks(problem: _Problem, man: Man, j: int, plan: _Plan, *, proven: bool) -> list[str]:
    remarks = []
    n = len(problem.men)
    if n >= _MIN_MEN_FOR_REMARKS:
        top = max(1, n // _REMARKABLE_QUARTER)
        if problem.urgency_rank[man.id] < top:
            remarks.append("His sentence ends among the soonest of the men waiting.")
        if problem.waiting_rank[man.id] < top:
            remarks.append(
                f"He is one of the longest waiting (since {format_date(man.waiting_since)})."
            )
    centre = problem.groups[j].centre
    here = man.distance_km.get(centre)
    if here is None:
        return remarks
    nearer = sorted((km, c) for c, km in man.distance_km.items() if c in man.centres and km < here)
    if not nearer:
        remarks.append(f"{centre} is the nearest centre he can attend ({here:.0f} km).")
        return remarks
    km, nearest = nearer[0]
    options = [
        k for k in problem.options[problem.index[man.id]] if problem.groups[k].centre == nearest
    ]
    why = _describe(
        problem, [_why_not_in(problem, man, j, k, plan, proven=proven) for k in options]
    )
    digits = 1 if round(km) == round(here) else 0
    remarks.append(
        f"{centre} is {here:.{digits}f} km from him; the nearest centre he can attend is "
        f"{nearest} ({km:.{digits}f} km)"
        + (f", where {why}." if why else ", which has no group that suits him.")
    )
    return remarks


class _Figures(NamedTuple):
    """How good the plan is known to be (see AllocationResult)."""

    objective: tuple[float, ...] = ()
    best_bound: tuple[float, ...] = ()
    gap: float = 0.0
    stage_gaps: tuple[float, ...] = ()


def _result(
    problem: _Problem,
    plan: _Plan,
    *,
    status: Status,
    figures: _Figures,
    started: float,
    messages: Sequence[str],
) -> AllocationResult:
    """The result, with every reason written; `started` is when the run began."""
    # Only a search cut short by the clock says so in its reasons (not the baseline).
    proven = status != "feasible" or not figures.stage_gaps
    placements = []
    unplaced = []
    for man in problem.men:
        j = plan.choice.get(man.id)
        if j is None:
            unplaced.append(
                Unplaced(man_id=man.id, reason=_unplaced_reason(problem, man, plan, proven=proven))
            )
        else:
            placements.append(_placement(problem, man, j, plan, proven=proven))
    loads = plan.loads
    opened = tuple(
        g.id for j, g in enumerate(problem.groups) if loads[j] and _opens_only_at_minimum(g)
    )
    notes = list(problem.messages) + list(messages)
    if not problem.men:
        notes.append("No men are waiting, so there is no one to place.")
    if not problem.groups:
        notes.append("There are no candidate groups in this run, so no one can be placed.")
    return AllocationResult(
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        status=status,
        objective=figures.objective,
        best_bound=figures.best_bound,
        gap=figures.gap,
        stage_gaps=figures.stage_gaps,
        solve_seconds=time.perf_counter() - started,
        groups_opened=opened,
        messages=tuple(notes),
    )


# --------------------------------------------------------------------------------------
# First come, first served (the baseline)
# --------------------------------------------------------------------------------------


def _first_come_first_served_plan(problem: _Problem) -> _Plan:
    """In waiting order, each man takes the earliest group that fits and has room.

    Groups that do not reach their minimum are then closed and the filling is done again
    without them, until every group used reaches its minimum.
    """
    index = {m.id: i for i, m in enumerate(problem.men)}
    queue = sorted(problem.men, key=lambda m: m.waiting_since)
    by_start = {
        man.id: sorted(
            problem.options[index[man.id]],
            key=lambda j: (problem.groups[j].starts, problem.groups[j].id),
        )
        for man in problem.men
    }
    closed: set[int] = set()
    while True:
        choice: dict[str, int | None] = {}
        load = [0] * len(problem.groups)
        occupants: dict[int, set[str]] = defaultdict(set)
        for man in queue:
            choice[man.id] = None
            apart = {other for other, _ in problem.partners.get(man.id, [])}
            for j in by_start[man.id]:
                group = problem.groups[j]
                if j in closed or load[j] >= group.free:
                    continue
                if apart & occupants[j] or problem.blocked_by_member(man, group):
                    continue
                choice[man.id] = j
                load[j] += 1
                occupants[j].add(man.id)
                break
        short = {
            j
            for j, g in enumerate(problem.groups)
            if load[j] and _opens_only_at_minimum(g) and g.already_placed + load[j] < g.minimum
        }
        if not short:
            return _Plan(problem=problem, choice=choice)
        closed |= short


def first_come_first_served(
    men: Sequence[Man], groups: Sequence[CandidateGroup], keep_apart: Iterable[KeepApart]
) -> AllocationResult:
    """The baseline: men in the order they started waiting, each to the earliest group."""
    started = time.perf_counter()
    problem = _Problem.build(men, groups, keep_apart)
    plan = _first_come_first_served_plan(problem)
    return _result(
        problem,
        plan,
        status="feasible",
        figures=_Figures(),
        started=started,
        messages=("First come, first served: waiting order, earliest group that fits.",),
    )


# --------------------------------------------------------------------------------------
# The optimiser (CP-SAT)
# --------------------------------------------------------------------------------------


# How the search works. Men who share no possible group cannot affect each other, so each
# connected part of the (man, group) graph is solved on its own and the parts' optima add up
# to the whole optimum. Within a part:
#
# - a min-cost network flow (which ignores keep-apart pairs and minimum sizes) gives a plan,
#   repaired until it keeps every hard rule: the warm start;
# - the same flow, with each stage's objective, gives a bound on what any plan can reach
#   (for stage 2 a Lagrangian bound, which holds stage 1 by a price rather than a rule);
# - CP-SAT, hinted with the plan so far, solves the exact model of each stage that the flow
#   bound has not already proved optimal, and each stage's result is held for the next.

_STAGES = ("men finishing in time", "men placed, by priority", "distance, then balance")
_BISECTIONS = 12  # flow solves spent on each part's stage-2 bound
_WRITING_SHARE = 0.05  # of the time limit, kept for writing the reasons
_PART_FLOOR_S = 0.5  # seconds: see allocate
_FLOW_ROUNDS = 30  # flows in the warm start before the rest is repaired greedily
_WARM_SHARE = 0.3  # of a part's time, that the warm start's flows may use
_SMALL_PART = 200  # (man, group) pairs: see _solve_stage


@dataclass
class _Part:
    """One connected part, with its possible (man, group) pairs as parallel arrays."""

    men: list[int]
    groups: list[int]
    man: np.ndarray  # problem index of the man of each pair
    group: np.ndarray  # problem index of the group of each pair
    man_node: np.ndarray  # the same, numbered within the part (men, then groups)
    group_node: np.ndarray
    in_time: np.ndarray  # 1 if he would finish before his sentence ends
    worth: np.ndarray  # stage 2: one place outweighs all priority, plus his priority
    distance: np.ndarray  # whole km
    places: dict[int, int]  # places the part's men could take in each group
    already: dict[int, int]

    @property
    def size(self) -> int:
        return len(self.man)

    def balance(self, load: Mapping[int, int]) -> int:
        """Balance cost: the k-th new man in a group costs (places already taken) + k."""
        return sum(n * self.already[j] + n * (n + 1) // 2 for j, n in load.items())

    @property
    def per_km(self) -> int:
        """A whole km of distance outweighs any difference in balance."""
        return self.balance(self.places) + 1

    def loads(self, chosen: np.ndarray) -> dict[int, int]:
        groups, counts = np.unique(self.group[chosen], return_counts=True)
        return dict(zip(groups.tolist(), counts.tolist(), strict=True))

    def stage_values(self, chosen: np.ndarray) -> tuple[int, int, int]:
        return (
            int(self.in_time[chosen].sum()),
            int(self.worth[chosen].sum()),
            self.per_km * int(self.distance[chosen].sum()) + self.balance(self.loads(chosen)),
        )

    def plan(self, chosen: np.ndarray) -> dict[int, int]:
        return dict(zip(self.man[chosen].tolist(), self.group[chosen].tolist(), strict=True))

    def chosen(self, plan: Mapping[int, int]) -> np.ndarray:
        return np.array(
            [plan.get(i) == j for i, j in zip(self.man.tolist(), self.group.tolist(), strict=True)],
            dtype=bool,
        )


def _parts(problem: _Problem) -> list[_Part]:
    """The connected parts, largest first; men with no possible group are left out."""
    parent = list(range(len(problem.groups)))

    def root(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    for options in problem.allowed:
        for j in options[1:]:
            parent[root(j)] = root(options[0])
    men: dict[int, list[int]] = defaultdict(list)
    for i, options in enumerate(problem.allowed):
        if options:
            men[root(options[0])].append(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for j in range(len(problem.groups)):
        if root(j) in men:
            groups[root(j)].append(j)
    per_man = 2 * _PRIORITY_SCALE * max(1, len(problem.men)) + 1
    parts = []
    for r, part_men in men.items():
        pairs = [(i, j) for i in part_men for j in problem.allowed[i]]
        node = {i: n for n, i in enumerate(part_men)}
        node.update({-1 - j: len(part_men) + n for n, j in enumerate(groups[r])})
        places: dict[int, int] = defaultdict(int)
        for _, j in pairs:
            places[j] += 1
        parts.append(
            _Part(
                men=part_men,
                groups=groups[r],
                man=np.array([i for i, _ in pairs], dtype=np.int64),
                group=np.array([j for _, j in pairs], dtype=np.int64),
                man_node=np.array([node[i] for i, _ in pairs], dtype=np.int32),
                group_node=np.array([node[-1 - j] for _, j in pairs], dtype=np.int32),
                in_time=np.array([_in_time(problem, i, j) for i, j in pairs], dtype=np.int64),
                worth=np.array([per_man + problem.priorities[i] for i, _ in pairs], dtype=np.int64),
                distance=np.array([_distance(problem, i, j) for i, j in pairs], dtype=np.int64),
                places={j: min(n, problem.groups[j].free) for j, n in places.items()},
                already={j: problem.groups[j].already_placed for j in groups[r]},
            )
        )
    parts.sort(key=lambda part: (-part.size, part.groups[0]))
    return parts


def _distance(problem: _Problem, i: int, j: int) -> int:
    return round(problem.men[i].distance_km.get(problem.groups[j].centre, 0.0))


def _in_time(problem: _Problem, i: int, j: int) -> bool:
    return finishes_in_time(problem.men[i], problem.groups[j])


def _flow(
    part: _Part,
    value: np.ndarray,
    *,
    capacity: Mapping[int, int] | None = None,
    usable: np.ndarray | None = None,
) -> np.ndarray | None:
    """The pairs of the most valuable assignment: each man at most once, each group up to
    `capacity` (its places by default), only `usable` pairs. None if the flow cannot be
    solved (its costs would overflow)."""
    capacity = capacity if capacity is not None else part.places
    usable = usable if usable is not None else np.ones(part.size, dtype=bool)
    men, groups = len(part.men), len(part.groups)
    source, sink = men + groups, men + groups + 1
    man_nodes = np.arange(men, dtype=np.int32)
    tails = [np.full(men, source, dtype=np.int32), man_nodes]
    heads = [man_nodes, np.full(men, sink, dtype=np.int32)]
    capacities = [np.ones(2 * men, dtype=np.int64)]
    costs = [np.zeros(2 * men, dtype=np.int64)]
    group_nodes = men + np.arange(groups, dtype=np.int32)
    tails.append(group_nodes)
    heads.append(np.full(groups, sink, dtype=np.int32))
    capacities.append(np.array([capacity.get(j, 0) for j in part.groups], dtype=np.int64))
    costs.append(np.zeros(groups, dtype=np.int64))
    first = sum(len(t) for t in tails)
    tails.append(part.man_node[usable])
    heads.append(part.group_node[usable])
    capacities.append(np.ones(int(usable.sum()), dtype=np.int64))
    costs.append(-value[usable])
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(capacities),
        np.concatenate(costs),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = men, -men
    solver.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    if solver.solve() != solver.OPTIMAL:
        return None
    chosen = np.zeros(part.size, dtype=bool)
    chosen[np.flatnonzero(usable)] = np.asarray(solver.flows(arcs[first:])) > 0
    return chosen


def _warm_value(part: _Part) -> np.ndarray:
    """Finishing in time above all; then being placed, by priority; then a nearer centre."""
    per_worth = int(part.distance.max(initial=0)) + 1
    per_in_time = per_worth * int(part.worth.max(initial=0)) * (len(part.men) + 1)
    value: np.ndarray = per_in_time * part.in_time + per_worth * part.worth - part.distance
    return value


def _warm_start(problem: _Problem, part: _Part, *, until: float) -> np.ndarray:
    """A plan that keeps every hard rule and is close to the best: flow, then repair.

    Keep-apart men found together have the lower-valued man's place barred, and groups
    short of their minimum are closed, for a few rounds of flow; what is left is repaired
    greedily, and places left open (say by a bar no longer needed) are filled. The rounds
    stop at `until` (a time.perf_counter() value) or after _FLOW_ROUNDS.
    """
    value = _warm_value(part)
    usable = np.ones(part.size, dtype=bool)
    capacity = dict(part.places)
    chosen = np.zeros(part.size, dtype=bool)
    for _ in range(_FLOW_ROUNDS):
        if time.perf_counter() > until:
            break
        found = _flow(part, value, capacity=capacity, usable=usable)
        if found is None:
            break
        chosen = found
        plan = part.plan(chosen)
        clashes = _clashes(problem, plan, part, value)
        short = _short_groups(problem, plan)
        if not clashes and not short:
            break
        for i, j in clashes:
            usable &= ~((part.man == i) & (part.group == j))
        for j in short:
            capacity[j] = 0
    return part.chosen(_repair(problem, part, part.plan(chosen), value, capacity))


def _pair_value(part: _Part, value: np.ndarray) -> dict[tuple[int, int], int]:
    return dict(
        zip(
            zip(part.man.tolist(), part.group.tolist(), strict=True),
            value.tolist(),
            strict=True,
        )
    )


def _clashes(
    problem: _Problem, plan: Mapping[int, int], part: _Part, value: np.ndarray
) -> list[tuple[int, int]]:
    """For each kept-apart pair placed together, the (man, group) of the lower-valued man."""
    worth = _pair_value(part, value)
    found = []
    for pair in problem.keep_apart:
        a, b = problem.index.get(pair.a), problem.index.get(pair.b)
        if a is None or b is None or a not in plan or plan.get(b) != plan[a]:
            continue
        j = plan[a]
        worse = min((a, b), key=lambda i: (worth.get((i, j), 0), problem.men[i].id))
        found.append((worse, j))
    return found


def _short_groups(problem: _Problem, plan: Mapping[int, int]) -> set[int]:
    load: dict[int, int] = defaultdict(int)
    for j in plan.values():
        load[j] += 1
    return {
        j
        for j, n in load.items()
        if _opens_only_at_minimum(problem.groups[j])
        and problem.groups[j].already_placed + n < problem.groups[j].minimum
    }


def _repair(
    problem: _Problem,
    part: _Part,
    plan: Mapping[int, int],
    value: np.ndarray,
    capacity: Mapping[int, int],
) -> dict[int, int]:
    """Drop clashes and groups short of their minimum, then fill open places greedily."""
    repaired = dict(plan)
    while True:
        for i, _ in _clashes(problem, repaired, part, value):
            repaired.pop(i, None)
        short = _short_groups(problem, repaired)
        if not short:
            break
        repaired = {i: j for i, j in repaired.items() if j not in short}
    load: dict[int, int] = defaultdict(int)
    inside: dict[int, set[str]] = defaultdict(set)
    for i, j in repaired.items():
        load[j] += 1
        inside[j].add(problem.men[i].id)
    worth = _pair_value(part, value)
    waiting = sorted(
        (i for i in part.men if i not in repaired),
        key=lambda i: (-problem.priorities[i], problem.men[i].id),
    )
    for i in waiting:
        apart = {other for other, _ in problem.partners.get(problem.men[i].id, [])}
        for j in sorted(problem.allowed[i], key=lambda j: (-worth[i, j], j)):
            group = problem.groups[j]
            running = (
                not _opens_only_at_minimum(group) or load[j] + group.already_placed >= group.minimum
            )
            if running and load[j] < capacity.get(j, 0) and not apart & inside[j]:
                repaired[i] = j
                load[j] += 1
                inside[j].add(problem.men[i].id)
                break
    return repaired


def _stage_one_bound(part: _Part) -> int | None:
    """Men finishing in time if keep-apart pairs and minimum sizes did not exist."""
    chosen = _flow(part, part.in_time)
    return None if chosen is None else int(part.in_time[chosen].sum())


def _stage_two_bound(part: _Part, held: int) -> int | None:
    """An upper bound on stage 2 among plans with at least `held` men finishing in time.

    For any price p >= 0 on finishing in time, max(worth + p * in_time) - p * held bounds
    it from above. The bound is convex in p; the best price is found by bisection between
    0 and a price above any difference in worth.
    """

    def at(price: int) -> tuple[int, int] | None:
        value = part.worth + price * part.in_time
        chosen = _flow(part, value)
        if chosen is None:
            return None
        return int(value[chosen].sum()) - price * held, int(part.in_time[chosen].sum())

    low, high = 0, int(part.worth.max(initial=0)) * (len(part.men) + 1)
    best: int | None = None
    for price in (low, high):
        found = at(price)
        if found is None:
            return None
        best = found[0] if best is None else min(best, found[0])
    for _ in range(_BISECTIONS):
        if high - low <= 1:
            break
        price = (low + high) // 2
        found = at(price)
        if found is None:
            break
        bound, in_time = found
        best = min(best, bound) if best is not None else bound
        if in_time == held:
            break
        if in_time > held:
            high = price
        else:
            low = price
    return best


@dataclass
class _PartModel:
    model: cp_model.CpModel
    x: dict[int, cp_model.IntVar]  # by pair number within the part
    opened: dict[int, cp_model.IntVar]
    by_group: dict[int, list[int]]  # pair numbers into each group


def _build_model(problem: _Problem, part: _Part) -> _PartModel:
    model = cp_model.CpModel()
    x = {k: model.new_bool_var(f"x{k}") for k in range(part.size)}
    by_man: dict[int, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    where: dict[tuple[int, int], int] = {}
    for k, (i, j) in enumerate(zip(part.man.tolist(), part.group.tolist(), strict=True)):
        by_man[i].append(k)
        by_group[j].append(k)
        where[i, j] = k
    for pairs in by_man.values():
        if len(pairs) > 1:
            model.add_at_most_one([x[k] for k in pairs])
    opened: dict[int, cp_model.IntVar] = {}
    for j, pairs in by_group.items():
        group = problem.groups[j]
        total = cp_model.LinearExpr.sum([x[k] for k in pairs])
        if _opens_only_at_minimum(group):
            opened[j] = model.new_bool_var(f"open{j}")
            model.add(total >= (group.minimum - group.already_placed) * opened[j])
            model.add(total <= part.places[j] * opened[j])
        elif len(pairs) > group.free:
            model.add(total <= group.free)
    for pair in problem.keep_apart:
        a, b = problem.index.get(pair.a), problem.index.get(pair.b)
        if a is None or b is None or a == b:
            continue
        for j in problem.allowed[a]:
            if (a, j) in where and (b, j) in where:
                model.add_bool_or([x[where[a, j]].Not(), x[where[b, j]].Not()])
    return _PartModel(model=model, x=x, opened=opened, by_group=dict(by_group))


def _stage_expression(part: _Part, built: _PartModel, stage: int) -> cp_model.LinearExpr:
    pairs = list(built.x.values())
    if stage == 0:
        return cp_model.LinearExpr.weighted_sum(pairs, part.in_time.tolist())
    if stage == 1:
        return cp_model.LinearExpr.weighted_sum(pairs, part.worth.tolist())
    steps: list[cp_model.IntVar] = []
    costs: list[int] = []
    for j, numbers in built.by_group.items():
        mine = [built.model.new_bool_var(f"place{j}_{k}") for k in range(part.places[j])]
        for earlier, later in zip(mine, mine[1:], strict=False):
            built.model.add_implication(later, earlier)
        built.model.add(
            cp_model.LinearExpr.sum(mine) == cp_model.LinearExpr.sum([built.x[k] for k in numbers])
        )
        steps += mine
        costs += [part.already[j] + k + 1 for k in range(part.places[j])]
    return cp_model.LinearExpr.weighted_sum(
        pairs + steps, (part.per_km * part.distance).tolist() + costs
    )


def _set_hint(built: _PartModel, chosen: np.ndarray) -> None:
    built.model.clear_hints()  # type: ignore[no-untyped-call]  # (ortools leaves it untyped)
    for k, var in built.x.items():
        built.model.add_hint(var, bool(chosen[k]))
    for j, is_open in built.opened.items():
        built.model.add_hint(is_open, any(chosen[k] for k in built.by_group[j]))


@dataclass
class _StageOutcome:
    value: int
    bound: float
    optimal: bool


def _solve_part(
    problem: _Problem, part: _Part, *, deadline: float, workers: int, seed: int
) -> tuple[np.ndarray, list[_StageOutcome]]:
    """Solve one part stage by stage; the plan, and each stage's value and bound."""
    started = time.perf_counter()
    chosen = _warm_start(problem, part, until=started + (deadline - started) * _WARM_SHARE)
    search = _Search(problem=problem, part=part, workers=workers, seed=seed)
    outcomes: list[_StageOutcome] = []
    for stage, share in enumerate(_STAGE_SHARE):
        value = part.stage_values(chosen)[stage]
        bound = _flow_bound(part, stage, outcomes)
        if bound is not None and bound == value:  # the flow's bound proves the plan best
            outcomes.append(_StageOutcome(value=value, bound=bound, optimal=True))
            continue
        seconds = (deadline - time.perf_counter()) * share
        chosen, outcome = search.improve(stage, chosen, bound, outcomes, seconds=seconds)
        outcomes.append(outcome)
    # A plan cut short by the clock may leave a man out of a group with room for him: placing
    # him is better at stage 2 and no worse at stage 1, and every bound still holds.
    filled = part.chosen(
        _repair(problem, part, part.plan(chosen), _warm_value(part), dict(part.places))
    )
    if not np.array_equal(filled, chosen):
        chosen = filled
        for outcome, value in zip(outcomes, part.stage_values(chosen), strict=True):
            outcome.value = value
    return chosen, outcomes


def _flow_bound(part: _Part, stage: int, outcomes: Sequence[_StageOutcome]) -> int | None:
    if stage == 0:
        return _stage_one_bound(part)
    if stage == 1:
        return _stage_two_bound(part, held=outcomes[0].value)
    return None


@dataclass
class _Search:
    """CP-SAT on one part's exact model, built when first needed."""

    problem: _Problem
    part: _Part
    workers: int
    seed: int
    built: _PartModel | None = None

    def improve(
        self,
        stage: int,
        chosen: np.ndarray,
        bound: float | None,
        outcomes: Sequence[_StageOutcome],
        *,
        seconds: float,
    ) -> tuple[np.ndarray, _StageOutcome]:
        """Search one stage from the plan so far, holding what earlier stages achieved."""
        part = self.part
        if self.built is None:
            self.built = _build_model(self.problem, part)
            for earlier, outcome in enumerate(outcomes):
                self.built.model.add(_stage_expression(part, self.built, earlier) >= outcome.value)
        maximise = stage < len(_STAGES) - 1
        value = part.stage_values(chosen)[stage]
        expression = _stage_expression(part, self.built, stage)
        found, solver_bound, optimal = _solve_stage(
            self.built,
            expression,
            chosen,
            maximise=maximise,
            seconds=seconds,
            small=part.size <= _SMALL_PART,
            workers=self.workers,
            seed=self.seed,
        )
        if found is not None:
            found_value = part.stage_values(found)[stage]
            # A plan only as good on this stage is not taken: the plan so far was built with
            # the later stages in mind.
            if found_value > value if maximise else found_value < value:
                chosen, value = found, found_value
        if maximise:
            bound = solver_bound if bound is None else min(bound, solver_bound)
            bound = max(bound, value)
            # Hold what this stage achieved while the next improves the rest.
            self.built.model.add(expression >= value)
        else:  # the costs are never negative
            bound = min(max(0.0, solver_bound), value)
        return chosen, _StageOutcome(value=value, bound=bound, optimal=optimal or bound == value)


def _solve_stage(
    built: _PartModel,
    expression: cp_model.LinearExpr,
    chosen: np.ndarray,
    *,
    maximise: bool,
    seconds: float,
    small: bool,
    workers: int,
    seed: int,
) -> tuple[np.ndarray | None, float, bool]:
    """CP-SAT on one stage, hinted with the plan so far: (its plan, bound, proved optimal).

    Small parts get CP-SAT's presolve and its interleaved search, which is deterministic;
    on large ones presolve costs more time than it saves.
    """
    if maximise:
        built.model.maximize(expression)
    else:
        built.model.minimize(expression)
    _set_hint(built, chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.cp_model_presolve = small
    solver.parameters.interleave_search = small and workers > 1
    outcome = solver.solve(built.model)
    if outcome in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = np.array([solver.boolean_value(var) for var in built.x.values()], dtype=bool)
        return found, solver.best_objective_bound, outcome == cp_model.OPTIMAL
    if outcome != cp_model.UNKNOWN:  # the plan so far keeps every rule: this cannot happen
        raise RuntimeError(f"CP-SAT found the allocation model {solver.status_name(outcome)}")
    return None, solver.best_objective_bound, False


def _relative_gap(value: float, bound: float) -> float:
    return abs(value - bound) / max(1.0, abs(value))


def allocate(
    men: Sequence[Man],
    groups: Sequence[CandidateGroup],
    keep_apart: Iterable[KeepApart],
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> AllocationResult:
    """Propose a plan: the optimiser's placements, and the reason for each man.

    Nothing is changed: the result is a proposal to show and, once confirmed, to save.
    `time_limit_s` bounds the whole run, reasons included; a run cut short returns the best
    plan found, with status "feasible", its gaps and a message saying so. `workers` is
    CP-SAT's number of threads and `seed` its random seed. A plan proved optimal comes out
    the same for the same input (small parts use CP-SAT's interleaved search, which is
    deterministic); a run cut short by the clock need not.

    Status "infeasible" means no waiting man could be placed anywhere (no groups, say);
    each man's reason says why.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s * (1 - _WRITING_SHARE)
    problem = _Problem.build(men, groups, keep_apart)
    parts = _parts(problem)
    left = sum(part.size for part in parts)
    plan: dict[int, int] = {}
    values = [0] * len(_STAGES)
    bounds = [0.0] * len(_STAGES)
    proven = [True] * len(_STAGES)
    for number, part in enumerate(parts):
        # Each part gets its share of the time left by size, but not too little: small parts
        # need some time whatever their size, and what they leave goes on to the larger ones.
        remaining = deadline - time.perf_counter()
        share = max(
            remaining * part.size / left, min(_PART_FLOOR_S, remaining / (len(parts) - number))
        )
        left -= part.size
        chosen, outcomes = _solve_part(
            problem, part, deadline=time.perf_counter() + share, workers=workers, seed=seed
        )
        plan.update(part.plan(chosen))
        for stage, outcome in enumerate(outcomes):
            values[stage] += outcome.value
            bounds[stage] += outcome.bound
            proven[stage] = proven[stage] and outcome.optimal
    stage_gaps = tuple(
        0.0 if done else _relative_gap(value, bound)
        for done, value, bound in zip(proven, values, bounds, strict=True)
    )
    # Lexicographically, the plan is as far from the best as its first stage not proved.
    gap = next((g for g, done in zip(stage_gaps, proven, strict=True) if not done), 0.0)
    messages = []
    if not all(proven):
        unproved = "; ".join(
            f"{name} within {g:.2%}"
            for name, g, done in zip(_STAGES, stage_gaps, proven, strict=True)
            if not done
        )
        messages.append(
            f"Stopped at the time limit of {time_limit_s:g} s before every stage was proved "
            f"best: {unproved} of the best possible."
        )
    choice: dict[str, int | None] = {m.id: None for m in problem.men}
    for i, j in plan.items():
        choice[problem.men[i].id] = j
    status: Status = "optimal" if all(proven) else "feasible"
    if problem.men and not parts:
        status = "infeasible"
        messages.append("No waiting man can be placed in any candidate group; see each reason.")
    return _result(
        problem,
        _Plan(problem=problem, choice=choice),
        status=status,
        figures=_Figures(tuple(map(float, values)), tuple(bounds), gap, stage_gaps)
        if parts
        else _Figures(),
        started=started,
        messages=messages,
    )
