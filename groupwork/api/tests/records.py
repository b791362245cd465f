"""Records for the API tests beyond the test world: a history behind each of worcester_man's
records (so every nullable field is filled somewhere), and more men with records of every kind
(so a list's query count can be compared with few and many rows)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    HowReported,
    Outcome,
    Register,
)
from groupwork.casework.models import (
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    OneToOne,
    OneToOneStatus,
)
from groupwork.core.tests.world import World
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.groups.models import SessionFacilitator
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.referrals.models import Referral, StatusChange, StatusReason
from groupwork.referrals.tests.factories import ReferralFactory

REGISTER_NOTE = "Session note: Man A and Man B argued at the break."


def add_history(world: World) -> None:
    """Status changes, a taken register with a session note, a decided enforcement item, an
    answered stage, a booked one-to-one and a decided absence."""
    users, referral, session = world.users, world.worcester_referral, world.worcester_session
    officer, facilitator = users["om.worcester"], users["fac.worcester"]
    StatusChange.objects.create(referral=referral, to_status_id="received", changed_by=officer)
    StatusChange.objects.create(
        referral=referral,
        from_status_id="received",
        to_status_id="on_programme",
        note="Started with the Worcester group.",
        changed_by=officer,
    )
    StatusChange.objects.create(
        referral=world.former_referral,
        from_status_id="on_programme",
        to_status_id="ended_early",
        reason=StatusReason.objects.get(status_id="ended_early", code="moved_away"),
        changed_by=officer,
    )
    Referral.objects.filter(pk=world.former_referral.pk).update(
        status_reason=StatusReason.objects.get(status_id="ended_early", code="moved_away")
    )
    Register.objects.create(
        session=session, version=1, note=REGISTER_NOTE, taken_by=facilitator, taken_at=now()
    )
    for man in (referral, world.former_referral):
        Attendance.objects.create(
            session=session,
            referral=man,
            outcome=Outcome.FAILED_TO_COMPLY,
            minutes_late=20,
            failures=["late"],
            note="Came in at 09:50.",
            recorded_by=facilitator,
        )
    EnforcementItem.objects.create(
        referral=referral,
        failure_date=session.date - datetime.timedelta(weeks=4),
        failure="Late beyond the allowed time",
        advice=Advice.WARN_OR_REFER,
        must_act_by=session.date - datetime.timedelta(weeks=2),
        explanation="No warning in the 12 months before this failure.",
        action_taken=ActionTaken.WARNING,
        action_on=session.date - datetime.timedelta(weeks=3),
        reason="First failure.",
        decided_by=officer,
        decided_at=now(),
    )
    ComplaintStage.objects.filter(complaint=world.worcester_complaint).update(
        acknowledged_on=datetime.date(2026, 11, 3),
        outcome=ComplaintOutcome.NOT_UPHELD,
        response="The manager was not rude.",
        responded_on=datetime.date(2026, 11, 12),
    )
    ComplaintStage.objects.create(
        complaint=world.worcester_complaint,
        number=2,
        # Stage 2 is a manager's, but the only one in the world is named in it.
        handler=users["pm.westmercia"],
        opened_on=datetime.date(2026, 11, 13),
        acknowledge_by=datetime.date(2026, 11, 18),
        respond_by=datetime.date(2026, 12, 4),
    )
    OneToOne.objects.filter(pk=world.worcester_one_to_one.pk).update(
        status=OneToOneStatus.BOOKED,
        booked_for=now(),
        facilitator=facilitator,
        three_way=True,
    )
    Absence.objects.filter(pk=world.worcester_absence.pk).update(
        status=AbsenceStatus.ACCEPTABLE,
        evidence_received_on=datetime.date(2026, 12, 10),
        evidence="Doctor's note.",
        decided_by=officer,
        decided_at=now(),
        decision_reason="Ill, with a note.",
    )


def add_records(world: World, count: int) -> None:
    """`count` more of om.worcester's men, each with a referral and its status change, a group
    with a session, a mark, an absence, an enforcement item, a one-to-one and a complaint."""
    officer, facilitator = world.users["om.worcester"], world.users["fac.worcester"]
    for number in range(count):
        referral: Referral = ReferralFactory.create(
            participant__area=world.area, responsible_officer=officer, status_id="on_programme"
        )
        StatusChange.objects.create(
            referral=referral, to_status_id="on_programme", changed_by=officer
        )
        group = GroupFactory.create(
            area=world.area, name=f"Extra group {number}", facilitators=[facilitator]
        )
        session = SessionFactory.create(group=group, number=1)
        SessionFacilitator.objects.create(session=session, facilitator=facilitator)
        MembershipFactory.create(group=world.worcester_group, referral=referral)
        Attendance.objects.create(
            session=world.worcester_session,
            referral=referral,
            outcome=Outcome.ATTENDED,
            recorded_by=facilitator,
        )
        Absence.objects.create(
            session=session,
            referral=referral,
            reason=AbsenceReason.WORK,
            how_reported=HowReported.PHONE,
            reported_by=facilitator,
        )
        EnforcementItem.objects.create(
            referral=referral,
            failure_date=session.date,
            failure="Did not attend",
            advice=Advice.WARN_OR_REFER,
            must_act_by=session.date + datetime.timedelta(weeks=2),
            explanation="No warning in the 12 months before this failure.",
        )
        OneToOne.objects.create(
            referral=referral, code="before", label="Before the programme", due_on=session.date
        )
        complaint = Complaint.objects.create(
            referral=referral,
            summary="He says the room was cold.",
            received_on=datetime.date(2026, 11, 2),
            recorded_by=officer,
        )
        complaint.named_staff.add(world.users["om.telford"])
        ComplaintStage.objects.create(
            complaint=complaint,
            number=1,
            handler=officer,
            opened_on=datetime.date(2026, 11, 2),
            acknowledge_by=datetime.date(2026, 11, 5),
            respond_by=datetime.date(2026, 11, 16),
        )


def now() -> datetime.datetime:
    return timezone.now()
