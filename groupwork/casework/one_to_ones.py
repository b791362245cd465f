"""One-to-ones: when each falls due from his timetable, booking them, and what happened.

Three parts. `due_dates` is pure: the programme definition's one-to-ones and the dates of his
group sessions give each meeting's due date. `plan_one_to_ones` gathers his timetable, adds the
meetings he does not have yet and moves those still only due when his timetable changed; the
daily run plans every man in a group and raises a task to book what falls due within a week.
The booking and recording services keep the absence rules: a missed meeting with a medical
reason waits five working days for his doctor's note, and one missed without an acceptable
reason opens an enforcement item, as a missed session does.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.models import OneToOne, OneToOneStatus
from groupwork.core.working_days import add_working_days
from groupwork.enforcement.models import EnforcementItem
from groupwork.enforcement.services import new_item, warnings_given
from groupwork.groups.models import Membership, Session, SessionStatus
from groupwork.groups.planning import area_closures
from groupwork.notifications.services import (
    appointment_text,
    phone_for,
    place_for,
    queue_for_participant,
)
from groupwork.organisation.models import Role
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.referrals.models import Referral
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import close_tasks, raise_task

if TYPE_CHECKING:
    from groupwork.organisation.models import Office, User

# Before the programme, after a module and after the programme: a week from the session.
GAP = datetime.timedelta(days=7)
# The daily run asks his officer to book a meeting due within this many days.
TASK_WINDOW = datetime.timedelta(days=7)
# The leaflet: a doctor's note within five working days.
NOTE_WORKING_DAYS = 5
# Statuses a meeting may be booked (or booked again) from; a pending miss is decided first.
BOOKABLE = frozenset(
    {
        OneToOneStatus.DUE,
        OneToOneStatus.BOOKED,
        OneToOneStatus.MISSED_ACCEPTABLE,
        OneToOneStatus.MISSED_UNACCEPTABLE,
    }
)


class MissedDecision(StrEnum):
    """What the officer says about a missed meeting when recording it."""

    PENDING = "pending"  # a medical reason: wait for his doctor's note
    ACCEPTABLE = "acceptable"
    UNACCEPTABLE = "unacceptable"


MISSED_STATUS = {
    MissedDecision.PENDING: OneToOneStatus.MISSED_PENDING,
    MissedDecision.ACCEPTABLE: OneToOneStatus.MISSED_ACCEPTABLE,
    MissedDecision.UNACCEPTABLE: OneToOneStatus.MISSED_UNACCEPTABLE,
}


# The pure rule


@dataclass(frozen=True)
class GroupDay:
    """One session of his timetable: the day, and the module its group runs."""

    day: datetime.date
    module: str


@dataclass(frozen=True)
class DueOneToOne:
    code: str
    label: str
    three_way: bool
    due_on: datetime.date


def due_date(
    occasion: Mapping[str, Any],
    days: Sequence[GroupDay],
    modules_needed: Collection[str] = (),
) -> datetime.date | None:
    """When one of the definition's one-to-ones falls due, or None while his timetable does
    not say yet (no sessions at all, or none of the module it follows). The midpoint and the
    end of the programme wait until his timetable holds every module his pathway needs: a
    man has one group at a time, so his Induction group alone is not his whole programme."""
    if not days:
        return None
    whole = set(modules_needed) <= {d.module for d in days}
    first = min(d.day for d in days)
    last = max(d.day for d in days)
    when = occasion["when"]
    if when == "before_start":
        return first - GAP
    if when == "after_module":
        of_module = [d.day for d in days if d.module == occasion.get("module")]
        return max(of_module) + GAP if of_module else None
    if when == "midpoint":
        return first + datetime.timedelta(days=(last - first).days // 2) if whole else None
    if when == "end_of_programme":
        return last + GAP if whole else None
    raise ValueError(f"Unknown one-to-one timing: {when}")


def due_dates(
    occasions: Iterable[Mapping[str, Any]],
    days: Iterable[GroupDay],
    modules_needed: Collection[str] = (),
) -> list[DueOneToOne]:
    """Each one-to-one of the definition whose due date his timetable gives, in the
    definition's order: before = a week before his first session; after a module = a week
    after his last session of it; midpoint = halfway between his first and last known
    sessions; after the programme = a week after his last known session."""
    timetable = list(days)
    found = []
    for occasion in occasions:
        due_on = due_date(occasion, timetable, modules_needed)
        if due_on is not None:
            found.append(
                DueOneToOne(
                    code=occasion["code"],
                    label=occasion["label"],
                    three_way=bool(occasion.get("three_way", False)),
                    due_on=due_on,
                )
            )
    return found


# His timetable


def his_timetable(referral: Referral) -> tuple[ProgrammeDefinition, list[GroupDay]]:
    """The definition his one-to-ones follow (his current group's, else his latest group's,
    else the programme's current one) and the scheduled sessions of each place he had, while
    he had it and within his first and last session; three queries."""
    memberships = list(
        Membership.objects.filter(referral=referral)
        .select_related("group__version")
        .order_by("joined_on", "pk")
    )
    current = next((m for m in memberships if m.left_on is None), None)
    latest = current or (memberships[-1] if memberships else None)
    definition = latest.group.definition if latest else referral.programme.current_version().parsed
    by_group: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_group.setdefault(membership.group_id, []).append(membership)
    days = []
    for group_id, number, day in Session.objects.filter(
        group_id__in=list(by_group), status=SessionStatus.SCHEDULED
    ).values_list("group_id", "number", "date"):
        for place in by_group[group_id]:
            if _in_place(place, number, day):
                days.append(GroupDay(day=day, module=place.group.module))
                break
    return definition, sorted(days, key=lambda d: d.day)


def _in_place(place: Membership, number: int, day: datetime.date) -> bool:
    return (
        place.joined_on <= day
        and (place.left_on is None or day <= place.left_on)
        and (place.first_session is None or number >= place.first_session)
        and (place.last_session is None or number <= place.last_session)
    )


# Planning


def modules_of_pathway(definition: ProgrammeDefinition, referral: Referral) -> set[str]:
    """The modules his pathway needs; none is required while it is undecided (the dates
    then follow the places he has)."""
    try:
        pathway = definition.pathway(referral.pathway)
    except KeyError:
        return set()
    return {part.module for part in pathway.modules}


def plan_one_to_ones(*, acting_user: User | None, referral: Referral) -> list[OneToOne]:
    """Add the one-to-ones his timetable now gives dates for, and move the due date of those
    not booked yet when his timetable changed. Returns the meetings added or moved; nothing
    changes, and nothing is audited, when his plan already matches his timetable."""
    with transaction.atomic():
        # Planning for one man at a time: two runs cannot both add the same meeting.
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("participant", "programme")
            .get(pk=referral.pk)
        )
        definition, days = his_timetable(locked)
        planned = due_dates(
            definition.raw.get("one_to_ones", []), days, modules_of_pathway(definition, locked)
        )
        existing = {
            one.code: one for one in OneToOne.objects.select_for_update().filter(referral=locked)
        }
        added: list[OneToOne] = []
        moved: list[OneToOne] = []
        old_dates: dict[str, str] = {}
        for point in planned:
            one = existing.get(point.code)
            if one is None:
                added.append(
                    OneToOne(
                        referral=locked,
                        code=point.code,
                        label=point.label,
                        three_way=point.three_way,
                        due_on=point.due_on,
                    )
                )
            elif one.status == OneToOneStatus.DUE and one.due_on != point.due_on:
                old_dates[one.code] = one.due_on.isoformat()
                one.due_on = point.due_on
                one.save(update_fields=["due_on"])
                moved.append(one)
        OneToOne.objects.bulk_create(added)
        if added or moved:
            record_event(
                acting_user=acting_user,
                action=Action.ONE_TO_ONE_PLANNED,
                subject=locked,
                participant=locked.participant,
                old_values={"due_on": old_dates},
                new_values={
                    "added": {one.code: one.due_on.isoformat() for one in added},
                    "moved": {one.code: one.due_on.isoformat() for one in moved},
                },
            )
    return [*added, *moved]


def one_to_one_key(one: OneToOne) -> str:
    """The key of the task to book this meeting."""
    return f"one-to-one-{one.pk}"


def plan_due_one_to_ones(*, today: datetime.date) -> int:
    """The daily run: plan every man who has a place in a group, then ask each officer to
    book the meetings due within a week (or already due) that nobody has booked. Returns
    how many tasks were raised; a second run on the same day changes nothing."""
    referral_ids = (
        Membership.objects.current().values_list("referral_id", flat=True).order_by("referral_id")
    )
    for referral in Referral.objects.filter(pk__in=list(referral_ids)).order_by("pk"):
        plan_one_to_ones(acting_user=None, referral=referral)
    due = list(
        OneToOne.objects.filter(
            status=OneToOneStatus.DUE,
            due_on__lte=today + TASK_WINDOW,
            referral__status__is_closed=False,
        ).select_related("referral__participant", "referral__responsible_officer")
    )
    done = set(
        Task.objects.filter(
            kind=TaskKind.ONE_TO_ONE_DUE, key__in=[one_to_one_key(one) for one in due]
        ).values_list("key", flat=True)
    )
    raised = 0
    for one in due:
        if one_to_one_key(one) in done:
            continue
        three_way = " A facilitator joins this three-way meeting." if one.three_way else ""
        raised += (
            raise_task(
                acting_user=None,
                kind=TaskKind.ONE_TO_ONE_DUE,
                key=one_to_one_key(one),
                referral=one.referral,
                assigned_to=one.referral.responsible_officer,
                due_on=one.due_on,
                summary=f"Book {one.referral.participant.full_name}'s one-to-one "
                f"({one.label.lower()}), due {one.due_on:%-d %B %Y}.{three_way}",
            )
            is not None
        )
    return raised


# Booking and recording


def may_record(user: User, referral: Referral) -> bool:
    """His own officer books and records his one-to-ones, or that officer's manager."""
    officer = referral.responsible_officer
    if user.role == Role.OFFENDER_MANAGER:
        return officer.pk == user.pk
    if user.role == Role.MANAGER:
        return user.team_id is not None and officer.team_id == user.team_id
    return False


def _lock(one_to_one: OneToOne, user: User) -> OneToOne:
    locked = (
        OneToOne.objects.select_for_update(of=("self",))
        .select_related(
            "referral__participant__area",
            "referral__responsible_officer__office",
            "referral__responsible_officer__team__office",
        )
        .get(pk=one_to_one.pk)
    )
    if not may_record(user, locked.referral):
        raise PermissionDenied("Only his own officer or their manager may do this.")
    return locked


def officer_office(officer: User) -> Office | None:
    """Where his officer works: their own office, else their team's."""
    if officer.office is not None:
        return officer.office
    return officer.team.office if officer.team is not None else None


def _check_facilitator(one: OneToOne, facilitator: User | None) -> None:
    if not one.three_way:
        return
    if facilitator is None:
        raise ValidationError("Choose the facilitator who will join this three-way meeting.")
    if (
        facilitator.role != Role.FACILITATOR
        or facilitator.area_id != one.referral.participant.area_id
        or not facilitator.is_active
    ):
        raise ValidationError("Choose a facilitator of his area.")


def book_one_to_one(
    *,
    acting_user: User,
    one_to_one: OneToOne,
    booked_for: datetime.datetime,
    facilitator: User | None = None,
) -> OneToOne:
    """Book the meeting (again, after a decided miss or to change the time). A three-way
    meeting needs a facilitator of his area. He gets a reminder saying only when, where and
    whom to call; booking closes the task to book it."""
    with transaction.atomic():
        locked = _lock(one_to_one, acting_user)
        if locked.status not in BOOKABLE:
            raise ValidationError(
                "Decide about the missed meeting first."
                if locked.status == OneToOneStatus.MISSED_PENDING
                else "This one-to-one has already been held."
            )
        if timezone.localtime(booked_for).date() < timezone.localdate():
            raise ValidationError("The date of the one-to-one must be today or later.")
        _check_facilitator(locked, facilitator)
        old = {
            "status": locked.status,
            "booked_for": locked.booked_for.isoformat() if locked.booked_for else None,
            "facilitator": locked.facilitator_id,
        }
        locked.status = OneToOneStatus.BOOKED
        locked.booked_for = booked_for
        locked.facilitator = facilitator if locked.three_way else None
        locked.save(update_fields=["status", "booked_for", "facilitator"])
        man = locked.referral.participant
        record_event(
            acting_user=acting_user,
            action=Action.ONE_TO_ONE_BOOKED,
            subject=locked,
            participant=man,
            old_values=old,
            new_values={
                "status": locked.status,
                "booked_for": booked_for.isoformat(),
                "facilitator": locked.facilitator_id,
            },
        )
        _remind(locked, booked_for)
        close_tasks(
            acting_user=acting_user, kind=TaskKind.ONE_TO_ONE_DUE, key=one_to_one_key(locked)
        )
    return locked


def _remind(one: OneToOne, booked_for: datetime.datetime) -> None:
    """Tell him when and where, at his officer's office, with its number to call; nothing
    for a time already gone or an office without a phone number."""
    office = officer_office(one.referral.responsible_officer)
    phone = phone_for(office)
    if office is None or not phone or booked_for <= timezone.now():
        return
    queue_for_participant(
        participant=one.referral.participant,
        kind="one_to_one_booked",
        key=f"one-to-one-{one.pk}-{timezone.localtime(booked_for):%Y%m%d%H%M}",
        body=appointment_text(when=booked_for, place=place_for(office), phone=phone),
        send_before=booked_for,
    )


def _check_recordable(one: OneToOne) -> datetime.date:
    """The day of the booked meeting, once it has come."""
    if one.status != OneToOneStatus.BOOKED or one.booked_for is None:
        raise ValidationError("Book the one-to-one before recording what happened.")
    day = timezone.localtime(one.booked_for).date()
    if day > timezone.localdate():
        raise ValidationError("You can record the one-to-one on its day or after.")
    return day


def record_held(*, acting_user: User, one_to_one: OneToOne, notes: str) -> OneToOne:
    """The meeting took place: what was said."""
    notes = notes.strip()
    with transaction.atomic():
        locked = _lock(one_to_one, acting_user)
        _check_recordable(locked)
        if not notes:
            raise ValidationError("Enter notes of the meeting.")
        _save_record(locked, acting_user, status=OneToOneStatus.HELD, notes=notes)
        close_tasks(
            acting_user=acting_user, kind=TaskKind.ONE_TO_ONE_DUE, key=one_to_one_key(locked)
        )
    return locked


def record_missed(
    *,
    acting_user: User,
    one_to_one: OneToOne,
    reason: str,
    decision: MissedDecision,
    notes: str = "",
) -> OneToOne:
    """He did not come. A medical reason waits for his doctor's note, due five working days
    after the meeting; no acceptable reason opens an enforcement item."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock(one_to_one, acting_user)
        day = _check_recordable(locked)
        if not reason:
            raise ValidationError("Enter the reason he gave, or say that he gave none.")
        evidence_due = None
        if decision == MissedDecision.PENDING:
            closures = area_closures(locked.referral.participant.area)
            evidence_due = add_working_days(day, NOTE_WORKING_DAYS, closures)
        _save_record(
            locked,
            acting_user,
            status=MISSED_STATUS[decision],
            notes=notes.strip(),
            missed_reason=reason,
            evidence_due=evidence_due,
        )
        if decision == MissedDecision.UNACCEPTABLE:
            _open_for_missed(acting_user=acting_user, one=locked, day=day)
        close_tasks(
            acting_user=acting_user, kind=TaskKind.ONE_TO_ONE_DUE, key=one_to_one_key(locked)
        )
    return locked


def decide_missed(
    *, acting_user: User, one_to_one: OneToOne, acceptable: bool, reason: str
) -> OneToOne:
    """His officer's decision on a miss that waited for a doctor's note."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock(one_to_one, acting_user)
        if locked.status != OneToOneStatus.MISSED_PENDING or locked.booked_for is None:
            raise ValidationError("This missed one-to-one has already been decided.")
        if not reason:
            raise ValidationError("Say why you decided this.")
        status = (
            OneToOneStatus.MISSED_ACCEPTABLE if acceptable else OneToOneStatus.MISSED_UNACCEPTABLE
        )
        decided = f"{OneToOneStatus(status).label}: {reason}"
        _save_record(
            locked,
            acting_user,
            status=status,
            notes=f"{locked.notes}\n\n{decided}" if locked.notes else decided,
            detail={"reason": reason},
        )
        if not acceptable:
            day = timezone.localtime(locked.booked_for).date()
            _open_for_missed(acting_user=acting_user, one=locked, day=day)
    return locked


def _save_record(
    locked: OneToOne,
    acting_user: User,
    *,
    status: str,
    detail: dict[str, str] | None = None,
    **values: Any,
) -> None:
    old = {"status": locked.status}
    locked.status = status
    for name, value in values.items():
        setattr(locked, name, value)
    locked.recorded_by = acting_user
    locked.recorded_at = timezone.now()
    locked.save(update_fields=["status", *values, "recorded_by", "recorded_at"])
    evidence_due = values.get("evidence_due")
    record_event(
        acting_user=acting_user,
        action=Action.ONE_TO_ONE_RECORDED,
        subject=locked,
        participant=locked.referral.participant,
        old_values=old,
        new_values={
            "status": status,
            "evidence_due": evidence_due.isoformat() if evidence_due else None,
        },
        detail=detail,
    )


def missed_failure_text(day: datetime.date) -> str:
    return f"Missed the one-to-one on {day:%-d %B %Y} without an acceptable reason"


def _open_for_missed(*, acting_user: User, one: OneToOne, day: datetime.date) -> EnforcementItem:
    """An enforcement item, as for a session missed without an acceptable reason."""
    referral = one.referral
    item = new_item(
        referral=referral,
        attendance=None,
        failure_date=day,
        failure=missed_failure_text(day),
        warnings=warnings_given([referral.pk]).get(referral.pk, []),
        closures=area_closures(referral.participant.area),
    )
    item.save()
    record_event(
        acting_user=acting_user,
        action=Action.ENFORCEMENT_OPENED,
        subject=item,
        participant=referral.participant,
        new_values={"advice": item.advice, "must_act_by": item.must_act_by.isoformat()},
    )
    return item


def enforcement_for(one: OneToOne) -> EnforcementItem | None:
    """The enforcement item a miss without an acceptable reason opened."""
    if one.status != OneToOneStatus.MISSED_UNACCEPTABLE or one.booked_for is None:
        return None
    day = timezone.localtime(one.booked_for).date()
    return (
        EnforcementItem.objects.filter(
            referral_id=one.referral_id,
            attendance__isnull=True,
            failure_date=day,
            failure=missed_failure_text(day),
        )
        .order_by("-pk")
        .first()
    )
