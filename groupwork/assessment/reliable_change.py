"""Change between two questionnaire occasions: Jacobson & Truax (1991).

Reliable change: SEm = SD * sqrt(1 - r); S_diff = sqrt(2 * SEm^2); RCI = (post - pre) / S_diff.
|RCI| > 1.96 is a change unlikely (p < .05) to come from measurement error alone.

Clinically significant change also needs the score to cross a cut-off: criterion c, the point
between the functional and dysfunctional population means weighted by their SDs, so nearer
the mean of the tighter population.

Plain functions with no database; ReliableChangeInputError names the input at fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Direction = Literal["improved", "deteriorated", "no reliable change"]
DIRECTIONS: tuple[Direction, ...] = ("improved", "deteriorated", "no reliable change")
RELIABLE_Z = 1.96  # two-tailed p < .05


class ReliableChangeInputError(ValueError):
    """An input outside the method's rules; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReliableChange:
    rci: float
    reliable: bool
    direction: Direction
    s_diff: float  # the standard error of the difference, in the scale's points


def _check_finite(**values: float) -> None:
    for field, value in values.items():
        if not math.isfinite(value):
            raise ReliableChangeInputError(field, "Enter a finite number.")


def _check_sd(field: str, sd: float) -> None:
    _check_finite(**{field: sd})
    if sd <= 0:
        raise ReliableChangeInputError(field, "The standard deviation must be more than 0.")


def _check_reliability(reliability: float) -> None:
    _check_finite(reliability=reliability)
    if not 0 <= reliability < 1:
        raise ReliableChangeInputError(
            "reliability", "The reliability must be at least 0 and less than 1."
        )


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """SEm = SD * sqrt(1 - r)."""
    _check_sd("sd", sd)
    _check_reliability(reliability)
    return sd * math.sqrt(1 - reliability)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = sqrt(2 * SEm^2), worked as SD * sqrt(2 * (1 - r)): the same number, without
    squaring SEm, so a very small or very large SD neither underflows nor overflows."""
    _check_sd("sd", sd)
    _check_reliability(reliability)
    return sd * math.sqrt(2 * (1 - reliability))


def direction_of(rci: float, *, reliable: bool, higher_is_better: bool) -> Direction:
    if not reliable:
        return "no reliable change"
    return "improved" if (rci > 0) == higher_is_better else "deteriorated"


def reliable_change(
    *, pre: float, post: float, sd: float, reliability: float, higher_is_better: bool
) -> ReliableChange:
    """The Reliable Change Index from `pre` to `post` on a scale with this SD and reliability.

    `sd` is the SD the SEm is worked from (the norm or pre-treatment group's); `reliability`
    the scale's (internal consistency or test-retest), from 0 up to but not including 1.
    """
    _check_finite(pre=pre, post=post)
    s_diff = standard_error_of_difference(sd, reliability)
    change = post - pre
    if not math.isfinite(change):
        raise ReliableChangeInputError("post", "The change is too large to work out.")
    if s_diff == 0 or not math.isfinite(change / s_diff):  # an SD near the smallest float
        raise ReliableChangeInputError("sd", "The standard deviation is too small to work with.")
    rci = change / s_diff
    reliable = abs(rci) > RELIABLE_Z
    return ReliableChange(
        rci=rci,
        reliable=reliable,
        direction=direction_of(rci, reliable=reliable, higher_is_better=higher_is_better),
        s_diff=s_diff,
    )


def criterion_c(
    *,
    mean_functional: float,
    sd_functional: float,
    mean_dysfunctional: float,
    sd_dysfunctional: float,
) -> float:
    """c = (SD_dys * M_func + SD_func * M_dys) / (SD_dys + SD_func)."""
    _check_finite(mean_functional=mean_functional, mean_dysfunctional=mean_dysfunctional)
    _check_sd("sd_functional", sd_functional)
    _check_sd("sd_dysfunctional", sd_dysfunctional)
    # Weights that sum to 1, so the answer lies between the means even for huge values.
    weight = sd_dysfunctional / (sd_dysfunctional + sd_functional)
    return weight * mean_functional + (1 - weight) * mean_dysfunctional


def crosses_cutoff(*, pre: float, post: float, cutoff: float, higher_is_better: bool) -> bool:
    """Whether the score moved from the dysfunctional side of `cutoff` to the functional side.

    The functional side is strictly past the cut-off (above it when higher is better, below it
    otherwise): a score on the cut-off is no nearer the functional mean than the dysfunctional.
    """
    _check_finite(pre=pre, post=post, cutoff=cutoff)
    if higher_is_better:
        return pre <= cutoff < post
    return post < cutoff <= pre


def clinically_significant(
    *,
    pre: float,
    post: float,
    sd: float,
    reliability: float,
    cutoff: float,
    higher_is_better: bool,
) -> bool:
    """Recovered (Jacobson & Truax): a reliable improvement that crosses the cut-off."""
    change = reliable_change(
        pre=pre, post=post, sd=sd, reliability=reliability, higher_is_better=higher_is_better
    )
    crossed = crosses_cutoff(pre=pre, post=post, cutoff=cutoff, higher_is_better=higher_is_better)
    return change.direction == "improved" and crossed
