"""Assignments: work set at a session, due by default at the next one, and marked for every man
expected at the session. Late or not done breaks the group rule about assignments."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.attendance.services import members_at
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event, record_event
from groupwork.casework.models import (
    ASSIGNMENTS_RULE,
    Assignment,
    AssignmentMark,
    AssignmentResult,
)
from groupwork.groups.models import Session, SessionStatus

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.referrals.models import Referral

DAYS_TO_DUE_WITHOUT_NEXT_SESSION = 7


@dataclass
class MarkRow:
    """One man expected at the session, with his mark if he has one."""

    referral: Referral
    mark: AssignmentMark | None = None


def default_due_on(session: Session) -> datetime.date:
    """The date of the group's next scheduled session after this one, else a week later."""
    next_date = (
        Session.objects.filter(
            group_id=session.group_id, status=SessionStatus.SCHEDULED, date__gt=session.date
        )
        .order_by("date", "starts")
        .values_list("date", flat=True)
        .first()
    )
    return next_date or session.date + datetime.timedelta(days=DAYS_TO_DUE_WITHOUT_NEXT_SESSION)


def assignments_rule_text(rules: list[dict[str, str]]) -> str | None:
    """The words of the assignments rule in the group's programme definition, if it has one."""
    return next((rule["text"] for rule in rules if rule["code"] == ASSIGNMENTS_RULE), None)


def mark_rows(assignment: Assignment) -> list[MarkRow]:
    """Every man expected at the session the assignment was set at, in two queries."""
    rows = {m.referral_id: MarkRow(referral=m.referral) for m in members_at(assignment.session)}
    for mark in AssignmentMark.objects.filter(assignment=assignment, referral_id__in=list(rows)):
        rows[mark.referral_id].mark = mark
    return list(rows.values())


def set_assignment(  # noqa: PLR0913  (keyword-only: the assignment, named)
    *,
    acting_user: User,
    session: Session,
    title: str,
    instructions: str,
    due_on: datetime.date,
) -> Assignment:
    """Set work at a session. It is due after the session, usually at the next one."""
    problems = []
    if session.status != SessionStatus.SCHEDULED:
        problems.append("This session was cancelled. Set the assignment at another session.")
    if not title.strip():
        problems.append("Enter a title.")
    if not instructions.strip():
        problems.append("Enter the instructions.")
    if due_on <= session.date:
        problems.append("The due date must be after the session.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        assignment = Assignment.objects.create(
            session=session,
            title=title.strip(),
            instructions=instructions.strip(),
            due_on=due_on,
            set_by=acting_user,
        )
        record_event(
            acting_user=acting_user,
            action=Action.ASSIGNMENT_SET,
            subject=assignment,
            new_values={
                "session": session.pk,
                "title": assignment.title,
                "due_on": due_on.isoformat(),
            },
        )
    return assignment


def mark_assignment(
    *, acting_user: User, assignment: Assignment, results: Mapping[UUID, str]
) -> list[AssignmentMark]:
    """Record on time, late or not done for each man named in `results` (referral id to
    result), in a fixed number of queries however many men. Marks that do not change are left
    alone; each change is audited against the man. Returns the marks written."""
    valid = set(AssignmentResult.values)
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update().select_related("session").get(pk=assignment.pk)
        )
        expected = {m.referral_id: m.referral for m in members_at(locked.session)}
        problems = []
        if any(referral_id not in expected for referral_id in results):
            problems.append("A man marked was not expected at the session it was set at.")
        if any(result not in valid for result in results.values()):
            problems.append("Choose on time, late or not done.")
        if problems:
            raise ValidationError(problems)
        existing = {
            mark.referral_id: mark
            for mark in AssignmentMark.objects.select_for_update().filter(
                assignment=locked, referral_id__in=list(results)
            )
        }
        now = timezone.now()
        to_create: list[AssignmentMark] = []
        to_update: list[AssignmentMark] = []
        events: list[AuditEvent] = []
        for referral_id, result in results.items():
            mark = existing.get(referral_id)
            old = mark.result if mark else None
            if mark is None:
                mark = AssignmentMark(
                    assignment=locked, referral_id=referral_id, result=result, marked_by=acting_user
                )
                to_create.append(mark)
            elif mark.result != result:
                mark.result, mark.marked_by, mark.marked_at = result, acting_user, now
                to_update.append(mark)
            else:
                continue
            events.append(
                build_event(
                    acting_user=acting_user,
                    action=Action.ASSIGNMENT_MARKED,
                    subject=locked,
                    participant=expected[referral_id].participant,
                    old_values={"result": old},
                    new_values={"result": result, "breaks_rule": mark.breaks_rule},
                )
            )
        AssignmentMark.objects.bulk_create(to_create)
        AssignmentMark.objects.bulk_update(to_update, ["result", "marked_by", "marked_at"])
        AuditEvent.objects.bulk_create(events)
    return to_create + to_update
