"""Timetables for an area: the pure rules of `timetable.py` with the area's closure days."""

from __future__ import annotations

import datetime

from groupwork.groups.timetable import Blocked, Timetable, closed_days, plan_module
from groupwork.organisation.models import Area, ClosureDay
from groupwork.programmes.definition import ProgrammeDefinition


class PlanningError(ValueError):
    """A module or pattern the definition does not have; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def area_closures(area: Area) -> frozenset[datetime.date]:
    """The days the area is closed, for counting working days."""
    return frozenset(ClosureDay.objects.filter(area=area).values_list("date", flat=True))


def area_blocked_days(area: Area) -> Blocked:
    closures = dict(
        ClosureDay.objects.filter(area=area).values_list("date", "reason").order_by("date")
    )
    return closed_days(closures)


def preview_timetable(
    *,
    definition: ProgrammeDefinition,
    module_code: str,
    pattern_code: str,
    start: datetime.date,
    area: Area,
    weekday: int | None = None,
) -> Timetable:
    try:
        module = definition.module(module_code)
    except KeyError:
        raise PlanningError("module", f"{definition.name} has no module {module_code!r}") from None
    if pattern_code not in module.meetings:
        offered = ", ".join(module.meetings)
        raise PlanningError("pattern", f"{module.title} runs as {offered}, not {pattern_code!r}")
    return plan_module(
        module=module,
        pattern=definition.patterns[pattern_code],
        start=start,
        blocked=area_blocked_days(area),
        weekday=weekday,
    )
