"""Risk Matrix 2000/S (Thornton et al. 2003; scoring guide Thornton 2007), scored from a table.

The bands, categories and aggravating factors are data, in `risk_matrix_2000s.json`, read
once a process and checked as they are read (every band joined to the next, the categories
covering every possible total). This module only walks the table: a plain function, no
database, used alike by the API, the pages and the tests.

Step 1 adds the points for age at commencement of risk, sexual appearances and criminal
appearances, and reads the category from the total. Step 2 counts the aggravating factors and
raises the category by as many levels as the table says, never past the highest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, get_args

TABLE_FILE = Path(__file__).with_name("risk_matrix_2000s.json")

Category = Literal["low", "medium", "high", "very high"]
CATEGORIES: tuple[Category, ...] = get_args(Category)  # lowest first

T = TypeVar("T")


class Rm2000InputError(ValueError):
    """Inputs outside the scale's rules; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Rm2000TableError(ValueError):
    """A scoring table that cannot be used; `problems` says what is wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rm2000Inputs:
    age_at_commencement_of_risk: int
    sexual_appearances: int  # sentencing occasions for a sexual offence
    criminal_appearances: int  # sentencing occasions for any offence
    male_victim: bool  # any sexual offence against a male
    stranger_victim: bool  # any sexual offence against a stranger
    single: bool  # never married
    non_contact: bool  # any non-contact sexual offence


@dataclass(frozen=True)
class Rm2000Result:
    step1_points: int
    step1_category: Category
    aggravating_factors: int
    category: Category


@dataclass(frozen=True)
class Band(Generic[T]):
    """`low` to `high` inclusive (`high` None: no upper end) gives `value`."""

    low: int
    high: int | None
    value: T

    def holds(self, number: int) -> bool:
        return self.low <= number and (self.high is None or number <= self.high)


@dataclass(frozen=True)
class Factor:
    """A Step 1 factor: the input it reads and the points for each band of values."""

    field: str
    label: str
    bands: tuple[Band[int], ...]

    @property
    def minimum(self) -> int:
        return self.bands[0].low

    @property
    def most_points(self) -> int:
        return max(band.value for band in self.bands)


@dataclass(frozen=True)
class Rm2000Table:
    factors: tuple[Factor, ...]
    step1_categories: tuple[Band[Category], ...]
    aggravating_factors: tuple[str, ...]  # the inputs counted at Step 2
    raise_levels: tuple[Band[int], ...]  # by the number of aggravating factors present


def band_for(bands: tuple[Band[T], ...], number: int) -> Band[T] | None:
    return next((band for band in bands if band.holds(number)), None)


def _bands(raw: list[dict[str, Any]], value_key: str) -> tuple[Band[Any], ...]:
    return tuple(Band(low=band["from"], high=band["to"], value=band[value_key]) for band in raw)


def _gaps(name: str, bands: tuple[Band[Any], ...], low: int, high: int | None) -> list[str]:
    """What stops `bands` covering `low` to `high` exactly, each value once, in order."""
    if not bands:
        return [f"{name}: no bands"]
    problems = []
    if bands[0].low != low:
        problems.append(f"{name}: the first band starts at {bands[0].low}, not {low}")
    for before, after in zip(bands, bands[1:], strict=False):
        if before.high is None or after.low != before.high + 1:
            problems.append(f"{name}: the band from {after.low} does not follow on")
    if any(band.high is not None and band.high < band.low for band in bands):
        problems.append(f"{name}: a band ends before it starts")
    if bands[-1].high != high:
        problems.append(f"{name}: the last band ends at {bands[-1].high}, not {high}")
    return problems


def parse_table(raw: dict[str, Any]) -> Rm2000Table:
    """The scoring table from the file's JSON, or Rm2000TableError saying what is wrong."""
    try:
        table = Rm2000Table(
            factors=tuple(
                Factor(
                    field=factor["field"],
                    label=factor["label"],
                    bands=_bands(factor["bands"], "points"),
                )
                for factor in raw["step1"]["factors"]
            ),
            step1_categories=_bands(raw["step1"]["categories"], "category"),
            aggravating_factors=tuple(
                factor["field"] for factor in raw["step2"]["aggravating_factors"]
            ),
            raise_levels=_bands(raw["step2"]["raise_levels"], "levels"),
        )
    except (KeyError, TypeError) as error:
        raise Rm2000TableError([f"the table is not in the expected shape ({error!r})"]) from None

    problems = []
    if tuple(raw.get("categories", ())) != CATEGORIES:
        problems.append(f"categories: expected {list(CATEGORIES)}")
    counts = [factor.field for factor in table.factors]
    flags = list(table.aggravating_factors)
    expected_counts = [f.name for f in fields(Rm2000Inputs) if f.type in ("int", int)]
    expected_flags = [f.name for f in fields(Rm2000Inputs) if f.type in ("bool", bool)]
    if sorted(counts) != sorted(expected_counts):
        problems.append(f"step1.factors: expected one for each of {expected_counts}")
    if sorted(flags) != sorted(expected_flags):
        problems.append(f"step2.aggravating_factors: expected each of {expected_flags}")
    for factor in table.factors:
        if not factor.bands:
            problems.append(f"step1 {factor.field}: no bands")
            continue
        problems += _gaps(f"step1 {factor.field}", factor.bands, factor.minimum, None)
        if any(band.value < 0 for band in factor.bands):
            problems.append(f"step1 {factor.field}: negative points")
    most_points = sum(factor.most_points for factor in table.factors if factor.bands)
    problems += _gaps("step1.categories", table.step1_categories, 0, most_points)
    if tuple(band.value for band in table.step1_categories) != CATEGORIES:
        problems.append(f"step1.categories: expected {list(CATEGORIES)}, in that order")
    problems += _gaps("step2.raise_levels", table.raise_levels, 0, len(flags))
    if any(band.value < 0 for band in table.raise_levels):
        problems.append("step2.raise_levels: a category is never lowered")
    if problems:
        raise Rm2000TableError(problems)
    return table


@cache
def rm2000_table() -> Rm2000Table:
    """The shipped table, read and checked once a process."""
    return parse_table(json.loads(TABLE_FILE.read_text(encoding="utf-8")))


def check_rm2000_inputs(inputs: Rm2000Inputs, table: Rm2000Table | None = None) -> None:
    """Raise Rm2000InputError naming the first input outside the scale's rules."""
    table = table or rm2000_table()
    for factor in table.factors:
        value = getattr(inputs, factor.field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Rm2000InputError(factor.field, f"{factor.label} must be a whole number.")
        if band_for(factor.bands, value) is None:
            raise Rm2000InputError(
                factor.field, f"{factor.label} must be {factor.minimum} or more."
            )
    for field in table.aggravating_factors:
        if not isinstance(getattr(inputs, field), bool):
            raise Rm2000InputError(field, "Must be true or false.")


def score_rm2000(inputs: Rm2000Inputs) -> Rm2000Result:
    """Score Risk Matrix 2000/S; Rm2000InputError names an input outside the rules."""
    table = rm2000_table()
    check_rm2000_inputs(inputs, table)
    points = 0
    for factor in table.factors:
        band = band_for(factor.bands, getattr(inputs, factor.field))
        assert band is not None  # noqa: S101 -- check_rm2000_inputs found one for each
        points += band.value
    step1 = band_for(table.step1_categories, points)
    present = sum(1 for field in table.aggravating_factors if getattr(inputs, field))
    raised = band_for(table.raise_levels, present)
    # The table covers every total and every count (parse_table checks), so both are found.
    assert step1 is not None and raised is not None  # noqa: S101
    level = min(CATEGORIES.index(step1.value) + raised.value, len(CATEGORIES) - 1)
    return Rm2000Result(
        step1_points=points,
        step1_category=step1.value,
        aggravating_factors=present,
        category=CATEGORIES[level],
    )


def score_rm2000_from_mapping(values: Mapping[str, Any]) -> Rm2000Result:
    """Score inputs kept as a mapping (a form's cleaned data, a stored JSON value).

    Rm2000InputError names an input that is missing or outside the rules; other keys are
    ignored.
    """
    missing = [f.name for f in fields(Rm2000Inputs) if f.name not in values]
    if missing:
        raise Rm2000InputError(missing[0], "This is needed to score the scale.")
    return score_rm2000(Rm2000Inputs(**{f.name: values[f.name] for f in fields(Rm2000Inputs)}))
