"""Reliable and clinically significant change (Jacobson & Truax 1991), with hand-worked
values and properties that hold for any scores. No database."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupwork.assessment.reliable_change import (
    ReliableChange,
    ReliableChangeInputError,
    clinically_significant,
    criterion_c,
    crosses_cutoff,
    reliable_change,
    standard_error_of_difference,
    standard_error_of_measurement,
)

# --- Hand-worked values --------------------------------------------------------------------


def test_standard_errors_worked_by_hand() -> None:
    # SD 10, r .84: SEm = 10 * sqrt(1 - .84) = 10 * sqrt(.16) = 10 * .4 = 4;
    # S_diff = sqrt(2 * 4^2) = sqrt(32) = 5.656854...
    assert standard_error_of_measurement(10, 0.84) == pytest.approx(4)
    assert standard_error_of_difference(10, 0.84) == pytest.approx(math.sqrt(32))
    # SD 7.5, r .75: SEm = 7.5 * sqrt(.25) = 3.75; S_diff = sqrt(2 * 14.0625) = sqrt(28.125)
    # = 5.303301...
    assert standard_error_of_measurement(7.5, 0.75) == pytest.approx(3.75)
    assert standard_error_of_difference(7.5, 0.75) == pytest.approx(5.303301, abs=1e-6)
    # r = 0: nothing is reliable but the SD itself; SEm = SD, S_diff = SD * sqrt(2).
    assert standard_error_of_measurement(6, 0) == 6
    assert standard_error_of_difference(6, 0) == pytest.approx(6 * math.sqrt(2))


@pytest.mark.parametrize(
    ("pre", "post", "sd", "reliability", "higher_is_better", "rci", "reliable", "direction"),
    [
        # S_diff = sqrt(32) = 5.656854 (above). 50 -> 62: RCI = 12 / 5.656854 = 2.121320,
        # more than 1.96: reliable, and up is better: improved.
        (50, 62, 10, 0.84, True, 2.121320, True, "improved"),
        # The same rise on a scale where lower is better: deteriorated.
        (50, 62, 10, 0.84, False, 2.121320, True, "deteriorated"),
        # 50 -> 60: RCI = 10 / 5.656854 = 1.767767, not more than 1.96.
        (50, 60, 10, 0.84, True, 1.767767, False, "no reliable change"),
        # S_diff = sqrt(28.125) = 5.303301 (above). 30 -> 19: RCI = -11 / 5.303301
        # = -2.074180: reliable; down is better on this scale: improved.
        (30, 19, 7.5, 0.75, False, -2.074180, True, "improved"),
        (30, 19, 7.5, 0.75, True, -2.074180, True, "deteriorated"),
        # 30 -> 20: RCI = -10 / 5.303301 = -1.885618: not reliable.
        (30, 20, 7.5, 0.75, False, -1.885618, False, "no reliable change"),
        # No change at all.
        (42, 42, 7.5, 0.75, True, 0.0, False, "no reliable change"),
    ],
)
def test_reliable_change_worked_by_hand(
    pre: float,
    post: float,
    sd: float,
    reliability: float,
    higher_is_better: bool,
    rci: float,
    reliable: bool,
    direction: str,
) -> None:
    result = reliable_change(
        pre=pre, post=post, sd=sd, reliability=reliability, higher_is_better=higher_is_better
    )

    assert result.rci == pytest.approx(rci, abs=1e-6)
    assert (result.reliable, result.direction) == (reliable, direction)


@pytest.mark.parametrize(
    ("post", "reliable"), [(1.96, False), (-1.96, False), (1.961, True), (-1.961, True)]
)
def test_exactly_1_96_is_not_reliable(post: float, reliable: bool) -> None:
    # SD 1, r .5: S_diff = 1 * sqrt(2 * (1 - .5)) = sqrt(1) = 1 exactly, so RCI = post - 0.
    # The rule is |RCI| > 1.96, strictly.
    result = reliable_change(pre=0, post=post, sd=1, reliability=0.5, higher_is_better=True)

    assert result.s_diff == 1
    assert result.rci == post
    assert result.reliable is reliable


def test_criterion_c_worked_by_hand() -> None:
    # Functional mean 20 (SD 5), dysfunctional mean 40 (SD 10):
    # c = (10 * 20 + 5 * 40) / (10 + 5) = (200 + 200) / 15 = 26.667, nearer the functional
    # mean because the functional population is the tighter one.
    assert criterion_c(
        mean_functional=20, sd_functional=5, mean_dysfunctional=40, sd_dysfunctional=10
    ) == pytest.approx(400 / 15)
    # Equal SDs: the plain midpoint, (5 * 30 + 5 * 50) / 10 = 40.
    assert criterion_c(
        mean_functional=30, sd_functional=5, mean_dysfunctional=50, sd_dysfunctional=5
    ) == pytest.approx(40)


@pytest.mark.parametrize(
    ("pre", "post", "higher_is_better", "crosses"),
    [
        # Cut-off 26.667 on a scale where lower is better (the example above).
        (35, 25, False, True),  # from above it to below it
        (35, 30, False, False),  # better, but still on the dysfunctional side
        (25, 20, False, False),  # already on the functional side
        (25, 35, False, False),  # the wrong way
        (400 / 15, 20, False, True),  # from on the cut-off (not functional) to below it
        (35, 400 / 15, False, False),  # to the cut-off itself: no nearer the functional mean
        # The same cut-off where higher is better.
        (20, 30, True, True),
        (20, 25, True, False),
        (30, 35, True, False),
        (30, 20, True, False),
        (400 / 15, 30, True, True),
        (20, 400 / 15, True, False),
    ],
)
def test_crossing_the_cutoff(
    pre: float, post: float, higher_is_better: bool, crosses: bool
) -> None:
    assert (
        crosses_cutoff(pre=pre, post=post, cutoff=400 / 15, higher_is_better=higher_is_better)
        is crosses
    )


@pytest.mark.parametrize(
    ("pre", "post", "significant"),
    [
        # Lower is better; SD 7.5, r .75: S_diff = 5.303301, cut-off 26.667.
        (38, 25, True),  # RCI = -13 / 5.303301 = -2.451: reliable, and crosses
        (30, 25, False),  # crosses, but RCI = -5 / 5.303301 = -0.943: not reliable
        (45, 32, False),  # reliable (RCI -2.451) but still above the cut-off
        (25, 38, False),  # reliable, but worse
    ],
)
def test_clinically_significant_change_needs_both(
    pre: float, post: float, significant: bool
) -> None:
    result = clinically_significant(
        pre=pre, post=post, sd=7.5, reliability=0.75, cutoff=400 / 15, higher_is_better=False
    )

    assert result is significant


# --- The input rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sd": 0}, "sd"),
        ({"sd": -1}, "sd"),
        ({"sd": math.inf}, "sd"),
        ({"reliability": -0.01}, "reliability"),
        ({"reliability": 1}, "reliability"),
        ({"reliability": 1.5}, "reliability"),
        ({"reliability": math.nan}, "reliability"),
        ({"pre": math.nan}, "pre"),
        ({"post": -math.inf}, "post"),
        # Finite scores whose difference is not.
        ({"pre": -1e308, "post": 1e308}, "post"),
        # An SD so small that S_diff comes to nothing.
        ({"sd": 5e-324, "reliability": 0.9}, "sd"),
    ],
)
def test_inputs_outside_the_rules_are_refused_naming_the_field(
    change: dict[str, float], field: str
) -> None:
    values = {"pre": 30.0, "post": 20.0, "sd": 7.5, "reliability": 0.75} | change

    with pytest.raises(ReliableChangeInputError) as refused:
        reliable_change(**values, higher_is_better=True)

    assert refused.value.field == field
    assert str(refused.value)


def test_a_reliability_of_0_is_allowed() -> None:
    assert reliable_change(pre=0, post=3, sd=1, reliability=0, higher_is_better=True).reliable


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sd_functional": 0}, "sd_functional"),
        ({"sd_dysfunctional": -2}, "sd_dysfunctional"),
        ({"mean_functional": math.nan}, "mean_functional"),
    ],
)
def test_criterion_c_refuses_bad_input_naming_the_field(
    change: dict[str, float], field: str
) -> None:
    values = {
        "mean_functional": 20.0,
        "sd_functional": 5.0,
        "mean_dysfunctional": 40.0,
        "sd_dysfunctional": 10.0,
    } | change

    with pytest.raises(ReliableChangeInputError) as refused:
        criterion_c(**values)

    assert refused.value.field == field


# --- Properties ------------------------------------------------------------------------------

scores = st.floats(min_value=-1000, max_value=1000, allow_nan=False)
sds = st.floats(min_value=0.01, max_value=500)
reliabilities = st.floats(min_value=0, max_value=1, exclude_max=True)
OPPOSITE = {
    "improved": "deteriorated",
    "deteriorated": "improved",
    "no reliable change": "no reliable change",
}


def change(pre: float, post: float, sd: float, r: float, higher_is_better: bool) -> ReliableChange:
    return reliable_change(
        pre=pre, post=post, sd=sd, reliability=r, higher_is_better=higher_is_better
    )


@given(scores, scores, sds, reliabilities, st.booleans())
def test_swapping_pre_and_post_flips_the_sign_and_the_direction(
    pre: float, post: float, sd: float, r: float, higher_is_better: bool
) -> None:
    forward = change(pre, post, sd, r, higher_is_better)
    back = change(post, pre, sd, r, higher_is_better)

    assert back.rci == -forward.rci
    assert back.reliable is forward.reliable
    assert back.direction == OPPOSITE[forward.direction]
    if forward.reliable:
        assert back.direction != forward.direction
    else:
        assert back.direction == forward.direction == "no reliable change"


@given(scores, scores, sds, reliabilities)
def test_which_way_is_better_only_changes_the_direction(
    pre: float, post: float, sd: float, r: float
) -> None:
    up = change(pre, post, sd, r, higher_is_better=True)
    down = change(pre, post, sd, r, higher_is_better=False)

    assert (up.rci, up.reliable) == (down.rci, down.reliable)
    assert down.direction == OPPOSITE[up.direction]


@given(scores, scores, sds, reliabilities, st.booleans())
def test_reliable_means_more_than_1_96_standard_errors_of_the_difference(
    pre: float, post: float, sd: float, r: float, higher_is_better: bool
) -> None:
    result = change(pre, post, sd, r, higher_is_better)

    assert result.reliable is (abs(result.rci) > 1.96)
    assert result.rci * result.s_diff == pytest.approx(post - pre, abs=1e-9)


@given(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
def test_any_numbers_give_a_finite_rci_or_an_error_naming_a_field(
    pre: float, post: float, sd: float, r: float, higher_is_better: bool
) -> None:
    # What keeps the API from answering 500 (or a non-JSON Infinity) for odd input.
    try:
        result = change(pre, post, sd, r, higher_is_better)
    except ReliableChangeInputError as error:
        assert error.field in {"pre", "post", "sd", "reliability"}
    else:
        assert math.isfinite(result.rci)


@given(scores, sds, scores, sds)
def test_criterion_c_lies_between_the_means(
    mean_functional: float, sd_functional: float, mean_dysfunctional: float, sd_dys: float
) -> None:
    c = criterion_c(
        mean_functional=mean_functional,
        sd_functional=sd_functional,
        mean_dysfunctional=mean_dysfunctional,
        sd_dysfunctional=sd_dys,
    )
    by_formula = (sd_dys * mean_functional + sd_functional * mean_dysfunctional) / (
        sd_dys + sd_functional
    )

    low, high = sorted([mean_functional, mean_dysfunctional])
    assert low - 1e-9 <= c <= high + 1e-9
    assert c == pytest.approx(by_formula, abs=1e-9)
