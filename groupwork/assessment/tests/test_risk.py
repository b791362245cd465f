"""Risk Matrix 2000/S: every band edge, every category boundary, every number of aggravating
factors from every Step 1 category, worked cases, the input rules and the table's own checks.
No database."""

from __future__ import annotations

import copy
import dataclasses
import json
from itertools import combinations, product
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupwork.assessment.risk import (
    CATEGORIES,
    TABLE_FILE,
    Category,
    Rm2000InputError,
    Rm2000Inputs,
    Rm2000Result,
    Rm2000TableError,
    parse_table,
    rm2000_table,
    score_rm2000,
    score_rm2000_from_mapping,
)

FACTORS = ("male_victim", "stranger_victim", "single", "non_contact")
# No Step 1 points and no aggravating factors: a man of 35 at his first sexual appearance
# with no other appearances. Each test changes only what it is about.
NO_POINTS = Rm2000Inputs(
    age_at_commencement_of_risk=35,
    sexual_appearances=1,
    criminal_appearances=0,
    male_victim=False,
    stranger_victim=False,
    single=False,
    non_contact=False,
)


def inputs(**change: Any) -> Rm2000Inputs:
    return dataclasses.replace(NO_POINTS, **change)


def with_factors(base: Rm2000Inputs, present: tuple[str, ...]) -> Rm2000Inputs:
    return dataclasses.replace(base, **{factor: factor in present for factor in FACTORS})


def table_json() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    return raw


# --- Step 1: every band edge -------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "points"),
    [(18, 2), (19, 2), (24, 2), (25, 1), (34, 1), (35, 0), (36, 0), (90, 0)],
)
def test_age_at_commencement_of_risk_bands(age: int, points: int) -> None:
    assert score_rm2000(inputs(age_at_commencement_of_risk=age)).step1_points == points


@pytest.mark.parametrize(
    ("appearances", "points"),
    [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (40, 3)],
)
def test_sexual_appearances_bands(appearances: int, points: int) -> None:
    assert score_rm2000(inputs(sexual_appearances=appearances)).step1_points == points


@pytest.mark.parametrize(
    ("appearances", "points"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (6, 1), (100, 1)],
)
def test_criminal_appearances_bands(appearances: int, points: int) -> None:
    assert score_rm2000(inputs(criminal_appearances=appearances)).step1_points == points


def test_criminal_appearances_need_not_be_at_least_the_sexual_appearances() -> None:
    # Not one of the rules given: five sexual appearances with no criminal ones is scored.
    result = score_rm2000(inputs(sexual_appearances=5, criminal_appearances=0))

    assert result.step1_points == 3


# --- Step 1: every total, so every category boundary --------------------------------------

AGE_FOR_POINTS = {2: 18, 1: 25, 0: 35}
SEXUAL_FOR_POINTS = {0: 1, 1: 2, 2: 3, 3: 5}
CRIMINAL_FOR_POINTS = {0: 4, 1: 5}
STEP1_CATEGORY: dict[int, Category] = {
    0: "low",
    1: "medium",
    2: "medium",
    3: "high",
    4: "high",
    5: "very high",
    6: "very high",
}


@pytest.mark.parametrize(
    ("age_points", "sexual_points", "criminal_points"),
    list(product(AGE_FOR_POINTS, SEXUAL_FOR_POINTS, CRIMINAL_FOR_POINTS)),
)
def test_every_combination_of_step1_points(
    age_points: int, sexual_points: int, criminal_points: int
) -> None:
    total = age_points + sexual_points + criminal_points

    result = score_rm2000(
        inputs(
            age_at_commencement_of_risk=AGE_FOR_POINTS[age_points],
            sexual_appearances=SEXUAL_FOR_POINTS[sexual_points],
            criminal_appearances=CRIMINAL_FOR_POINTS[criminal_points],
        )
    )

    assert result.step1_points == total
    assert result.step1_category == STEP1_CATEGORY[total]
    assert result.category == STEP1_CATEGORY[total]  # no aggravating factors


@pytest.mark.parametrize(
    ("age", "sexual", "criminal", "points", "category"),
    [
        (35, 1, 0, 0, "low"),  # the only way to Low
        (34, 1, 0, 1, "medium"),  # lowest Medium
        (35, 3, 0, 2, "medium"),  # highest Medium
        (35, 3, 5, 3, "high"),  # lowest High
        (24, 3, 4, 4, "high"),  # highest High
        (24, 5, 0, 5, "very high"),  # lowest Very High
        (18, 5, 5, 6, "very high"),  # the most points there are
    ],
)
def test_step1_category_boundaries(
    age: int, sexual: int, criminal: int, points: int, category: Category
) -> None:
    result = score_rm2000(
        inputs(
            age_at_commencement_of_risk=age,
            sexual_appearances=sexual,
            criminal_appearances=criminal,
        )
    )

    assert (result.step1_points, result.step1_category) == (points, category)


# --- Step 2: every number of aggravating factors from every Step 1 category ----------------

STEP1_OF: dict[Category, Rm2000Inputs] = {
    "low": inputs(),  # 0 points
    "medium": inputs(age_at_commencement_of_risk=20),  # 2 points
    "high": inputs(age_at_commencement_of_risk=20, sexual_appearances=2),  # 3 points
    "very high": inputs(age_at_commencement_of_risk=20, sexual_appearances=5),  # 5 points
}
# Step 1 category, then the final category for 0, 1, 2, 3 and 4 aggravating factors.
AFTER_STEP2: dict[Category, tuple[Category, Category, Category, Category, Category]] = {
    "low": ("low", "low", "medium", "medium", "high"),
    "medium": ("medium", "medium", "high", "high", "very high"),
    "high": ("high", "high", "very high", "very high", "very high"),  # four: capped
    "very high": ("very high",) * 5,  # capped whatever the count
}
EVERY_SET_OF_FACTORS = [
    present for count in range(len(FACTORS) + 1) for present in combinations(FACTORS, count)
]


@pytest.mark.parametrize("step1", CATEGORIES)
@pytest.mark.parametrize("present", EVERY_SET_OF_FACTORS, ids="+".join)
def test_every_set_of_aggravating_factors_from_every_step1_category(
    step1: Category, present: tuple[str, ...]
) -> None:
    result = score_rm2000(with_factors(STEP1_OF[step1], present))

    assert result.step1_category == step1
    assert result.aggravating_factors == len(present)
    assert result.category == AFTER_STEP2[step1][len(present)]


def test_the_step1_examples_are_the_categories_they_claim() -> None:
    assert {name: score_rm2000(case).step1_category for name, case in STEP1_OF.items()} == {
        name: name for name in CATEGORIES
    }


# --- Worked cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # 22 at commencement (2) + 2 sexual appearances (1) + 6 criminal (1) = 4: High;
        # male and stranger victims are two factors, one level up: Very High.
        (
            Rm2000Inputs(
                22, 2, 6, male_victim=True, stranger_victim=True, single=False, non_contact=False
            ),
            Rm2000Result(4, "high", 2, "very high"),
        ),
        # 40 (0) + 1 sexual (0) + 1 criminal (0) = 0: Low; single alone is one factor: Low.
        (
            Rm2000Inputs(
                40, 1, 1, male_victim=False, stranger_victim=False, single=True, non_contact=False
            ),
            Rm2000Result(0, "low", 1, "low"),
        ),
        # 30 (1) + 3 sexual (2) + 3 criminal (0) = 3: High; no factors: High.
        (
            Rm2000Inputs(
                30, 3, 3, male_victim=False, stranger_victim=False, single=False, non_contact=False
            ),
            Rm2000Result(3, "high", 0, "high"),
        ),
        # 19 (2) + 5 sexual (3) + 9 criminal (1) = 6: Very High; four factors, still Very High.
        (
            Rm2000Inputs(
                19, 5, 9, male_victim=True, stranger_victim=True, single=True, non_contact=True
            ),
            Rm2000Result(6, "very high", 4, "very high"),
        ),
        # 45 (0) + 1 sexual (0) + 2 criminal (0) = 0: Low; all four factors, two levels: High.
        (
            Rm2000Inputs(
                45, 1, 2, male_victim=True, stranger_victim=True, single=True, non_contact=True
            ),
            Rm2000Result(0, "low", 4, "high"),
        ),
        # 27 (1) + 1 sexual (0) + 0 criminal (0) = 1: Medium; stranger, single and non-contact
        # are three factors, one level: High.
        (
            Rm2000Inputs(
                27, 1, 0, male_victim=False, stranger_victim=True, single=True, non_contact=True
            ),
            Rm2000Result(1, "medium", 3, "high"),
        ),
        # 33 (1) + 4 sexual (2) + 5 criminal (1) = 4: High; non-contact alone: High.
        (
            Rm2000Inputs(
                33, 4, 5, male_victim=False, stranger_victim=False, single=False, non_contact=True
            ),
            Rm2000Result(4, "high", 1, "high"),
        ),
    ],
)
def test_worked_cases(case: Rm2000Inputs, expected: Rm2000Result) -> None:
    assert score_rm2000(case) == expected


# --- The input rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"age_at_commencement_of_risk": 17}, "age_at_commencement_of_risk", "18 or more"),
        ({"age_at_commencement_of_risk": 0}, "age_at_commencement_of_risk", "18 or more"),
        ({"age_at_commencement_of_risk": -20}, "age_at_commencement_of_risk", "18 or more"),
        ({"sexual_appearances": 0}, "sexual_appearances", "1 or more"),
        ({"sexual_appearances": -1}, "sexual_appearances", "1 or more"),
        ({"criminal_appearances": -1}, "criminal_appearances", "0 or more"),
        ({"age_at_commencement_of_risk": 25.5}, "age_at_commencement_of_risk", "whole number"),
        ({"sexual_appearances": True}, "sexual_appearances", "whole number"),
        ({"criminal_appearances": "3"}, "criminal_appearances", "whole number"),
        ({"male_victim": 1}, "male_victim", "true or false"),
        ({"non_contact": None}, "non_contact", "true or false"),
    ],
)
def test_inputs_outside_the_rules_are_refused_naming_the_field(
    change: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(Rm2000InputError, match=message) as refused:
        score_rm2000(inputs(**change))

    assert refused.value.field == field


def test_the_age_message_names_the_factor() -> None:
    with pytest.raises(Rm2000InputError) as refused:
        score_rm2000(inputs(age_at_commencement_of_risk=17))

    assert str(refused.value) == "Age at commencement of risk must be 18 or more."


def test_a_mapping_is_scored_like_the_inputs() -> None:
    values = dataclasses.asdict(STEP1_OF["high"]) | {"single": True, "male_victim": True}

    assert score_rm2000_from_mapping(values) == Rm2000Result(3, "high", 2, "very high")


def test_a_mapping_without_an_input_is_refused_naming_it() -> None:
    values = dataclasses.asdict(NO_POINTS)
    del values["stranger_victim"]

    with pytest.raises(Rm2000InputError) as refused:
        score_rm2000_from_mapping(values)

    assert refused.value.field == "stranger_victim"


# --- Against the rules written out by hand, for any valid inputs ------------------------------


def by_hand(case: Rm2000Inputs) -> tuple[int, str, int, str]:
    """DOMAIN.md's rules as plain if-statements: an independent check on the table."""
    age = case.age_at_commencement_of_risk
    sexual = case.sexual_appearances
    points = 2 if age <= 24 else 1 if age <= 34 else 0
    points += 0 if sexual == 1 else 1 if sexual == 2 else 2 if sexual <= 4 else 3
    points += 1 if case.criminal_appearances >= 5 else 0
    names = ["low", "medium", "high", "very high"]
    step1 = 0 if points == 0 else 1 if points <= 2 else 2 if points <= 4 else 3
    factors = [case.male_victim, case.stranger_victim, case.single, case.non_contact].count(True)
    raise_by = 2 if factors == 4 else 1 if factors >= 2 else 0
    return points, names[step1], factors, names[min(step1 + raise_by, 3)]


valid_inputs = st.builds(
    Rm2000Inputs,
    age_at_commencement_of_risk=st.integers(min_value=18, max_value=120),
    sexual_appearances=st.integers(min_value=1, max_value=60),
    criminal_appearances=st.integers(min_value=0, max_value=200),
    male_victim=st.booleans(),
    stranger_victim=st.booleans(),
    single=st.booleans(),
    non_contact=st.booleans(),
)


@given(valid_inputs)
def test_the_table_agrees_with_the_rules_written_out(case: Rm2000Inputs) -> None:
    result = score_rm2000(case)

    assert (
        result.step1_points,
        result.step1_category,
        result.aggravating_factors,
        result.category,
    ) == by_hand(case)


@given(valid_inputs)
def test_step2_only_ever_raises_and_by_at_most_two(case: Rm2000Inputs) -> None:
    result = score_rm2000(case)

    raised = CATEGORIES.index(result.category) - CATEGORIES.index(result.step1_category)
    assert 0 <= raised <= 2
    assert 0 <= result.step1_points <= 6


def inputs_with(case: Rm2000Inputs, field: str, value: object) -> Rm2000Inputs:
    change: dict[str, Any] = {field: value}
    return dataclasses.replace(case, **change)


@given(
    valid_inputs,
    st.sampled_from(["age_at_commencement_of_risk", "sexual_appearances", "criminal_appearances"]),
    st.integers(min_value=-1000, max_value=-1),
)
def test_any_value_below_a_factors_minimum_is_refused(
    case: Rm2000Inputs, field: str, below: int
) -> None:
    minimum = {"age_at_commencement_of_risk": 18, "sexual_appearances": 1}.get(field, 0)

    with pytest.raises(Rm2000InputError) as refused:
        score_rm2000(inputs_with(case, field, minimum + below))

    assert refused.value.field == field


# --- The table itself ------------------------------------------------------------------------


def test_the_table_is_read_once() -> None:
    assert rm2000_table() is rm2000_table()


def test_the_shipped_table_is_the_one_scored() -> None:
    table = parse_table(table_json())

    assert table == rm2000_table()
    assert [factor.field for factor in table.factors] == [
        "age_at_commencement_of_risk",
        "sexual_appearances",
        "criminal_appearances",
    ]
    assert table.aggravating_factors == FACTORS


def broken(path: list[str | int], value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(table_json())
    target: Any = raw
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        # A gap: 25 would score nothing.
        (broken(["step1", "factors", 0, "bands", 1, "from"], 26), "does not follow on"),
        # An overlap: 3 sexual appearances in two bands.
        (broken(["step1", "factors", 1, "bands", 3, "from"], 4), "does not follow on"),
        # An upper end on the last band: a man of 80 would score nothing.
        (broken(["step1", "factors", 0, "bands", 2, "to"], 79), "last band ends at 79"),
        # Categories that stop short of the most points there are (6).
        (broken(["step1", "categories", 3, "to"], 5), "last band ends at 5, not 6"),
        (broken(["step1", "categories", 0, "from"], 1), "starts at 1, not 0"),
        (broken(["step1", "categories", 1, "category"], "moderate"), "in that order"),
        (broken(["categories"], ["low", "high"]), "categories: expected"),
        # Nothing for four aggravating factors.
        (broken(["step2", "raise_levels", 2, "to"], 3), "last band ends at 3, not 4"),
        (broken(["step2", "raise_levels", 0, "levels"], -1), "never lowered"),
        (broken(["step2", "aggravating_factors", 2, "field"], "divorced"), "expected each of"),
        (broken(["step1", "factors", 2, "field"], "convictions"), "expected one for each"),
        (broken(["step1", "factors", 2, "bands"], []), "no bands"),
        (broken(["step1", "factors", 1, "bands", 0, "points"], -1), "negative points"),
        (broken(["step2"], {}), "not in the expected shape"),
    ],
)
def test_a_broken_table_is_refused_saying_why(raw: dict[str, Any], problem: str) -> None:
    with pytest.raises(Rm2000TableError, match=problem):
        parse_table(raw)
