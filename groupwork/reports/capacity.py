"""Capacity forecast: Induction groups needed per centre and quarter, by Monte Carlo simulation.

A pure rule: plain values in, plain values out, no database (the inputs are gathered by
`capacity_data.py`). Each run draws a year of referrals per centre, month by month, from a
Poisson distribution with the centre's observed monthly mean; each referral reaches the
Induction with the chance that he neither drops out before starting nor follows a pathway
without it; the men who reach it in a quarter fill the places already planned there first, and
the rest need new groups of the programme's maximum size. The median of the runs is the
forecast and the 10th to 90th percentiles its band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

QUARTERS = 4
MONTHS_PER_QUARTER = 3
FORECAST_MONTHS = QUARTERS * MONTHS_PER_QUARTER
DEFAULT_RUNS = 1000
# A fixed seed: the page shows the same figures on every visit for the same data.
DEFAULT_SEED = 2027
LOW, MIDDLE, HIGH = 0.1, 0.5, 0.9

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CentreHistory:
    """One group centre: what it saw in the last 12 months and what is already planned."""

    name: str
    # Referrals per month, oldest first. Fractional where a man who can reach several
    # centres is shared between them.
    monthly_referrals: tuple[float, ...]
    # Free places in Induction groups already planned to start in each forecast quarter.
    planned_places: tuple[int, ...]

    @property
    def monthly_mean(self) -> float:
        if not self.monthly_referrals:
            return 0.0
        return sum(self.monthly_referrals) / len(self.monthly_referrals)


@dataclass(frozen=True)
class ForecastInputs:
    centres: tuple[CentreHistory, ...]
    # Share of referrals on each pathway (any scale: the shares are normalised). Empty when no
    # referral has a pathway yet: every man is then taken to need the Induction.
    pathway_mix: Mapping[str, float]
    pathways_needing_induction: frozenset[str]
    # Share of referrals that close before the man starts (0 to 1).
    attrition_before_start: float
    group_size_minimum: int
    group_size_maximum: int
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        problems = _input_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


def _input_problems(inputs: ForecastInputs) -> list[str]:
    problems = []
    if not 0 <= inputs.attrition_before_start <= 1:
        problems.append("attrition_before_start: must be between 0 and 1")
    if inputs.group_size_maximum < 1:
        problems.append("group_size_maximum: must be at least 1")
    if not 0 <= inputs.group_size_minimum <= inputs.group_size_maximum:
        problems.append("group_size_minimum: must be between 0 and the maximum")
    if inputs.runs < 1:
        problems.append("runs: must be at least 1")
    if any(share < 0 for share in inputs.pathway_mix.values()):
        problems.append("pathway_mix: shares may not be negative")
    for centre in inputs.centres:
        if any(count < 0 for count in centre.monthly_referrals):
            problems.append(f"{centre.name}: referral counts may not be negative")
        if len(centre.planned_places) != QUARTERS or any(p < 0 for p in centre.planned_places):
            problems.append(f"{centre.name}: needs {QUARTERS} planned place counts, none negative")
    return problems


@dataclass(frozen=True)
class Band:
    """The median of the runs with its 10th and 90th percentiles."""

    low: int
    median: int
    high: int


@dataclass(frozen=True)
class QuarterForecast:
    men_needing_place: Band
    planned_places: int
    men_without_place: Band
    groups_needed: Band
    group_size_minimum: int

    @property
    def short_of_minimum(self) -> bool:
        """Some men need a new group, but fewer than a group's minimum: the likely answer is
        a place at a neighbouring centre or in the next quarter's group, not a new group."""
        return 0 < self.men_without_place.median < self.group_size_minimum


@dataclass(frozen=True)
class CentreForecast:
    centre: str
    monthly_mean: float
    quarters: tuple[QuarterForecast, ...]


@dataclass(frozen=True)
class Forecast:
    centres: tuple[CentreForecast, ...]
    # All centres together, simulated as a sum per run (not the sum of the medians).
    area: tuple[QuarterForecast, ...]
    share_reaching_induction: float
    runs: int
    seed: int


def share_reaching_induction(inputs: ForecastInputs) -> float:
    """The chance that one referral becomes a man who needs an Induction place."""
    total = sum(inputs.pathway_mix.values())
    if total > 0:
        needing = sum(
            share
            for code, share in inputs.pathway_mix.items()
            if code in inputs.pathways_needing_induction
        )
        pathway_share = needing / total
    else:
        pathway_share = 1.0
    return (1 - inputs.attrition_before_start) * pathway_share


def forecast(inputs: ForecastInputs) -> Forecast:
    """Simulate the next four quarters `inputs.runs` times and summarise each cell."""
    rng = np.random.default_rng(inputs.seed)
    reach = share_reaching_induction(inputs)
    centre_count = len(inputs.centres)
    means = np.array([centre.monthly_mean for centre in inputs.centres], dtype=float)
    planned: IntArray = np.array(
        [centre.planned_places for centre in inputs.centres], dtype=np.int64
    ).reshape(centre_count, QUARTERS)
    monthly = rng.poisson(means[None, :, None], size=(inputs.runs, centre_count, FORECAST_MONTHS))
    referred = monthly.reshape(inputs.runs, centre_count, QUARTERS, MONTHS_PER_QUARTER).sum(axis=3)
    men: IntArray = rng.binomial(referred, reach)
    without_place: IntArray = np.maximum(0, men - planned[None, :, :])
    groups: IntArray = -(-without_place // inputs.group_size_maximum)  # rounded up
    centres = tuple(
        CentreForecast(
            centre=centre.name,
            monthly_mean=centre.monthly_mean,
            quarters=_quarters(
                men[:, index],
                planned[index],
                without_place[:, index],
                groups[:, index],
                inputs.group_size_minimum,
            ),
        )
        for index, centre in enumerate(inputs.centres)
    )
    area = _quarters(
        men.sum(axis=1),
        planned.sum(axis=0),
        without_place.sum(axis=1),
        groups.sum(axis=1),
        inputs.group_size_minimum,
    )
    return Forecast(
        centres=centres,
        area=area,
        share_reaching_induction=reach,
        runs=inputs.runs,
        seed=inputs.seed,
    )


def _quarters(
    men: IntArray,
    planned: IntArray,
    without_place: IntArray,
    groups: IntArray,
    group_size_minimum: int,
) -> tuple[QuarterForecast, ...]:
    """Summaries of one row of cells; each array is runs x quarters (planned: quarters)."""
    men_bands, without_bands, group_bands = _bands(men), _bands(without_place), _bands(groups)
    return tuple(
        QuarterForecast(
            men_needing_place=men_bands[quarter],
            planned_places=int(planned[quarter]),
            men_without_place=without_bands[quarter],
            groups_needed=group_bands[quarter],
            group_size_minimum=group_size_minimum,
        )
        for quarter in range(QUARTERS)
    )


def _bands(values: IntArray) -> list[Band]:
    """Percentiles over the runs (axis 0) for each quarter. `inverted_cdf` picks values the
    runs actually produced, so a count of groups stays a whole number."""
    low, median, high = np.quantile(values, [LOW, MIDDLE, HIGH], axis=0, method="inverted_cdf")
    return [
        Band(low=int(low[q]), median=int(median[q]), high=int(high[q]))
        for q in range(values.shape[1])
    ]


def assumptions(inputs: ForecastInputs) -> list[str]:
    """The model's assumptions in words, with the figures used, for the page to list."""
    reach = share_reaching_induction(inputs)
    return [
        "Referrals to each centre arrive at random (a Poisson process) at the centre's average "
        "rate per month over the last 12 months; the rate does not change over the next year.",
        f"{_percent(inputs.attrition_before_start)} of referrals close before the man starts "
        "(withdrawn, or ended before he joined a group); the rest start the programme.",
        "Every man who starts on a pathway that includes the Induction needs one Induction "
        f"place: {_percent(reach)} of referrals in all.",
        "A man needs his place in the quarter he is referred: the weeks of assessment before a "
        "group are not modelled.",
        "Free places in Induction groups already planned at a centre are filled first, in the "
        "quarter the group starts; spare places are not carried into the next quarter, and men "
        "already waiting today are not added.",
        f"The men left without a place need new groups of {inputs.group_size_maximum} men at "
        "most (the programme's maximum), rounded up. Where fewer men than the minimum of "
        f"{inputs.group_size_minimum} are left, the table says so: a neighbouring centre or "
        "the next quarter's group may be the better answer.",
        f"The figures come from {inputs.runs:,} simulated years (seed {inputs.seed}): each "
        "figure is the median, and the band runs from the 10th to the 90th percentile of the "
        "runs. Totals for all centres are simulated as totals, so they need not equal the sum "
        "of the centres' medians.",
    ]


def _percent(share: float) -> str:
    return f"{math.floor(share * 100 + 0.5)}%"
