"""The tables every report is made of: the page shows them, the downloads write them.

A cell holds a typed value, so that one table gives the page and the CSV the same words and
the spreadsheet real numbers: an `int` is a count, a `Rate` a share, `Weeks` a length of time,
a `str` a label (or "fewer than 5" where a small count is suppressed) and `None` a figure that
cannot be worked out (a rate of nothing, the median of no starts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

NOT_AVAILABLE = "—"


@dataclass(frozen=True)
class Rate:
    """A share: numerator out of denominator. No denominator means there is no rate."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Weeks:
    """A length of time in weeks (a median, so it may be a half)."""

    weeks: float


Value = int | Rate | Weeks | str | None


@dataclass(frozen=True)
class Chart:
    """Which column of the table the chart draws: one bar per row, labelled by the row's
    labels (the table's first `label_columns` cells)."""

    value_column: int


@dataclass(frozen=True)
class Table:
    key: str  # stable: the id on the page and the spreadsheet's sheet name come from it
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    sheet_name: str  # at most 31 characters, unique in the workbook
    chart: Chart | None = None
    notes: tuple[str, ...] = field(default=())
    # The leading columns that name the row; the others hold figures (or the words that
    # stand for a figure withheld), aligned right.
    label_columns: int = 1

    def __post_init__(self) -> None:
        if len(self.sheet_name) > 31:  # noqa: PLR2004  (Excel's limit on a sheet's name)
            raise ValueError(f"sheet name too long: {self.sheet_name}")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.key}: a row of {len(row)} cells for {self.columns}")

    def displayed_rows(self) -> list[list[str]]:
        return [[display(value) for value in row] for row in self.rows]


def display(value: Value) -> str:
    """The words the page and the CSV show for a cell."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, bool):  # a bool is an int to Python; no table holds one
        raise TypeError("a table cell cannot be a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Rate):
        share = value.value
        return NOT_AVAILABLE if share is None else f"{share * 100:.1f}%"
    if isinstance(value, Weeks):
        return f"{value.weeks:.1f}"
    return value


def numeric_columns(table: Table) -> frozenset[int]:
    return frozenset(range(table.label_columns, len(table.columns)))


def chart_bars(table: Table) -> Sequence[tuple[str, float, str]]:
    """(label, value, words) for each bar of the table's chart. A suppressed or missing
    figure is drawn as no bar, with its words beside it."""
    if table.chart is None:
        return []
    bars = []
    for row in table.rows:
        label = ": ".join(display(cell) for cell in row[: table.label_columns])
        cell = row[table.chart.value_column]
        if isinstance(cell, int):
            amount = float(cell)
        elif isinstance(cell, Rate):
            amount = cell.value or 0.0
        elif isinstance(cell, Weeks):
            amount = cell.weeks
        else:
            amount = 0.0
        bars.append((label, amount, display(cell)))
    return bars
