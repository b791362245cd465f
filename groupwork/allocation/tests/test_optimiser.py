"""The allocation model: hard rules on generated cases, the objective, and the reasons."""

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupwork.allocation.optimiser import (
    AllocationResult,
    CandidateGroup,
    KeepApart,
    Man,
    allocate,
    first_come_first_served,
    format_date,
)

TODAY = date(2027, 1, 4)
CENTRES = ("Worcester", "Shrewsbury", "Telford")


def run(
    men: Sequence[Man], groups: Sequence[CandidateGroup], pairs: Sequence[KeepApart]
) -> AllocationResult:
    """The optimiser with a short time limit (small cases are solved in well under it)."""
    return allocate(men, groups, pairs, time_limit_s=2.0, workers=2)


def man(  # noqa: PLR0913 (a test builder: every field has a default but the id)
    id: str,
    *,
    centres: Sequence[str] = ("Worcester",),
    waited_days: int = 30,
    sentence_weeks: int = 200,
    weeks: int = 30,
    daytime: bool = True,
    evening: bool = False,
    existing_group: str | None = None,
    distance_km: dict[str, float] | None = None,
) -> Man:
    return Man(
        id=id,
        waiting_since=TODAY - timedelta(days=waited_days),
        sentence_end=TODAY + timedelta(weeks=sentence_weeks),
        centres=frozenset(centres),
        daytime=daytime,
        evening=evening,
        weeks_needed=weeks,
        existing_group=existing_group,
        distance_km=distance_km or {},
    )


def group(  # noqa: PLR0913 (a test builder: every field has a default but the id)
    id: str,
    *,
    centre: str = "Worcester",
    weeks_from_now: int = 2,
    slot: str = "day",
    capacity: int = 10,
    minimum: int = 0,
    already_placed: int = 0,
    has_daytime_block: bool = False,
    rolling: bool = False,
) -> CandidateGroup:
    assert slot in ("day", "evening")
    return CandidateGroup(
        id=id,
        centre=centre,
        starts=TODAY + timedelta(weeks=weeks_from_now),
        slot="day" if slot == "day" else "evening",
        capacity=capacity,
        minimum=minimum,
        already_placed=already_placed,
        has_daytime_block=has_daytime_block,
        rolling=rolling,
        name=f"{centre} Induction {id}",
    )


# --------------------------------------------------------------------------------------
# The rules, checked independently of the optimiser
# --------------------------------------------------------------------------------------


def may_join(m: Man, g: CandidateGroup) -> bool:
    slot_fits = m.evening if g.slot == "evening" else m.daytime
    return (
        g.centre in m.centres
        and slot_fits
        and g.starts < m.sentence_end
        and g.capacity > g.already_placed
    )


def in_time(m: Man, g: CandidateGroup) -> bool:
    return g.starts + timedelta(weeks=m.weeks_needed) <= m.sentence_end


def breaks(
    men: Sequence[Man],
    groups: Sequence[CandidateGroup],
    pairs: Sequence[KeepApart],
    where: dict[str, str],
) -> list[str]:
    """Every hard rule the plan `where` (man id to group id) breaks."""
    by_id = {m.id: m for m in men}
    by_group = {g.id: g for g in groups}
    load = Counter(where.values())
    broken = []
    for man_id, group_id in where.items():
        m, g = by_id[man_id], by_group[group_id]
        if m.existing_group is not None:
            broken.append(f"{man_id} is already in a group")
        if not may_join(m, g):
            broken.append(f"{man_id} may not join {group_id}")
    for group_id, n in load.items():
        g = by_group[group_id]
        if g.already_placed + n > g.capacity:
            broken.append(f"{group_id} over capacity")
        if not g.rolling and g.already_placed < g.minimum and g.already_placed + n < g.minimum:
            broken.append(f"{group_id} below its minimum")
    for pair in pairs:
        a = where.get(pair.a) or (by_id[pair.a].existing_group if pair.a in by_id else None)
        b = where.get(pair.b) or (by_id[pair.b].existing_group if pair.b in by_id else None)
        newly_placed = pair.a in where or pair.b in where
        if a is not None and a == b and newly_placed:
            broken.append(f"{pair.a} and {pair.b} together in {a}")
    return broken


def check_plan(
    men: Sequence[Man],
    groups: Sequence[CandidateGroup],
    pairs: Sequence[KeepApart],
    result: AllocationResult,
) -> None:
    waiting = {m.id for m in men if m.existing_group is None}
    placed = [p.man_id for p in result.placements]
    unplaced = [u.man_id for u in result.unplaced]
    assert len(placed) == len(set(placed))
    assert sorted(placed + unplaced) == sorted(waiting)
    where = {p.man_id: p.group_id for p in result.placements}
    assert breaks(men, groups, pairs, where) == []
    by_id = {m.id: m for m in men}
    by_group = {g.id: g for g in groups}
    for p in result.placements:
        m, g = by_id[p.man_id], by_group[p.group_id]
        assert p.centre == g.centre
        assert p.finishes == g.starts + timedelta(weeks=m.weeks_needed)
        assert p.finishes_before_sentence_end == in_time(m, g)
        assert g.name in p.reason  # the reason names the group (and so its centre)
        assert format_date(g.starts) in p.reason
        needs_time_off = g.has_daytime_block and not m.daytime
        assert (p.note is not None) == needs_time_off
        if p.note is not None:
            assert "time off work" in p.note
    for u in result.unplaced:
        assert u.reason.strip()
    opened = {
        g.id
        for g in groups
        if g.id in where.values() and not g.rolling and g.already_placed < g.minimum
    }
    assert set(result.groups_opened) == opened


# --------------------------------------------------------------------------------------
# Generated cases
# --------------------------------------------------------------------------------------


@st.composite
def cases(
    draw: st.DrawFn, max_men: int = 7, max_groups: int = 4
) -> tuple[list[Man], list[CandidateGroup], list[KeepApart]]:
    groups = []
    for j in range(draw(st.integers(0, max_groups))):
        capacity = draw(st.integers(1, 4))
        groups.append(
            group(
                f"G{j}",
                centre=draw(st.sampled_from(CENTRES)),
                weeks_from_now=draw(st.integers(0, 30)),
                slot=draw(st.sampled_from(("day", "evening"))),
                capacity=capacity,
                minimum=draw(st.integers(0, capacity)),
                already_placed=draw(st.integers(0, capacity)),
                has_daytime_block=draw(st.booleans()),
                rolling=draw(st.booleans()),
            )
        )
    men = []
    for i in range(draw(st.integers(0, max_men))):
        centres = draw(st.sets(st.sampled_from(CENTRES), max_size=2))
        men.append(
            man(
                f"M{i}",
                centres=sorted(centres),
                waited_days=draw(st.integers(0, 400)),
                sentence_weeks=draw(st.integers(1, 80)),
                weeks=draw(st.integers(4, 40)),
                daytime=draw(st.booleans()),
                evening=draw(st.booleans()),
                distance_km={c: draw(st.integers(1, 60)) for c in centres},
            )
        )
    if groups:
        for e in range(draw(st.integers(0, 2))):
            men.append(man(f"E{e}", existing_group=draw(st.sampled_from(groups)).id))
    pairs = []
    if len(men) >= 2:  # noqa: PLR2004 (a pair needs two men)
        ids = [m.id for m in men]
        for a, b in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)))):
            if a != b:
                pairs.append(KeepApart(a=a, b=b, why="co-defendants"))
    return men, groups, pairs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_hard_rule_holds_on_generated_cases(case):
    men, groups, pairs = case
    optimised = run(men, groups, pairs)
    check_plan(men, groups, pairs, optimised)
    baseline = first_come_first_served(men, groups, pairs)
    check_plan(men, groups, pairs, baseline)
    if optimised.status == "optimal":
        assert optimised.finishing_in_time >= baseline.finishing_in_time


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_men=5, max_groups=3))
def test_the_optimiser_matches_exhaustive_search(case):
    """Most men finishing in time, then most men placed: compared with every plan there is."""
    men, groups, pairs = case
    result = run(men, groups, pairs)
    assert result.status in ("optimal", "infeasible")
    waiting = [m for m in men if m.existing_group is None]
    choices = [[None] + [g for g in groups if may_join(m, g)] for m in waiting]
    best = (0, 0)
    for plan in itertools.product(*choices):
        where = {m.id: g.id for m, g in zip(waiting, plan, strict=True) if g is not None}
        if breaks(men, groups, pairs, where):
            continue
        on_time = sum(1 for m, g in zip(waiting, plan, strict=True) if g and in_time(m, g))
        best = max(best, (on_time, len(where)))
    assert (result.finishing_in_time, result.placed_count) == best


# --------------------------------------------------------------------------------------
# The objective
# --------------------------------------------------------------------------------------


def test_the_optimiser_lets_both_men_finish_where_first_come_first_served_does_not():
    # A has waited longest but has years left; B's sentence ends soon after the early group.
    men = [
        man("A", waited_days=300, sentence_weeks=200, weeks=30),
        man("B", waited_days=10, sentence_weeks=40, weeks=30),
    ]
    groups = [
        group("early", weeks_from_now=2, capacity=1),
        group("late", weeks_from_now=20, capacity=1),
    ]

    baseline = first_come_first_served(men, groups, [])
    assert {p.man_id: p.group_id for p in baseline.placements} == {"A": "early", "B": "late"}
    assert baseline.finishing_in_time == 1

    result = run(men, groups, [])
    assert result.status == "optimal"
    assert {p.man_id: p.group_id for p in result.placements} == {"A": "late", "B": "early"}
    assert result.finishing_in_time == 2
    assert result.gap == 0.0


def test_among_men_who_cannot_all_be_placed_the_soonest_sentence_end_goes_first():
    men = [
        man("soon", waited_days=10, sentence_weeks=60),
        man("later", waited_days=10, sentence_weeks=150),
    ]
    result = run(men, [group("only", capacity=1)], [])
    assert [p.man_id for p in result.placements] == ["soon"]
    (left,) = result.unplaced
    assert left.man_id == "later"
    assert "is full" in left.reason and "Worcester Induction only" in left.reason


def test_the_nearer_centre_is_chosen_and_said():
    m = man(
        "M1",
        centres=("Worcester", "Telford"),
        distance_km={"Worcester": 40.0, "Telford": 8.0},
    )
    groups = [group("W", centre="Worcester"), group("T", centre="Telford")]
    result = run([m], groups, [])
    (placed,) = result.placements
    assert placed.group_id == "T"
    assert "Telford is the nearest centre he can attend (8 km)" in placed.reason


def test_men_are_spread_evenly_over_two_groups():
    men = [man(f"M{i}") for i in range(6)]
    groups = [group("A", weeks_from_now=2), group("B", weeks_from_now=2)]
    result = run(men, groups, [])
    assert Counter(p.group_id for p in result.placements) == {"A": 3, "B": 3}


def test_a_group_opens_only_at_its_minimum():
    men = [man("M1"), man("M2")]
    result = run(men, [group("small", minimum=3)], [])
    assert result.placements == ()
    assert all("would not reach its minimum size of 3" in u.reason for u in result.unplaced)
    assert all(u.reason.startswith("Groups he could join would not reach") for u in result.unplaced)

    result = run([*men, man("M3")], [group("small", minimum=3)], [])
    assert result.placed_count == 3
    assert result.groups_opened == ("small",)


def test_a_rolling_group_takes_men_below_any_minimum():
    g = group("rolling", minimum=6, already_placed=8, capacity=10, rolling=True)
    result = run([man("M1")], [g], [])
    assert result.placed_count == 1
    assert result.groups_opened == ()


def test_keep_apart_pairs_are_never_placed_together_and_the_reason_says_so():
    men = [man("M1", waited_days=100), man("M2", waited_days=50)]
    pairs = [KeepApart(a="M1", b="M2", why="co-defendants")]
    result = run(men, [group("only")], pairs)
    assert result.placed_count == 1
    (left,) = result.unplaced
    assert left.reason.startswith("Every place he could take is kept apart from a man")
    assert "co-defendants" in left.reason


def test_a_man_is_not_placed_with_someone_he_is_kept_apart_from_already_in_the_group():
    men = [man("M1"), man("E1", existing_group="G1")]
    pairs = [KeepApart(a="E1", b="M1", why="victim link")]
    groups = [group("G1", rolling=True, already_placed=4)]
    result = run(men, groups, pairs)
    assert result.placements == ()
    (left,) = result.unplaced
    assert "E1 in it already" in left.reason and "victim link" in left.reason


def test_an_evening_only_man_in_a_group_with_a_daytime_block_week_needs_time_off_work():
    m = man("M1", daytime=False, evening=True)
    g = group("eve", slot="evening", has_daytime_block=True)
    (placed,) = run([m], [g], []).placements
    assert placed.note is not None
    assert "time off work" in placed.note and format_date(g.starts) in placed.note


def test_a_placement_reason_in_plain_words():
    m = man("M1", sentence_weeks=100, weeks=30)
    g = group("G1", weeks_from_now=2)
    (placed,) = run([m], [g], []).placements
    assert placed.reason.startswith(
        "Placed in Worcester Induction G1 starting 18 January 2027: finishes 16 August 2027, "
        "before his sentence ends on 4 December 2028."
    )


def test_a_late_placement_says_why():
    m = man("M1", sentence_weeks=20, weeks=30)
    (placed,) = run([m], [group("G1")], []).placements
    assert not placed.finishes_before_sentence_end
    assert "after his sentence ends" in placed.reason
    assert "No group he can join would let him finish in time." in placed.reason


# --------------------------------------------------------------------------------------
# Empty and impossible cases explain themselves
# --------------------------------------------------------------------------------------


def test_no_groups_at_all():
    result = run([man("M1"), man("M2")], [], [])
    assert result.status == "infeasible"
    assert result.placements == ()
    assert all("no candidate groups" in u.reason for u in result.unplaced)
    assert any("no candidate groups" in message for message in result.messages)


def test_no_men_waiting():
    result = run([], [group("G1")], [])
    assert result.status == "optimal"
    assert result.placements == () and result.unplaced == ()
    assert "No men are waiting, so there is no one to place." in result.messages


@pytest.mark.parametrize(
    ("waiting", "groups", "words"),
    [
        (man("M1", centres=()), [group("G1")], "No centre he can attend is recorded"),
        (man("M1", daytime=False, evening=False), [group("G1")], "availability is not recorded"),
        (man("M1", centres=("Telford",)), [group("G1")], "No candidate group runs at a centre"),
        (
            man("M1", daytime=False, evening=True),
            [group("G1", slot="day")],
            "No group at a centre he can attend (Worcester) has an evening place.",
        ),
        (
            man("M1", sentence_weeks=1),
            [group("G1", weeks_from_now=3)],
            "before any group he could join at Worcester starts",
        ),
        (
            man("M1"),
            [group("G1", capacity=8, already_placed=8, rolling=True)],
            "has no free places",
        ),
    ],
)
def test_a_man_who_cannot_be_placed_is_told_why(waiting, groups, words):
    result = run([waiting], groups, [])
    (left,) = result.unplaced
    assert words in left.reason


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="listed twice"):
        run([man("M1"), man("M1")], [], [])
    with pytest.raises(ValueError, match="minimum above its capacity"):
        run([], [group("G1", capacity=4, minimum=5)], [])


# --------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_plan():
    men = [
        man(
            f"M{i:02d}",
            centres=CENTRES[: 1 + i % 3],
            waited_days=7 * i,
            sentence_weeks=30 + 5 * (i % 11),
            weeks=20 + i % 3 * 10,
            daytime=i % 4 != 0,
            evening=i % 3 == 0,
            distance_km={c: float(5 + 7 * n + i % 5) for n, c in enumerate(CENTRES)},
        )
        for i in range(24)
    ]
    groups = [
        group(
            f"G{j}",
            centre=CENTRES[j % 3],
            weeks_from_now=2 + 3 * j,
            slot="evening" if j % 3 == 2 else "day",  # noqa: PLR2004
            capacity=5,
            minimum=3,
            has_daytime_block=True,
        )
        for j in range(6)
    ]
    pairs = [
        KeepApart(a=f"M{i:02d}", b=f"M{i + 1:02d}", why="family link") for i in range(0, 20, 4)
    ]
    first = run(men, groups, pairs)
    second = run(men, groups, pairs)
    assert first.status == "optimal"
    assert first.placements == second.placements
    assert first.unplaced == second.unplaced
