"""The daily run: raise the tasks that have fallen due.

A task is raised once per kind and record (`raise_task` is idempotent by kind and key), and
records that already have their task are left out before raising, so running the job twice
on the same day raises nothing, and writes nothing to the audit log, the second time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Min

from groupwork.attendance.models import MEDICAL_REASONS, Absence, CatchUp, CatchUpStatus
from groupwork.attendance.services import absence_key, catch_up_key
from groupwork.casework.complaints import raise_complaints_due
from groupwork.casework.one_to_ones import plan_due_one_to_ones
from groupwork.core.working_days import add_working_days
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group, Membership, Session, SessionStatus
from groupwork.groups.planning import area_closures
from groupwork.organisation.models import Area, User
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import raise_task

# Enforcement items whose deadline is this many working days away, or less, get a task.
ENFORCEMENT_WARNING_WORKING_DAYS = 2
ONE_DAY = datetime.timedelta(days=1)


def raise_due_tasks(*, today: datetime.date) -> dict[str, int]:
    """How many tasks of each kind were raised today."""
    return {
        TaskKind.SICK_NOTE_OVERDUE.value: raise_sick_notes_overdue(today=today),
        TaskKind.ENFORCEMENT_DUE.value: raise_enforcement_due(today=today),
        TaskKind.CATCH_UP_NOT_BOOKED.value: raise_catch_ups_not_booked(today=today),
        TaskKind.COMPLAINT_DUE.value: raise_complaints_due(today=today),
        TaskKind.ONE_TO_ONE_DUE.value: plan_due_one_to_ones(today=today),
    }


def _already_raised(kind: TaskKind, keys: Iterable[str]) -> set[str]:
    return set(Task.objects.filter(kind=kind, key__in=list(keys)).values_list("key", flat=True))


def raise_sick_notes_overdue(*, today: datetime.date) -> int:
    """A medical absence whose doctor's note was due before today and has not come: his
    officer decides the absence."""
    absences = list(
        Absence.objects.pending()
        .filter(
            reason__in=MEDICAL_REASONS,
            evidence_due__lt=today,
            evidence_received_on__isnull=True,
        )
        .select_related("session__group", "referral__participant", "referral__responsible_officer")
    )
    done = _already_raised(TaskKind.SICK_NOTE_OVERDUE, map(absence_key, absences))
    raised = 0
    for absence in absences:
        if absence_key(absence) in done or absence.evidence_due is None:
            continue
        session = absence.session
        raised += (
            raise_task(
                acting_user=None,
                kind=TaskKind.SICK_NOTE_OVERDUE,
                key=absence_key(absence),
                referral=absence.referral,
                assigned_to=absence.referral.responsible_officer,
                due_on=today,
                summary=f"{absence.referral.participant.full_name}'s doctor's note for "
                f"{session.group.name} session {session.number} on {session.date:%-d %B %Y} was "
                f"due on {absence.evidence_due:%-d %B %Y} and has not come. Decide whether the "
                "absence is acceptable.",
            )
            is not None
        )
    return raised


def raise_enforcement_due(*, today: datetime.date) -> int:
    """Open enforcement items that must be acted on within two working days (or are late)."""
    raised = 0
    for area in Area.objects.order_by("pk"):  # each area counts with its own closure days
        act_by = add_working_days(today, ENFORCEMENT_WARNING_WORKING_DAYS, area_closures(area))
        items = list(
            EnforcementItem.objects.open()
            .filter(referral__area=area, must_act_by__lte=act_by)
            .select_related("referral__participant", "referral__responsible_officer")
        )
        done = _already_raised(TaskKind.ENFORCEMENT_DUE, map(enforcement_key, items))
        for item in items:
            if enforcement_key(item) in done:
                continue
            raised += (
                raise_task(
                    acting_user=None,
                    kind=TaskKind.ENFORCEMENT_DUE,
                    key=enforcement_key(item),
                    referral=item.referral,
                    assigned_to=item.referral.responsible_officer,
                    due_on=item.must_act_by,
                    summary=f"Act on {item.referral.participant.full_name}'s failure of "
                    f"{item.failure_date:%-d %B %Y} by {item.must_act_by:%-d %B %Y}: "
                    f"{item.get_advice_display().lower()}.",
                )
                is not None
            )
    return raised


def enforcement_key(item: EnforcementItem) -> str:
    return f"enforcement-{item.pk}"


def raise_catch_ups_not_booked(*, today: datetime.date) -> int:
    """A catch-up nobody has booked while the man has a next session in his group: the
    group's first facilitator (or his officer, when it has none) books it before then."""
    needed = list(
        CatchUp.objects.filter(status=CatchUpStatus.NEEDED).select_related(
            "missed_session__group", "referral__participant", "referral__responsible_officer"
        )
    )
    done = _already_raised(TaskKind.CATCH_UP_NOT_BOOKED, map(catch_up_key, needed))
    catch_ups = [catch_up for catch_up in needed if catch_up_key(catch_up) not in done]
    if not catch_ups:
        return 0
    places = {
        place.referral_id: place
        for place in Membership.objects.current()
        .filter(referral_id__in={c.referral_id for c in catch_ups})
        .select_related("group")
    }
    groups = {place.group_id for place in places.values()}
    next_sessions: dict[int, datetime.date] = dict(
        Session.objects.filter(group_id__in=groups, status=SessionStatus.SCHEDULED, date__gt=today)
        .values("group_id")
        .annotate(first=Min("date"))
        .values_list("group_id", "first")
    )
    facilitators = _first_facilitators(groups)
    raised = 0
    for catch_up in catch_ups:
        place = places.get(catch_up.referral_id)
        next_date = next_sessions.get(place.group_id) if place else None
        if place is None or next_date is None:
            continue
        missed = catch_up.missed_session
        raised += (
            raise_task(
                acting_user=None,
                kind=TaskKind.CATCH_UP_NOT_BOOKED,
                key=catch_up_key(catch_up),
                referral=catch_up.referral,
                assigned_to=facilitators.get(place.group_id)
                or catch_up.referral.responsible_officer,
                due_on=next_date - ONE_DAY,
                summary=f"Book {catch_up.referral.participant.full_name}'s catch-up of "
                f"{missed.group.name} session {missed.number} ({missed.date:%-d %B %Y}) before "
                f"his next session in {place.group.name} on {next_date:%-d %B %Y}.",
            )
            is not None
        )
    return raised


def _first_facilitators(group_ids: Iterable[int]) -> dict[int, User]:
    """Each group's first facilitator, by the order they were given the group."""
    first: dict[int, User] = {}
    for seat in (
        Group.facilitators.through.objects.filter(group_id__in=list(group_ids))
        .select_related("user")
        .order_by("pk")
    ):
        first.setdefault(seat.group_id, seat.user)
    return first
