"""The waiting list's forecasts, and running and confirming the allocation optimiser."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from groupwork.allocation.forecast import Forecast, longest_pathway, programme_weeks
from groupwork.allocation.models import AllocationRun, KeepApart, RunStatus
from groupwork.allocation.optimiser import (
    AllocationResult,
    CandidateGroup,
    Man,
    Placement,
    allocate,
)
from groupwork.allocation.optimiser import KeepApart as KeepApartPair
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.groups import services as group_services
from groupwork.groups.models import Group, GroupKind, Membership, current_members
from groupwork.letters.services import issue_allocation_letter
from groupwork.organisation.models import Office, User
from groupwork.participants.models import Participant
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral, ReferralStatus, StatusChange
from groupwork.referrals.services import change_status

WAITING = "awaiting_allocation"
# Longest waiting first; a man whose day of joining the list is not known, by his referral.
WAITING_ORDER = ("waiting_order", "pk")
SOLVER_SECONDS = 10.0


def waiting_referrals(user: User, programme: Programme) -> QuerySet[Referral]:
    """Men waiting for a place, with the day they started waiting, longest waiting first."""
    joined_list = StatusChange.objects.filter(referral=OuterRef("pk"), to_status_id=WAITING)
    return (
        Referral.objects.visible_to(user)
        .filter(status_id=WAITING, programme=programme)
        .annotate(
            waiting_since=Subquery(joined_list.order_by("-changed_at").values("changed_at")[:1]),
            waiting_order=Coalesce(F("waiting_since"), F("created_at")),
        )
        .select_related("participant", "responsible_officer")
        .prefetch_related("participant__centres")
        .order_by(*WAITING_ORDER)
    )


def upcoming_induction_groups(area_id: int, programme: Programme) -> list[Group]:
    """Closed groups not yet started, with their current member counts."""
    return list(
        Group.objects.filter(
            area_id=area_id,
            programme=programme,
            kind=GroupKind.CLOSED,
            start_date__gte=timezone.localdate(),
        )
        .select_related("version", "centre")
        .with_current_members()
        .order_by("start_date", "pk")
    )


def post_induction_referrals(
    user: User, programme: Programme, *, with_centres: bool = False
) -> list[Referral]:
    """Men on the programme whose closed group has held its last session and whose pathway
    goes on to a rolling group: they wait for a rolling-group place. `with_centres` reads the
    centres each man can reach, which the allocation needs and the waiting list does not."""
    today = timezone.localdate()
    # Found from the area's own closed groups, in a query of their own: within one query,
    # PostgreSQL's generic plan of the prepared statement (it does not know the area or the
    # day) walked every man of the area on the programme instead (8.3 ms against 2.3 ms at
    # 10x data). Joining the places to the referrals, even only for their status, gave the
    # generic plan a scan of the nation's referrals (100-180 ms): the status waits for the
    # second query.
    finished_groups = Group.objects.filter(
        area_id=user.area_pk, kind=GroupKind.CLOSED, programme=programme
    ).finished(today)
    finished = list(
        Membership.objects.current()
        .filter(group__in=finished_groups)
        .values_list("referral_id", flat=True)
    )
    if not finished:
        return []
    referrals = (
        Referral.objects.visible_to(user)
        .filter(status_id="on_programme", programme=programme, pk__in=finished)
        .select_related("participant")
    )
    if with_centres:
        referrals = referrals.prefetch_related("participant__centres")
    definition = programme.current_version().parsed
    return [r for r in referrals if _needs_rolling(definition, r.pathway or None)]


def _needs_rolling(definition: ProgrammeDefinition, pathway_code: str | None) -> bool:
    pathway = definition.pathway(pathway_code) if pathway_code else longest_pathway(definition)
    return any(definition.module(part.module).mode == "rolling" for part in pathway.modules)


def rolling_groups(area_id: int, programme: Programme) -> list[Group]:
    return list(
        Group.objects.filter(area_id=area_id, programme=programme, kind=GroupKind.ROLLING)
        .select_related("version", "centre")
        .with_current_members()
        .order_by("start_date", "pk")
    )


def allowed_centres(referral: Referral) -> set[int]:
    chosen = {centre.pk for centre in referral.participant.centres.all()}
    return chosen


def fits(referral: Referral, group: Group, centres: set[int]) -> bool:
    """Whether the man could join the group: a centre he can reach and a slot he can do."""
    man = referral.participant
    if centres and group.centre_id not in centres:
        return False
    slot = group.pattern_definition.slot
    return man.available_evening if slot == "evening" else man.available_daytime


def forecasts(referrals: Iterable[Referral], groups: list[Group]) -> dict[Any, Forecast]:
    """For each referral, when he would finish if he took the next suitable group."""
    result = {}
    for referral in referrals:
        centres = allowed_centres(referral)
        group = next(
            (
                g
                for g in groups
                if current_members(g) < g.definition.group_size_maximum
                and fits(referral, g, centres)
            ),
            None,
        )
        result[referral.pk] = _forecast(referral, group)
    return result


def _forecast(referral: Referral, group: Group | None) -> Forecast:
    if group is None:
        return Forecast(None, None, None, referral.sentence_end)
    weeks = programme_weeks(group.definition, referral.pathway or None, group.pattern)
    return Forecast(
        group.name,
        group.start_date,
        group.start_date + datetime.timedelta(weeks=weeks),
        referral.sentence_end,
    )


def caseload_forecasts(referrals: Iterable[Referral], area_id: int | None) -> dict[Any, Forecast]:
    """Forecasts for a caseload: a placed man from his own group, a waiting man from the
    next suitable group. A fixed number of queries whatever the caseload's size."""
    referrals = [r for r in referrals if r.status_id in {WAITING, "allocated", "on_programme"}]
    if not referrals or area_id is None:
        return {}
    placed = {
        m.referral_id: m.group
        for m in Membership.objects.current()
        .filter(referral__in=referrals)
        .select_related("group__version")
    }
    waiting = [r for r in referrals if r.pk not in placed]
    by_programme: dict[int, list[Group]] = {}
    result: dict[Any, Forecast] = {}
    for referral in waiting:
        if referral.programme_id not in by_programme:
            by_programme[referral.programme_id] = upcoming_induction_groups(
                area_id, referral.programme
            )
        result.update(forecasts([referral], by_programme[referral.programme_id]))
    for referral in referrals:
        if referral.pk in placed:
            result[referral.pk] = _forecast(referral, placed[referral.pk])
    return result


def _man(
    referral: Referral, groups: list[Group], today: datetime.date, *, after_induction: bool = False
) -> Man:
    participant = referral.participant
    centres = allowed_centres(referral)
    reachable = {g.centre for g in groups if not centres or g.centre_id in centres}
    definition = referral.programme.current_version().parsed
    waited: datetime.datetime | None = getattr(referral, "waiting_since", None)
    return Man(
        id=str(referral.pk),
        waiting_since=timezone.localtime(waited).date() if waited else today,
        sentence_end=referral.sentence_end,
        centres=frozenset(_centre_key(centre) for centre in reachable),
        daytime=participant.available_daytime,
        evening=participant.available_evening,
        weeks_needed=programme_weeks(
            definition, referral.pathway or None, "half-days", skip_closed=after_induction
        ),
    )


def _centre_key(centre: Office) -> str:
    """Centres by name, unique within an area, so the optimiser's reasons read plainly."""
    return centre.name


def _candidate(group: Group, starts: datetime.date | None = None) -> CandidateGroup:
    definition = group.definition
    return CandidateGroup(
        id=str(group.pk),
        centre=_centre_key(group.centre),
        starts=starts or group.start_date,
        rolling=group.kind == GroupKind.ROLLING,
        slot=group.pattern_definition.slot,
        capacity=definition.group_size_maximum,
        minimum=0 if group.kind == GroupKind.ROLLING else definition.group_size_minimum,
        already_placed=current_members(group),
        has_daytime_block=group.module_definition.block_week is not None,
        name=group.name,
    )


def record_keep_apart(
    *, acting_user: User, first: Participant, second: Participant, reason: str
) -> KeepApart:
    """Two men who must never share a group, from now on."""
    if first.pk == second.pk or first.area_id != second.area_id:
        raise ValidationError("Choose another man in the same area.")
    with transaction.atomic():
        pair, _ = KeepApart.objects.get_or_create(
            first=first, second=second, defaults={"reason": reason, "recorded_by": acting_user}
        )
        record_event(
            acting_user=acting_user,
            action=Action.KEEP_APART_RECORDED,
            subject=pair,
            participant=first,
            new_values={"with": second.case_reference, "reason": reason},
        )
    return pair


def _placements_of(
    men: list[Man], candidates: list[CandidateGroup], pairs: list[KeepApartPair]
) -> AllocationResult:
    return allocate(men, candidates, pairs, time_limit_s=SOLVER_SECONDS / 2)


def _keep_apart_pairs(referrals: list[Referral]) -> list[KeepApartPair]:
    by_participant = {r.participant_id: str(r.pk) for r in referrals}
    return [
        KeepApartPair(a=by_participant[k.first_id], b=by_participant[k.second_id], why=k.reason)
        for k in KeepApart.objects.filter(
            first_id__in=list(by_participant), second_id__in=list(by_participant)
        )
    ]


def _next_join_date(group: Group, today: datetime.date) -> datetime.date:
    module = group.module_definition
    meetings = module.meetings[group.pattern]
    for number, date in (
        group.sessions.filter(date__gte=today).order_by("number").values_list("number", "date")
    ):
        if (number - 1) % meetings + 1 in module.join_points:
            return date
    return today


def propose_allocation(*, acting_user: User, programme: Programme) -> AllocationRun:
    """Run the optimiser over the area's waiting list (Induction groups) and over the men
    ready for a rolling group (rolling places). Stores the proposal only."""
    today = timezone.localdate()
    area_id = acting_user.area_pk
    waiting = list(waiting_referrals(acting_user, programme))
    inductions = upcoming_induction_groups(area_id, programme)
    first = _placements_of(
        [_man(r, inductions, today) for r in waiting],
        [_candidate(g) for g in inductions],
        _keep_apart_pairs(waiting),
    )
    rolling = rolling_groups(area_id, programme)
    # Without a rolling group there is nothing to offer the men who finished a closed group.
    ready = post_induction_referrals(acting_user, programme, with_centres=True) if rolling else []
    second = _placements_of(
        [_man(r, rolling, today, after_induction=True) for r in ready],
        [_candidate(g, _next_join_date(g, today)) for g in rolling],
        _keep_apart_pairs(ready),
    )
    names = {str(r.pk): r.participant.full_name for r in [*waiting, *ready]}
    group_names = {str(g.pk): g.name for g in [*inductions, *rolling]}
    proposal: dict[str, Any] = {
        "status": first.status,
        "solve_seconds": round(first.solve_seconds + second.solve_seconds, 2),
        "gap": first.gap,
        "placements": [
            _placement_entry(p, names, group_names) for p in [*first.placements, *second.placements]
        ],
        "unplaced": [
            {"referral": u.man_id, "name": names[u.man_id], "reason": u.reason}
            for u in [*first.unplaced, *second.unplaced]
        ],
    }
    with transaction.atomic():
        run = AllocationRun.objects.create(
            area_id=area_id, programme=programme, proposal=proposal, created_by=acting_user
        )
        record_event(
            acting_user=acting_user,
            action=Action.ALLOCATION_PROPOSED,
            subject=run,
            new_values={
                "placed": len(proposal["placements"]),
                "unplaced": len(proposal["unplaced"]),
            },
        )
    return run


def proposal_shown_to(user: User, proposal: dict[str, Any]) -> dict[str, Any]:
    """The proposal without the men the user may not see (a restricted case not naming them):
    a run is shared by the area's programme managers, but its names are not."""
    listed = [entry["referral"] for entry in [*proposal["placements"], *proposal["unplaced"]]]
    visible = {
        str(pk)
        for pk in Referral.objects.visible_to(user)
        .filter(pk__in=listed)
        .values_list("pk", flat=True)
    }
    return {
        **proposal,
        "placements": [p for p in proposal["placements"] if p["referral"] in visible],
        "unplaced": [u for u in proposal["unplaced"] if u["referral"] in visible],
    }


def _placement_entry(
    placement: Placement, names: dict[str, str], group_names: dict[str, str]
) -> dict[str, Any]:
    return {
        "referral": placement.man_id,
        "name": names[placement.man_id],
        "group": placement.group_id,
        "group_name": group_names[placement.group_id],
        "reason": placement.reason,
        "note": placement.note,
        "finishes": placement.finishes.isoformat(),
        "in_time": placement.finishes_before_sentence_end,
    }


def confirm_allocation(
    *, acting_user: User, run: AllocationRun, choices: dict[str, str | None]
) -> list[Membership]:
    """Make the placements the programme manager kept or changed (`choices`: referral id to
    group id, or None to leave him waiting): places, status "allocated" and letters."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PROPOSED:
            raise ValidationError("This proposal has already been confirmed.")
        allocated = ReferralStatus.objects.get(pk="allocated")
        places = []
        for referral_id, group_id in choices.items():
            if group_id is None:
                continue
            referral = Referral.objects.visible_to(acting_user).get(pk=referral_id)
            group = Group.objects.visible_to(acting_user).get(pk=group_id)
            if group.kind == GroupKind.ROLLING:
                membership = group_services.move_to_rolling_group(
                    acting_user=acting_user, group=group, referral=referral
                )
            else:
                membership = group_services.add_member(
                    acting_user=acting_user, group=group, referral=referral
                )
                change_status(
                    acting_user=acting_user, referral=referral, to_status=allocated, reason=None
                )
            issue_allocation_letter(acting_user=acting_user, membership=membership)
            places.append(membership)
        run.status = RunStatus.CONFIRMED
        run.confirmed_by = acting_user
        run.confirmed_at = timezone.now()
        run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record_event(
            acting_user=acting_user,
            action=Action.ALLOCATION_CONFIRMED,
            subject=run,
            new_values={"placed": len(places)},
        )
    return places
