"""The demo's registers and what followed them: absences pending and decided, catch-ups
owed, booked and done, failures to comply, warnings with their letters, and the tasks the
daily run raises. Built through the same services staff use, so the audit log shows it too.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    CatchUp,
    CatchUpMode,
    CatchUpStatus,
    Register,
)
from groupwork.attendance.services import (
    Mark,
    book_catch_up,
    complete_catch_up,
    decide_absence,
    members_at,
    save_register,
)
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.enforcement.services import record_enforcement_action
from groupwork.groups.models import Group, Session, SessionStatus
from groupwork.organisation.models import User
from groupwork.tasks.daily import raise_due_tasks

LET_IN = "Catch-up arranged with his officer"


def take_demo_registers(groups: dict[str, Group], today: datetime.date) -> int:
    """Every past session of the running groups has its register; loading twice adds nothing.
    Returns how many registers were taken."""
    taken = 0
    for key in ("worcester", "shrewsbury", "rolling"):
        group = groups[key]
        facilitator = group.facilitators.order_by("username").first()
        if facilitator is None:
            continue
        past = Session.objects.filter(
            group=group, status=SessionStatus.SCHEDULED, date__lt=today
        ).order_by("date")
        for index, session in enumerate(past):
            if Register.objects.filter(session=session).exists():
                continue
            marks = [
                _mark(man_index, index, membership.referral_id)
                for man_index, membership in enumerate(members_at(session))
            ]
            save_register(
                acting_user=facilitator,
                session=session,
                version=0,
                marks=marks,
                note="The group worked well together." if index % 2 else "",
            )
            taken += 1
    return taken


def _mark(man: int, session: int, referral_id: UUID) -> Mark:
    """A repeatable pattern: most men come; a few are absent, late or disruptive."""
    turn = (man * 7 + session * 3) % 23
    if turn == 4:  # noqa: PLR2004  (one slot in 23 is an absence)
        reason = AbsenceReason.ILLNESS if session % 2 else AbsenceReason.NONE_GIVEN
        return Mark(referral_id=referral_id, choice="absent", absence_reason=reason)
    if turn == 11:  # noqa: PLR2004  (and one is a failure to comply)
        return Mark(
            referral_id=referral_id,
            choice="attended",
            minutes_late=25,
            rule_breaches=("on-time",),
            catch_up_override=LET_IN,
        )
    return Mark(referral_id=referral_id, choice="attended", catch_up_override=LET_IN)


def follow_up_demo_absences(today: datetime.date, staff: dict[str, User]) -> None:
    """Officers decide the older absences; the newest stay pending on their lists."""
    recent = today - datetime.timedelta(days=7)
    older = (
        Absence.objects.pending()
        .filter(session__date__lt=recent, session__group__area=staff["pm.westmercia"].area)
        .select_related("referral__responsible_officer", "session")
        .order_by("session__date", "pk")
    )
    for number, absence in enumerate(older):
        officer = absence.referral.responsible_officer
        if number % 3 == 2:  # noqa: PLR2004  (every third old one waits: its note is overdue)
            continue
        medical = absence.is_medical
        decide_absence(
            acting_user=officer,
            absence=absence,
            acceptable=medical,
            reason="Doctor's note received and checked."
            if medical
            else "He gave no reason when asked.",
            evidence_received_on=absence.session.date + datetime.timedelta(days=2)
            if medical
            else None,
            evidence="Fit note from his GP" if medical else "",
        )
    _act_on_failures(today)
    _catch_ups(today, staff)
    raise_due_tasks(today=today)


def _act_on_failures(today: datetime.date) -> None:
    """The oldest open items get a warning each (with its letter); the rest stay open."""
    old_items = (
        EnforcementItem.objects.open()
        .filter(failure_date__lt=today - datetime.timedelta(days=14))
        .select_related("referral__responsible_officer")
        .order_by("failure_date", "pk")
    )
    for item in old_items[:3]:
        if ActionTaken.WARNING not in item.allowed_actions:
            continue
        record_enforcement_action(
            acting_user=item.referral.responsible_officer,
            item=item,
            action=ActionTaken.WARNING,
            reason="First failure: a warning is enough.",
            action_on=min(item.failure_date + datetime.timedelta(days=3), today),
        )


def _catch_ups(today: datetime.date, staff: dict[str, User]) -> None:
    """Some catch-ups done, some booked, the rest still needed."""
    needed = CatchUp.objects.filter(status=CatchUpStatus.NEEDED).order_by(
        "missed_session__date", "pk"
    )
    for number, catch_up in enumerate(list(needed)):
        if number % 3 == 2:  # noqa: PLR2004  (every third stays to be booked)
            continue
        facilitator = staff["fac.worcester"]
        booked = book_catch_up(
            acting_user=facilitator,
            catch_up=catch_up,
            mode=CatchUpMode.ONE_TO_ONE,
            booked_for=min(catch_up.missed_session.date + datetime.timedelta(days=3), today),
            facilitator=facilitator,
        )
        if number % 3 == 0 and booked.booked_for and booked.booked_for < today:
            complete_catch_up(
                acting_user=facilitator,
                catch_up=booked,
                done_on=booked.booked_for,
                note="Covered the session's work one-to-one.",
            )
