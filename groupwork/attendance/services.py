"""Taking registers, recording absences and their decisions, and the catch-ups they cause.

The register is saved for the whole group in one call, in a fixed number of queries however
many men are in it, and refuses to overwrite a register someone else saved in the meantime.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from groupwork.attendance.content import content_numbers
from groupwork.attendance.models import (
    ABSENT_OUTCOMES,
    PRESENT_OUTCOMES,
    Absence,
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    CatchUp,
    CatchUpMode,
    CatchUpStatus,
    Failure,
    HowReported,
    Outcome,
    Register,
)
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event, record_event
from groupwork.core.working_days import add_working_days
from groupwork.enforcement.models import EnforcementItem
from groupwork.enforcement.services import may_decide_for, new_item, warnings_given
from groupwork.groups.models import Group, GroupKind, Membership, Session, SessionStatus
from groupwork.groups.planning import area_closures
from groupwork.notifications.services import queue_catch_up_booked
from groupwork.organisation.models import Role
from groupwork.tasks.models import TaskKind
from groupwork.tasks.services import close_task_keys, close_tasks, raise_task

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.referrals.models import Referral

SICK_NOTE_WORKING_DAYS = 5  # the leaflet: a doctor's note within five working days
ABSENCE_OUTCOME = {
    AbsenceStatus.PENDING: Outcome.ABSENT_PENDING,
    AbsenceStatus.ACCEPTABLE: Outcome.ABSENT_ACCEPTABLE,
    AbsenceStatus.UNACCEPTABLE: Outcome.ABSENT_UNACCEPTABLE,
}
# What a register may record; acceptable and unacceptable come from the officer's decision.
REGISTER_CHOICES = ("attended", "failed_to_comply", "absent", "cancelled")


class RegisterConflict(Exception):  # noqa: N818  (a situation the page explains, not a bug)
    """Someone saved the register after this person opened it."""

    def __init__(self, register: Register) -> None:
        super().__init__("The register was saved by someone else.")
        self.register = register


@dataclass(frozen=True)
class Mark:
    """What the register says about one man."""

    referral_id: UUID
    choice: str  # one of REGISTER_CHOICES
    minutes_late: int = 0
    failures: tuple[str, ...] = ()
    rule_breaches: tuple[str, ...] = ()
    note: str = ""
    absence_reason: str = ""
    catch_up_override: str = ""


@dataclass
class RegisterRow:
    """One man on a register page, with what is already known about him."""

    membership: Membership
    attendance: Attendance | None = None
    absence: Absence | None = None
    catch_ups_owed: list[CatchUp] = field(default_factory=list)
    # His officer has acted on an enforcement item for this mark: it can no longer change.
    acted_on: bool = False

    @property
    def referral(self) -> Referral:
        return self.membership.referral

    @property
    def needs_catch_up_first(self) -> bool:
        return bool(self.catch_ups_owed)


def members_at(session: Session) -> QuerySet[Membership]:
    """The places in the group that include this session, by the date and his session range."""
    return (
        Membership.objects.filter(group_id=session.group_id, joined_on__lte=session.date)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=session.date))
        .filter(Q(first_session__isnull=True) | Q(first_session__lte=session.number))
        .filter(Q(last_session__isnull=True) | Q(last_session__gte=session.number))
        .select_related("referral__participant", "referral__responsible_officer")
        .order_by("referral__participant__last_name", "referral__participant__first_name")
    )


def register_rows(session: Session) -> list[RegisterRow]:
    """Everyone expected at the session, in five queries whatever the group's size."""
    rows = {m.referral_id: RegisterRow(membership=m) for m in members_at(session)}
    for attendance in Attendance.objects.filter(session=session, referral_id__in=list(rows)):
        rows[attendance.referral_id].attendance = attendance
    for absence in Absence.objects.filter(session=session, referral_id__in=list(rows)):
        rows[absence.referral_id].absence = absence
    for catch_up in owed_catch_ups(session, list(rows)):
        rows[catch_up.referral_id].catch_ups_owed.append(catch_up)
    acted = EnforcementItem.objects.filter(attendance__session=session).exclude(action_taken="")
    for referral_id in acted.values_list("referral_id", flat=True):
        if referral_id in rows:
            rows[referral_id].acted_on = True
    return list(rows.values())


def owed_catch_ups(session: Session, referral_ids: list[UUID]) -> QuerySet[CatchUp]:
    """Catch-ups of sessions before this one that are not done yet."""
    return (
        CatchUp.objects.outstanding()
        .filter(referral_id__in=referral_ids, missed_session__date__lt=session.date)
        .select_related("missed_session")
    )


def outcome_for(mark: Mark, absence: Absence | None, late_after: int) -> tuple[str, list[str]]:
    """The outcome and failures the register records for a mark."""
    if mark.choice == "cancelled":
        return Outcome.CANCELLED, []
    if mark.choice == "absent":
        status = absence.status if absence else AbsenceStatus.PENDING
        return ABSENCE_OUTCOME[AbsenceStatus(status)], []
    failures = list(dict.fromkeys(mark.failures))
    if mark.minutes_late > late_after and Failure.LATE not in failures:
        failures.append(Failure.LATE)
    return (Outcome.FAILED_TO_COMPLY if failures else Outcome.ATTENDED), failures


def check_marks(session: Session, rows: Sequence[RegisterRow], marks: Sequence[Mark]) -> None:
    """Refuse marks the register may not record, naming the man."""
    by_referral = {row.referral.pk: row for row in rows}
    problems = []
    for mark in marks:
        row = by_referral.get(mark.referral_id)
        if row is None:
            problems.append("A man on the register is not in this group for this session.")
            continue
        name = row.referral.participant.full_name
        if mark.choice not in REGISTER_CHOICES:
            problems.append(f"Choose what happened for {name}.")
        if mark.choice == "failed_to_comply" and not mark.failures:
            problems.append(f"Say how {name} failed to comply.")
        present = mark.choice in {"attended", "failed_to_comply"}
        if present and row.needs_catch_up_first and not mark.catch_up_override.strip():
            problems.append(
                f"{name} needs a catch-up first. Give a reason for letting him take part."
            )
        decided = row.absence is not None and row.absence.status != AbsenceStatus.PENDING
        if decided and mark.choice != "absent":
            problems.append(f"{name}'s absence was already decided by his officer.")
        if row.acted_on and row.attendance and _changes_outcome(row, mark):
            problems.append(
                f"{name}'s officer has already acted on this mark, so it cannot change."
            )
    if problems:
        raise ValidationError(problems)


def _changes_outcome(row: RegisterRow, mark: Mark) -> bool:
    assert row.attendance is not None  # noqa: S101  (callers check)
    recorded = row.attendance.outcome
    if mark.choice == "absent":
        return recorded not in ABSENT_OUTCOMES
    return recorded != {"cancelled": Outcome.CANCELLED, "attended": Outcome.ATTENDED}.get(
        mark.choice, Outcome.FAILED_TO_COMPLY
    )


def lock_register(session: Session) -> Register:
    """Every change to a session's marks and absences takes this lock first, so a register
    save, an absence report and a decision never interleave."""
    Register.objects.get_or_create(session=session)
    return Register.objects.select_for_update(of=("self",)).get(session=session)


def save_register(  # noqa: PLR0913  (keyword-only: the whole register, named)
    *,
    acting_user: User,
    session: Session,
    version: int,
    marks: Sequence[Mark],
    note: str,
) -> Register:
    """Record every man's mark for a session in one transaction.

    Raises RegisterConflict when the register changed since `version` was read, and
    ValidationError naming each man whose mark cannot be recorded."""
    group = Group.objects.select_related("version", "area").get(pk=session.group_id)
    definition = group.definition
    late_after = int(definition.raw.get("attendance", {}).get("late_after_minutes", 0))
    content = content_numbers(group, session.number)
    if session.is_cancelled:
        raise ValidationError("This session was cancelled by the service: it has no register.")
    if session.date > timezone.localdate():
        raise ValidationError("Take the register on the day of the session or after it.")
    with transaction.atomic():
        register = lock_register(session)
        if register.version != version:
            raise RegisterConflict(register)
        rows = register_rows(session)
        check_marks(session, rows, marks)
        by_referral = {row.referral.pk: row for row in rows}
        changes = _apply_marks(
            acting_user=acting_user,
            session=session,
            group=group,
            rows=by_referral,
            marks=marks,
            late_after=late_after,
            content=content,
        )
        register.version += 1
        register.note = note
        register.taken_by = acting_user
        register.taken_at = timezone.now()
        register.save(update_fields=["version", "note", "taken_by", "taken_at"])
        Session.objects.filter(pk=session.pk).update(register_taken_at=register.taken_at)
        AuditEvent.objects.bulk_create(
            [
                build_event(
                    acting_user=acting_user,
                    action=Action.REGISTER_TAKEN,
                    subject=session,
                    new_values={"version": register.version, "men": len(marks)},
                ),
                *changes,
            ]
        )
        _propose_restarts(acting_user=acting_user, session=session, group=group, rows=rows)
    return register


# What a register's form sets on a man's attendance.
MARKED_FIELDS = (
    "outcome",
    "minutes_late",
    "failures",
    "rule_breaches",
    "note",
    "catch_up_override",
)
marked_values = attrgetter(*MARKED_FIELDS)


def _apply_marks(  # noqa: PLR0913  (keyword-only: one register's facts)
    *,
    acting_user: User,
    session: Session,
    group: Group,
    rows: dict[UUID, RegisterRow],
    marks: Sequence[Mark],
    late_after: int,
    content: list[int],
) -> list[AuditEvent]:
    """Write the attendances and what follows from them; return their audit events."""
    to_create: list[Attendance] = []
    to_update: list[Attendance] = []
    events: list[AuditEvent] = []
    for mark in marks:
        row = rows[mark.referral_id]
        outcome, failures = outcome_for(mark, row.absence, late_after)
        attendance = row.attendance or Attendance(session=session, referral=row.referral)
        old = {"outcome": attendance.outcome or None, "failures": attendance.failures}
        marked_before = marked_values(attendance)
        attendance.outcome = outcome
        attendance.minutes_late = max(mark.minutes_late, 0)
        attendance.failures = failures
        attendance.rule_breaches = list(dict.fromkeys(mark.rule_breaches))
        attendance.note = mark.note
        attendance.catch_up_override = mark.catch_up_override if row.catch_ups_owed else ""
        # A mark saved again as it was keeps who recorded it and when, and costs no write.
        if not attendance.pk or marked_values(attendance) != marked_before:
            attendance.recorded_by = acting_user
            attendance.recorded_at = timezone.now()  # bulk_update does not apply auto_now
            (to_update if attendance.pk else to_create).append(attendance)
        row.attendance = attendance
        new = {"outcome": outcome, "failures": failures}
        if old != new:
            events.append(
                build_event(
                    acting_user=acting_user,
                    action=Action.REGISTER_TAKEN,
                    subject=session,
                    participant=row.referral.participant,
                    old_values=old,
                    new_values=new,
                )
            )
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, [*MARKED_FIELDS, "recorded_by", "recorded_at"])
    reasons = {mark.referral_id: mark.absence_reason for mark in marks}
    _follow_on(
        acting_user=acting_user,
        session=session,
        group=group,
        rows=rows,
        content=content,
        reasons=reasons,
    )
    return events


def _follow_on(  # noqa: PLR0913  (keyword-only: one register's facts)
    *,
    acting_user: User,
    session: Session,
    group: Group,
    rows: dict[UUID, RegisterRow],
    content: list[int],
    reasons: dict[UUID, str],
) -> None:
    """Absences, catch-ups and enforcement items that the marks call for, and undo those a
    corrected mark no longer calls for (only while nobody has acted on them)."""
    attendances = [row.attendance for row in rows.values() if row.attendance is not None]
    closures = area_closures(group.area)
    _absences_for(
        acting_user=acting_user,
        session=session,
        rows=rows,
        attendances=attendances,
        reasons=reasons,
        closures=closures,
    )
    missed = [a.referral_id for a in attendances if a.missed_content]
    existing = set(
        CatchUp.objects.filter(missed_session=session, referral_id__in=missed).values_list(
            "referral_id", flat=True
        )
    )
    CatchUp.objects.bulk_create(
        [
            CatchUp(
                referral_id=referral_id,
                missed_session=session,
                module=group.module,
                content=content,
            )
            for referral_id in missed
            if referral_id not in existing
        ]
    )
    _withdraw(
        acting_user=acting_user,
        rows=rows,
        found=CatchUp.objects.filter(missed_session=session, status=CatchUpStatus.NEEDED).exclude(
            referral_id__in=missed
        ),
        task_kind=TaskKind.CATCH_UP_NOT_BOOKED,
        key_prefix="catch-up",
    )
    _open_failures(
        acting_user=acting_user,
        session=session,
        rows=rows,
        attendances=attendances,
        closures=closures,
    )


def _absences_for(  # noqa: PLR0913  (keyword-only: one register's facts)
    *,
    acting_user: User,
    session: Session,
    rows: dict[UUID, RegisterRow],
    attendances: list[Attendance],
    reasons: dict[UUID, str],
    closures: frozenset[datetime.date],
) -> None:
    """A pending absence for each man newly marked absent; a reason given on a later save
    updates one the register made; a man who came, or whose session the service cancelled
    for him, has his undecided absence withdrawn."""
    absent = [a for a in attendances if a.outcome in ABSENT_OUTCOMES]
    Absence.objects.bulk_create(
        [
            Absence(
                session=session,
                referral_id=a.referral_id,
                reason=reasons.get(a.referral_id) or AbsenceReason.NONE_GIVEN,
                how_reported=HowReported.REGISTER,
                reported_by=acting_user,
                evidence_due=sick_note_due(session, reasons.get(a.referral_id, ""), closures),
            )
            for a in absent
            if rows[a.referral_id].absence is None
        ]
    )
    changed = []
    for a in absent:
        absence = rows[a.referral_id].absence
        reason = reasons.get(a.referral_id) or AbsenceReason.NONE_GIVEN
        if (
            absence is not None
            and absence.status == AbsenceStatus.PENDING
            and absence.how_reported == HowReported.REGISTER
            and absence.reason != reason
        ):
            absence.reason = reason
            absence.evidence_due = sick_note_due(session, reason, closures)
            changed.append(absence)
    Absence.objects.bulk_update(changed, ["reason", "evidence_due"])
    _withdraw(
        acting_user=acting_user,
        rows=rows,
        found=Absence.objects.pending().filter(
            session=session,
            referral_id__in=[
                a.referral_id for a in attendances if a.outcome not in ABSENT_OUTCOMES
            ],
        ),
        task_kind=TaskKind.SICK_NOTE_OVERDUE,
        key_prefix="absence",
    )


def _withdraw(
    *,
    acting_user: User,
    rows: dict[UUID, RegisterRow],
    found: QuerySet[Any],  # absences, catch-ups or enforcement items: each has referral_id
    task_kind: TaskKind,
    key_prefix: str,
) -> None:
    """Delete what a corrected mark no longer calls for, close its task, and say so in the
    audit log."""
    withdrawn = list(found)
    if not withdrawn:
        return
    found.model.objects.filter(pk__in=[row.pk for row in withdrawn]).delete()
    close_task_keys(
        acting_user=acting_user,
        kind=task_kind,
        keys=[f"{key_prefix}-{row.pk}" for row in withdrawn],
    )
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=acting_user,
                action=Action.REGISTER_TAKEN,
                subject=row,
                participant=rows[row.referral_id].referral.participant,
                detail={"withdrawn": f"{key_prefix}-{row.pk}", "because": "register corrected"},
            )
            for row in withdrawn
            if row.referral_id in rows
        ]
    )


def _open_failures(
    *,
    acting_user: User,
    session: Session,
    rows: dict[UUID, RegisterRow],
    attendances: list[Attendance],
    closures: frozenset[datetime.date],
) -> None:
    """An enforcement item for each failure to comply or unacceptable absence that has none;
    a corrected mark withdraws the item it opened, or corrects its wording, while nobody has
    acted on it."""
    failing = [Outcome.FAILED_TO_COMPLY, Outcome.ABSENT_UNACCEPTABLE]
    _withdraw(
        acting_user=acting_user,
        rows=rows,
        found=EnforcementItem.objects.open()
        .filter(attendance__session=session)
        .exclude(attendance__outcome__in=failing),
        task_kind=TaskKind.ENFORCEMENT_DUE,
        key_prefix="enforcement",
    )
    failed = [a for a in attendances if a.outcome in failing]
    items = {
        item.attendance_id: item for item in EnforcementItem.objects.filter(attendance__in=failed)
    }
    reworded = []
    for a in failed:
        item = items.get(a.pk)
        if item is not None and item.is_open and item.failure != failure_text(session, a):
            item.failure = failure_text(session, a)
            reworded.append(item)
    EnforcementItem.objects.bulk_update(reworded, ["failure"])
    warnings = warnings_given(a.referral_id for a in failed)
    opened = EnforcementItem.objects.bulk_create(
        [
            new_item(
                referral=rows[a.referral_id].referral,
                attendance=a,
                failure_date=session.date,
                failure=failure_text(session, a),
                warnings=warnings.get(a.referral_id, []),
                closures=closures,
            )
            for a in failed
            if a.pk not in items
        ]
    )
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=acting_user,
                action=Action.ENFORCEMENT_OPENED,
                subject=item,
                participant=item.referral.participant,
                new_values={"advice": item.advice, "must_act_by": item.must_act_by.isoformat()},
            )
            for item in opened
        ]
    )


def failure_text(session: Session, attendance: Attendance) -> str:
    when = f"session {session.number} on {session.date:%-d %B %Y}"
    if attendance.outcome == Outcome.ABSENT_UNACCEPTABLE:
        return f"Did not attend {when} without an acceptable reason"
    labels = dict(Failure.choices)
    how = ", ".join(labels.get(code, code).lower() for code in attendance.failures)
    if attendance.minutes_late and Failure.LATE in attendance.failures:
        how += f" ({attendance.minutes_late} minutes late)"
    return f"Failed to comply at {when}: {how}"


def _propose_restarts(
    *, acting_user: User, session: Session, group: Group, rows: list[RegisterRow]
) -> None:
    """The programme's restart rule: the nth miss in a block proposes the block's next start."""
    limit = group.definition.raw.get("missed_sessions", {}).get("restart_block_after_misses")
    if not limit:
        return
    missing = [row for row in rows if row.attendance and row.attendance.missed_content]
    if not missing:
        return
    misses = Counter(
        a.referral_id
        for a in Attendance.objects.filter(
            session__group=group, referral_id__in=[row.referral.pk for row in missing]
        ).exclude(outcome=Outcome.CANCELLED)
        if a.missed_content
    )
    over = [row for row in missing if misses[row.referral.pk] >= limit]
    if not over:
        return
    next_start = (
        Group.objects.filter(
            area_id=group.area_id,
            programme_id=group.programme_id,
            module=group.module,
            kind=GroupKind.CLOSED,
            start_date__gt=session.date,
        )
        .order_by("start_date")
        .first()
    )
    where = (
        f"{next_start.name}, starting {next_start.start_date:%-d %B %Y}"
        if next_start
        else "the next group of this block (none is planned yet)"
    )
    for row in over:
        raise_task(
            acting_user=acting_user,
            kind=TaskKind.RESTART_PROPOSED,
            key=f"membership-{row.membership.pk}",
            referral=row.referral,
            assigned_to=row.referral.responsible_officer,
            due_on=session.date,
            summary=f"{row.referral.participant.full_name} has missed "
            f"{misses[row.referral.pk]} sessions of {group.module_definition.title} in "
            f"{group.name}. The programme says he restarts the block: consider moving him "
            f"to {where}.",
        )


def sick_note_due(
    session: Session, reason: str, closures: frozenset[datetime.date]
) -> datetime.date | None:
    if reason not in {AbsenceReason.ILLNESS, AbsenceReason.MEDICAL_APPOINTMENT}:
        return None
    return add_working_days(session.date, SICK_NOTE_WORKING_DAYS, closures)


def report_absence(  # noqa: PLR0913  (keyword-only: who said what, about which session)
    *,
    acting_user: User,
    referral: Referral,
    session: Session,
    reason: str,
    how_reported: str,
    details: str,
) -> Absence:
    """Record an absence someone told us about, before or after the session. A medical
    absence waits for a doctor's note until five working days after the session."""
    if session.is_cancelled:
        raise ValidationError("The service cancelled this session: it cannot count against him.")
    with transaction.atomic():
        lock_register(session)
        attendance = Attendance.objects.filter(session=session, referral=referral).first()
        if attendance is not None and attendance.outcome in PRESENT_OUTCOMES:
            raise ValidationError("The register says he came to this session.")
        if attendance is not None and attendance.outcome == Outcome.CANCELLED:
            raise ValidationError("The register says the service cancelled it for him.")
        existing = Absence.objects.filter(session=session, referral=referral).first()
        if existing is not None and existing.status != AbsenceStatus.PENDING:
            raise ValidationError("His officer has already decided about this absence.")
        due = sick_note_due(session, reason, area_closures(referral.participant.area))
        values = {
            "reason": reason,
            "how_reported": how_reported,
            "details": details,
            "reported_by": acting_user,
            "evidence_due": due,
        }
        if existing is None:
            saved = Absence.objects.create(session=session, referral=referral, **values)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            saved = existing
        record_event(
            acting_user=acting_user,
            action=Action.ABSENCE_REPORTED,
            subject=saved,
            participant=referral.participant,
            new_values={
                "session": session.pk,
                "reason": reason,
                "how_reported": how_reported,
                "evidence_due": due.isoformat() if due else None,
            },
        )
    return saved


def decide_absence(  # noqa: PLR0913  (keyword-only: the decision and its evidence)
    *,
    acting_user: User,
    absence: Absence,
    acceptable: bool,
    reason: str,
    evidence_received_on: datetime.date | None = None,
    evidence: str = "",
) -> Absence:
    """His officer's decision. A medical absence is acceptable only with its evidence; an
    unacceptable absence opens an enforcement item."""
    with transaction.atomic():
        lock_register(absence.session)
        locked = (
            Absence.objects.select_for_update(of=("self",))
            .select_related(
                "session", "referral__participant__area", "referral__responsible_officer"
            )
            .get(pk=absence.pk)
        )
        if not may_decide_for(acting_user, locked.referral):
            raise PermissionDenied("Only his own officer or their manager may decide this.")
        if locked.status != AbsenceStatus.PENDING:
            raise ValidationError("This absence has already been decided.")
        if locked.session.date > timezone.localdate():
            raise ValidationError("Decide on the day of the session or after it.")
        attendance = Attendance.objects.filter(
            session=locked.session, referral=locked.referral
        ).first()
        cancelled = locked.session.is_cancelled or (
            attendance is not None and attendance.outcome not in ABSENT_OUTCOMES
        )
        if cancelled and not acceptable:
            raise ValidationError(
                "The service cancelled this session for him: it cannot count against him."
            )
        if not reason.strip():
            raise ValidationError("Say why you decided this.")
        if acceptable and locked.is_medical and not (evidence_received_on and evidence.strip()):
            raise ValidationError(
                "A medical absence is acceptable only with evidence: record the note received."
            )
        locked.status = AbsenceStatus.ACCEPTABLE if acceptable else AbsenceStatus.UNACCEPTABLE
        locked.decision_reason = reason
        locked.decided_by = acting_user
        locked.decided_at = timezone.now()
        if evidence_received_on:
            locked.evidence_received_on = evidence_received_on
            locked.evidence = evidence
        locked.save(
            update_fields=[
                "status",
                "decision_reason",
                "decided_by",
                "decided_at",
                "evidence_received_on",
                "evidence",
            ]
        )
        if attendance is not None and not cancelled:
            attendance.outcome = ABSENCE_OUTCOME[AbsenceStatus(locked.status)]
            attendance.save(update_fields=["outcome", "recorded_at"])
        record_event(
            acting_user=acting_user,
            action=Action.ABSENCE_DECIDED,
            subject=locked,
            participant=locked.referral.participant,
            old_values={"status": AbsenceStatus.PENDING},
            new_values={
                "status": locked.status,
                "evidence_received_on": evidence_received_on.isoformat()
                if evidence_received_on
                else None,
            },
            detail={"reason": reason},
        )
        if not acceptable:
            _open_for_absence(acting_user=acting_user, absence=locked, attendance=attendance)
        close_tasks(
            acting_user=acting_user, kind=TaskKind.SICK_NOTE_OVERDUE, key=absence_key(locked)
        )
    return locked


def absence_key(absence: Absence) -> str:
    return f"absence-{absence.pk}"


def _open_for_absence(
    *, acting_user: User, absence: Absence, attendance: Attendance | None
) -> EnforcementItem:
    referral = absence.referral
    session = absence.session
    if attendance is not None:
        existing = EnforcementItem.objects.filter(attendance=attendance).first()
        if existing is not None:
            return existing
    item = new_item(
        referral=referral,
        attendance=attendance,
        failure_date=session.date,
        failure=f"Did not attend session {session.number} on {session.date:%-d %B %Y} "
        "without an acceptable reason",
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


def catch_up_key(catch_up: CatchUp) -> str:
    return f"catch-up-{catch_up.pk}"


def _check_booking(
    *,
    catch_up: CatchUp,
    mode: str,
    booked_for: datetime.date | None,
    facilitator: User | None,
    other_session: Session | None,
) -> None:
    problems = []
    if mode == CatchUpMode.ONE_TO_ONE:
        if booked_for is None:
            problems.append("Enter the date of the one-to-one.")
        if facilitator is None:
            problems.append("Choose the facilitator who will see him.")
    elif mode == CatchUpMode.OTHER_GROUP:
        if other_session is None:
            problems.append("Choose the other group's session.")
        elif (
            other_session.status != SessionStatus.SCHEDULED
            or other_session.group.module != catch_up.module
            or other_session.group_id == catch_up.missed_session.group_id
        ):
            problems.append("That session is not a matching session of another group.")
    else:
        problems.append("Choose how he will catch up.")
    if facilitator is not None and (
        facilitator.role != Role.FACILITATOR
        or facilitator.area_id != catch_up.referral.participant.area_id
    ):
        problems.append("Choose a facilitator of his area.")
    if problems:
        raise ValidationError(problems)


def book_catch_up(  # noqa: PLR0913  (keyword-only: how, when and with whom)
    *,
    acting_user: User,
    catch_up: CatchUp,
    mode: str,
    booked_for: datetime.date | None = None,
    facilitator: User | None = None,
    other_session: Session | None = None,
) -> CatchUp:
    """Book a missed session's content: one-to-one with a facilitator, or in another group's
    matching session (on that session's date). Booking closes the task to book it."""
    with transaction.atomic():
        locked = (
            CatchUp.objects.select_for_update(of=("self",))
            .select_related("referral__participant", "missed_session")
            .get(pk=catch_up.pk)
        )
        if locked.status == CatchUpStatus.DONE:
            raise ValidationError("This catch-up is already done.")
        _check_booking(
            catch_up=locked,
            mode=mode,
            booked_for=booked_for,
            facilitator=facilitator,
            other_session=other_session,
        )
        if mode == CatchUpMode.OTHER_GROUP and other_session is not None:
            booked_for = other_session.date
        else:
            other_session = None
        old = {
            "status": locked.status,
            "mode": locked.mode or None,
            "booked_for": locked.booked_for.isoformat() if locked.booked_for else None,
        }
        locked.status = CatchUpStatus.BOOKED
        locked.mode = mode
        locked.booked_for = booked_for
        locked.facilitator = facilitator
        locked.other_session = other_session
        locked.recorded_by = acting_user
        locked.save(
            update_fields=[
                "status",
                "mode",
                "booked_for",
                "facilitator",
                "other_session",
                "recorded_by",
            ]
        )
        record_event(
            acting_user=acting_user,
            action=Action.CATCH_UP_BOOKED,
            subject=locked,
            participant=locked.referral.participant,
            old_values=old,
            new_values={
                "status": locked.status,
                "mode": mode,
                "booked_for": booked_for.isoformat() if booked_for else None,
                "facilitator": facilitator.pk if facilitator else None,
                "other_session": other_session.pk if other_session else None,
            },
        )
        close_tasks(
            acting_user=acting_user, kind=TaskKind.CATCH_UP_NOT_BOOKED, key=catch_up_key(locked)
        )
        queue_catch_up_booked(catch_up=locked)  # tells him when and where, in this transaction
    return locked


def complete_catch_up(
    *, acting_user: User, catch_up: CatchUp, done_on: datetime.date, note: str = ""
) -> CatchUp:
    """Record that he has covered the missed content, on a day that has come."""
    with transaction.atomic():
        locked = (
            CatchUp.objects.select_for_update(of=("self",))
            .select_related("referral__participant")
            .get(pk=catch_up.pk)
        )
        if locked.status == CatchUpStatus.DONE:
            raise ValidationError("This catch-up is already done.")
        if done_on > timezone.localdate():
            raise ValidationError("The day it was done cannot be in the future.")
        old_status = locked.status
        locked.status = CatchUpStatus.DONE
        locked.done_on = done_on
        locked.note = note
        locked.recorded_by = acting_user
        locked.save(update_fields=["status", "done_on", "note", "recorded_by"])
        record_event(
            acting_user=acting_user,
            action=Action.CATCH_UP_DONE,
            subject=locked,
            participant=locked.referral.participant,
            old_values={"status": old_status},
            new_values={"status": locked.status, "done_on": done_on.isoformat()},
        )
        close_tasks(
            acting_user=acting_user, kind=TaskKind.CATCH_UP_NOT_BOOKED, key=catch_up_key(locked)
        )
    return locked
