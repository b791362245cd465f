"""The capacity forecast's inputs, gathered from one area's records in a fixed number of queries.

Counts are over the whole area, restricted cases included (they are men who need places too),
so the queries are limited by area rather than by `visible_to`; nothing here names a man.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from groupwork.groups.models import Group, GroupKind, Membership, current_members
from groupwork.organisation.models import Office
from groupwork.participants.models import Participant
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral
from groupwork.reports.capacity import (
    FORECAST_MONTHS,
    MONTHS_PER_QUARTER,
    QUARTERS,
    CentreHistory,
    ForecastInputs,
)

HISTORY_MONTHS = 12
STARTED = {"on_programme", "completed"}
WITHDRAWN = "withdrawn"
ENDED_EARLY = "ended_early"


@dataclass(frozen=True)
class Quarter:
    start: datetime.date
    end: datetime.date  # the first day after it

    @property
    def last_month(self) -> datetime.date:
        return add_months(self.end, -1)

    @property
    def label(self) -> str:
        return f"{self.start:%b} to {self.last_month:%b %Y}"


@dataclass(frozen=True)
class CapacityData:
    inputs: ForecastInputs
    history_start: datetime.date
    history_end: datetime.date  # the first day after the window
    quarters: tuple[Quarter, ...]
    referral_count: int
    # What the gathering assumed, in words, with the figures it found.
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _ReferralRow:
    participant_id: uuid.UUID
    month: int  # 0 is the oldest month of the window
    pathway: str
    status: str
    joined_a_group: bool


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def forecast_quarters(today: datetime.date) -> tuple[Quarter, ...]:
    """The next 12 whole months, from the first of next month, in quarters of three."""
    first = add_months(today, 1)
    return tuple(
        Quarter(
            start=add_months(first, q * MONTHS_PER_QUARTER),
            end=add_months(first, (q + 1) * MONTHS_PER_QUARTER),
        )
        for q in range(QUARTERS)
    )


def gather_inputs(*, area_id: int, programme: Programme, today: datetime.date) -> CapacityData:
    """Everything the forecast needs for one programme in one area, in five queries."""
    definition = programme.current_version().parsed
    history_end = add_months(today, 0)  # the current month is incomplete: left out
    history_start = add_months(history_end, -HISTORY_MONTHS)
    quarters = forecast_quarters(today)
    centres = list(
        Office.objects.filter(area_id=area_id, is_group_centre=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    referrals = _referrals(area_id, programme, history_start, history_end)
    chosen = _chosen_centres(area_id, programme, history_start, history_end)
    monthly, chose = _monthly_by_centre(referrals, chosen, [pk for pk, _ in centres])
    planned, planned_groups = _planned_places(area_id, programme, quarters)
    mix = Counter(row.pathway for row in referrals if row.pathway in _codes(definition))
    attrition, known = _attrition(referrals)
    inputs = ForecastInputs(
        centres=tuple(
            CentreHistory(
                name=name,
                monthly_referrals=tuple(monthly[pk]),
                planned_places=tuple(planned[pk]),
            )
            for pk, name in centres
        ),
        pathway_mix=dict(mix),
        pathways_needing_induction=pathways_needing_induction(definition),
        attrition_before_start=attrition,
        group_size_minimum=definition.group_size_minimum,
        group_size_maximum=definition.group_size_maximum,
    )
    notes = (
        _window_note(programme, len(referrals), history_start, history_end),
        _centre_note(len(centres), chose, len(referrals)),
        _pathway_note(definition, mix),
        _attrition_note(attrition, known),
        _planned_note(planned_groups, planned, quarters),
    )
    return CapacityData(
        inputs=inputs,
        history_start=history_start,
        history_end=history_end,
        quarters=quarters,
        referral_count=len(referrals),
        notes=notes,
    )


def pathways_needing_induction(definition: ProgrammeDefinition) -> frozenset[str]:
    """Pathways that include a closed module: the Induction, which a cohort starts together."""
    return frozenset(
        pathway.code
        for pathway in definition.pathways
        if any(definition.module(part.module).mode == "closed" for part in pathway.modules)
    )


def _codes(definition: ProgrammeDefinition) -> set[str]:
    return {pathway.code for pathway in definition.pathways}


def _window(
    area_id: int, programme: Programme, start: datetime.date, end: datetime.date
) -> QuerySet[Referral]:
    """The area's referrals to the programme made in the window (restricted cases included)."""
    return Referral.objects.filter(
        area_id=area_id,
        programme=programme,
        created_at__gte=_midnight(start),
        created_at__lt=_midnight(end),
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _referrals(
    area_id: int, programme: Programme, start: datetime.date, end: datetime.date
) -> list[_ReferralRow]:
    joined = Membership.objects.filter(referral_id=OuterRef("pk"))
    rows = (
        _window(area_id, programme, start, end)
        .annotate(joined_a_group=Exists(joined))
        .values_list("participant_id", "created_at", "pathway", "status_id", "joined_a_group")
    )
    return [
        _ReferralRow(
            participant_id=participant_id,
            month=_months_between(start, timezone.localtime(created_at).date()),
            pathway=pathway,
            status=status,
            joined_a_group=joined_a_group,
        )
        for participant_id, created_at, pathway, status, joined_a_group in rows
    ]


def _months_between(start: datetime.date, day: datetime.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def _chosen_centres(
    area_id: int, programme: Programme, start: datetime.date, end: datetime.date
) -> dict[uuid.UUID, set[int]]:
    """The area's group centres each man in the window chose; centres elsewhere are ignored."""
    men = _window(area_id, programme, start, end).values("participant_id")
    links = Participant.centres.through.objects.filter(
        participant_id__in=men, office__area_id=area_id, office__is_group_centre=True
    ).values_list("participant_id", "office_id")
    chosen: dict[uuid.UUID, set[int]] = defaultdict(set)
    for participant_id, office_id in links:
        chosen[participant_id].add(office_id)
    return chosen


def _monthly_by_centre(
    referrals: Iterable[_ReferralRow], chosen: dict[uuid.UUID, set[int]], centre_ids: Sequence[int]
) -> tuple[dict[int, list[float]], int]:
    """Referrals per centre per month, each shared equally between the centres the man chose,
    or between all the area's group centres when he chose none. Also: how many referrals
    came from men who chose."""
    monthly = {pk: [0.0] * HISTORY_MONTHS for pk in centre_ids}
    chose = 0
    for row in referrals:
        his = sorted(chosen.get(row.participant_id, set()) & set(centre_ids))
        chose += bool(his)
        shared = his or list(centre_ids)
        for pk in shared:
            monthly[pk][row.month] += 1 / len(shared)
    return monthly, chose


def _planned_places(
    area_id: int, programme: Programme, quarters: Sequence[Quarter]
) -> tuple[dict[int, list[int]], int]:
    """Free places per centre per quarter in Induction groups planned to start then: each
    group's maximum (from the definition version it keeps) less the men in it now."""
    groups = (
        Group.objects.filter(
            area_id=area_id,
            programme=programme,
            kind=GroupKind.CLOSED,
            centre__is_group_centre=True,
            start_date__gte=quarters[0].start,
            start_date__lt=quarters[-1].end,
        )
        .select_related("version")
        .with_current_members()
    )
    planned: dict[int, list[int]] = defaultdict(lambda: [0] * QUARTERS)
    count = 0
    for group in groups:
        quarter = _months_between(quarters[0].start, group.start_date) // MONTHS_PER_QUARTER
        members = current_members(group)
        planned[group.centre_id][quarter] += max(0, group.definition.group_size_maximum - members)
        count += 1
    return planned, count


def _attrition(referrals: Iterable[_ReferralRow]) -> tuple[float, tuple[int, int]]:
    """The share of referrals with a known outcome that closed before the man started:
    withdrawn, or ended early without ever joining a group. Referrals still open before a
    start are left out, since their outcome is not known yet."""
    closed_before = started = 0
    for row in referrals:
        if row.status == WITHDRAWN or (row.status == ENDED_EARLY and not row.joined_a_group):
            closed_before += 1
        elif row.status in STARTED or row.status == ENDED_EARLY:
            started += 1
    known = closed_before + started
    return (closed_before / known if known else 0.0), (closed_before, known)


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _window_note(programme: Programme, count: int, start: datetime.date, end: datetime.date) -> str:
    last = end - datetime.timedelta(days=1)
    return (
        f"{count} referrals to the {programme.name} were made in the area from {_day(start)} to "
        f"{_day(last)}, the last 12 whole months; restricted cases are counted. This month is "
        f"left out because it is not over, and the forecast covers the {FORECAST_MONTHS} months "
        "after it."
    )


def _centre_note(centres: int, chose: int, count: int) -> str:
    if centres == 0:
        return "The area has no group centres, so there is nothing to forecast."
    return (
        f"{chose} of the {count} referrals are of men who chose the group centres they can "
        "reach: each of these counts at his centres, shared equally between them. The other "
        f"{count - chose}, of men who chose none, are shared equally between the area's "
        f"{centres} group centres."
    )


def _pathway_note(definition: ProgrammeDefinition, mix: Counter[str]) -> str:
    needing = pathways_needing_induction(definition)
    every = needing == _codes(definition)
    total = sum(mix.values())
    start = (
        "Every pathway of the programme begins with the Induction, so the pathway mix does "
        "not change the places needed. "
        if every
        else ""
    )
    if not total:
        return f"{start}No referral in the window has a pathway decided yet."
    shares = ", ".join(
        f"{pathway.label} {mix[pathway.code] * 100 // total}%" for pathway in definition.pathways
    )
    return (
        f"{start}Pathway mix of the {total} referrals with a pathway decided: {shares}. Men not "
        "yet assessed are taken to follow the same mix."
    )


def _attrition_note(attrition: float, known: tuple[int, int]) -> str:
    closed_before, outcomes = known
    if not outcomes:
        return (
            "No referral in the window has yet started or closed, so no attrition before the "
            "start is assumed."
        )
    return (
        f"Attrition before the start: {closed_before} of the {outcomes} referrals whose outcome "
        f"is known ({attrition:.0%}) closed before the man started (withdrawn, or ended before "
        "he joined a group). Referrals still waiting are left out of this share."
    )


def _planned_note(groups: int, planned: dict[int, list[int]], quarters: Sequence[Quarter]) -> str:
    places = sum(sum(row) for row in planned.values())
    return (
        f"{groups} Induction groups are already planned to start from {_day(quarters[0].start)} "
        f"to {_day(quarters[-1].end - datetime.timedelta(days=1))}, with {places} free places "
        "between them (each group's maximum less the men already in it)."
    )
