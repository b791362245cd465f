"""Equality of outcomes: starts, waiting times, completions and breaches by ethnic group, age
band, disability and religion, from what each man chose to declare. Pure: it works on the
rows `measures.gather` returns.

Small numbers could point to a man, so:

- a count from 1 to 4 is shown as "fewer than 5" (0 is shown: it points to nobody);
- when a column would hide only one cell, its smallest other count of 5 or more is withheld
  too ("not shown"), so that the hidden cell cannot be worked out by subtracting the others
  from the totals in the key figures;
- a completion rate is shown only when the completions behind it are shown and both the men
  who finished and those of them who did not complete are 0 or at least 5; a median waiting
  time only when at least 5 men started. Otherwise "not shown".

Age band: his age on the last day of the period, from his date of birth.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from groupwork.participants.equality import ETHNIC_GROUPS, RELIGIONS
from groupwork.participants.models import Participant
from groupwork.reports.measures import (
    COMPLETED,
    ENDED_EARLY,
    Person,
    ReportData,
    Start,
    breached,
    median_weeks,
)
from groupwork.reports.tables import Rate, Table, Value

SMALLEST_SHOWN = 5
SUPPRESSED = "fewer than 5"
WITHHELD = "not shown"
NOT_STATED = "Not stated"

AGE_BANDS: tuple[tuple[str, int], ...] = (
    ("18 to 24", 25),
    ("25 to 34", 35),
    ("35 to 44", 45),
    ("45 to 54", 55),
)
OLDEST_BAND = "55 and over"
UNDER_18 = "Under 18"

COLUMNS = (
    "Group",
    "Starts",
    "Median weeks from sentence to start",
    "Completions",
    "Completion rate",
    "Men referred for breach or recalled",
)
NOTES = (
    f'A count from 1 to 4 is shown as "{SUPPRESSED}". "{WITHHELD.capitalize()}" marks a '
    "figure withheld so that a small count cannot be worked out from the others.",
    f'"{NOT_STATED}" counts the men who were not asked or gave no answer.',
)


def age_on(born: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - before_birthday


def age_band(born: datetime.date, day: datetime.date) -> str:
    age = age_on(born, day)
    if age < 18:  # noqa: PLR2004  (the programmes are for men of 18 or over)
        return UNDER_18
    return next((label for label, below in AGE_BANDS if age < below), OLDEST_BAND)


def stated(answer: str) -> str:
    return answer.strip() or NOT_STATED


DISABILITY_LABELS = dict(Participant._meta.get_field("disability").choices or [])


@dataclass(frozen=True)
class Characteristic:
    key: str
    title: str
    sheet_name: str
    # The groups always listed, in order; answers outside them follow, then "Not stated".
    groups: tuple[str, ...]
    group_of: Callable[[Person, datetime.date], str]


CHARACTERISTICS = (
    Characteristic(
        key="ethnicity",
        title="ethnic group",
        sheet_name="Equality ethnic group",
        groups=ETHNIC_GROUPS,
        group_of=lambda person, _day: stated(person.ethnicity),
    ),
    Characteristic(
        key="age",
        title="age band",
        sheet_name="Equality age band",
        groups=(*(label for label, _ in AGE_BANDS), OLDEST_BAND),
        group_of=lambda person, day: age_band(person.date_of_birth, day),
    ),
    Characteristic(
        key="disability",
        title="disability",
        sheet_name="Equality disability",
        groups=tuple(str(label) for label in DISABILITY_LABELS.values()),
        group_of=lambda person, _day: (
            str(DISABILITY_LABELS.get(person.disability, person.disability))
            if person.disability
            else NOT_STATED
        ),
    ),
    Characteristic(
        key="religion",
        title="religion or belief",
        sheet_name="Equality religion",
        groups=RELIGIONS,
        group_of=lambda person, _day: stated(person.religion),
    ),
)


def suppress_column(counts: Sequence[int]) -> list[Value]:
    """Counts with the small ones hidden, and one more when a single hidden cell could be
    worked out by subtraction."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < SMALLEST_SHOWN}
    withheld: set[int] = set()
    if len(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n >= SMALLEST_SHOWN]
        if others:
            withheld.add(min(others)[1])
    return [
        SUPPRESSED if i in hidden else WITHHELD if i in withheld else n
        for i, n in enumerate(counts)
    ]


def safe_rate(completed: Value, finished: int) -> Value:
    """The completion rate, unless it would give away a small number."""
    if finished == 0:
        return None
    if not isinstance(completed, int):
        return WITHHELD
    not_completed = finished - completed
    if finished < SMALLEST_SHOWN or 0 < not_completed < SMALLEST_SHOWN:
        return WITHHELD
    return Rate(completed, finished)


def safe_median(starts: Sequence[Start]) -> Value:
    if not starts:
        return None
    if len(starts) < SMALLEST_SHOWN:
        return WITHHELD
    return median_weeks(starts)


@dataclass
class GroupFigures:
    starts: list[Start]
    completions: int = 0
    finished: int = 0
    breaches: int = 0


def equality_tables(data: ReportData) -> list[Table]:
    return [equality_table(data, characteristic) for characteristic in CHARACTERISTICS]


def equality_table(data: ReportData, characteristic: Characteristic) -> Table:
    day = data.filters.end
    figures: dict[str, GroupFigures] = {}

    def figures_for(person: Person) -> GroupFigures:
        return figures.setdefault(characteristic.group_of(person, day), GroupFigures(starts=[]))

    for start in data.starts:
        figures_for(start.person).starts.append(start)
    for closure in data.closures:
        if closure.status in (COMPLETED, ENDED_EARLY):
            group = figures_for(closure.person)
            group.finished += 1
            group.completions += closure.status == COMPLETED
    for person in breached(data.enforcement, data.filters).values():
        figures_for(person).breaches += 1

    groups = ordered_groups(characteristic, figures)
    rows = [figures.get(group, GroupFigures(starts=[])) for group in groups]
    starts = suppress_column([len(row.starts) for row in rows])
    completions = suppress_column([row.completions for row in rows])
    breaches = suppress_column([row.breaches for row in rows])
    return Table(
        key=f"equality-{characteristic.key}",
        title=f"Equality: outcomes by {characteristic.title}",
        columns=(characteristic.title.capitalize(), *COLUMNS[1:]),
        rows=tuple(
            (
                group,
                starts[i],
                safe_median(row.starts),
                completions[i],
                safe_rate(completions[i], row.finished),
                breaches[i],
            )
            for i, (group, row) in enumerate(zip(groups, rows, strict=True))
        ),
        sheet_name=characteristic.sheet_name,
        notes=NOTES,
    )


def ordered_groups(characteristic: Characteristic, figures: Iterable[str]) -> list[str]:
    """The usual groups in order, then any other answers given, then "Not stated"."""
    seen = set(figures)
    extra = sorted(seen - set(characteristic.groups) - {NOT_STATED, UNDER_18})
    leading = [UNDER_18] if UNDER_18 in seen else []
    trailing = [] if characteristic.key == "age" else [NOT_STATED]
    return [*leading, *characteristic.groups, *extra, *trailing]
