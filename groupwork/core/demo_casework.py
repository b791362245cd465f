"""The demo's casework: group rules agreed, one-to-ones held and booked, assignments set and
marked, an incident, complaints at different stages, a completed man's documents, and the
reminders the local message backend has sent. Built through the services staff use, except
one-to-ones held in the past, which no service can book after the day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from groupwork.attendance.services import members_at
from groupwork.casework.assignments import default_due_on, mark_assignment, set_assignment
from groupwork.casework.complaints import answer_stage, escalate_complaint, record_complaint
from groupwork.casework.incidents import record_incident
from groupwork.casework.models import (
    AssignmentResult,
    ComplaintOutcome,
    IncidentKind,
    OneToOne,
    OneToOneStatus,
    RulesAgreement,
)
from groupwork.casework.one_to_ones import book_one_to_one, one_to_one_key
from groupwork.casework.rules import record_rules_agreements
from groupwork.groups.models import Group, Session, SessionStatus
from groupwork.letters.completion import issue_completion_documents
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.sending import send_due
from groupwork.organisation.models import User
from groupwork.participants.equality import ETHNIC_GROUPS, RELIGIONS
from groupwork.participants.services import set_restriction, update_participant
from groupwork.referrals.models import Referral
from groupwork.tasks.models import TaskKind
from groupwork.tasks.services import close_tasks

RUNNING = ("worcester", "shrewsbury", "rolling")


def casework_demo(groups: dict[str, Group], staff: dict[str, User], today: datetime.date) -> None:
    """Loading twice adds nothing: the first group rules agreement marks the work as done."""
    if RulesAgreement.objects.filter(group__area=staff["pm.westmercia"].area).exists():
        return
    _consents(groups)
    _equality_and_restriction(staff)
    for key in RUNNING:
        _rules_and_assignments(groups[key], today)
    _one_to_ones(groups, today)
    _incident(groups["shrewsbury"], today)
    _complaints(staff)
    _completion(staff)
    queue_reminders(today=max(today, timezone.localdate()))
    send_due()


def _past_sessions(group: Group, today: datetime.date) -> list[Session]:
    return list(
        Session.objects.filter(
            group=group, status=SessionStatus.SCHEDULED, date__lt=today
        ).order_by("date")
    )


def _facilitator(group: Group) -> User:
    found = group.facilitators.order_by("username").first()
    assert found is not None  # noqa: S101  (every demo group has facilitators)
    return found


def _consents(groups: dict[str, Group]) -> None:
    """Most men in the running groups agreed to text reminders; one has since opted out."""
    men = Referral.objects.filter(
        memberships__group__in=[groups[key] for key in RUNNING],
        memberships__left_on__isnull=True,
    ).select_related("participant", "responsible_officer")
    for number, referral in enumerate(men.order_by("participant__case_reference")):
        changes: dict[str, object] = {"consents_to_texts": True}
        if number == 3:  # noqa: PLR2004  (one man asked for no more messages)
            changes["opted_out"] = True
        update_participant(
            acting_user=referral.responsible_officer,
            participant=referral.participant,
            changes=changes,
        )


def _equality_and_restriction(staff: dict[str, User]) -> None:
    """Most men answered the equality questions, some preferred not to; one case is restricted
    to the programme manager and his officer."""
    men = list(
        Referral.objects.filter(participant__area=staff["pm.westmercia"].area)
        .select_related("participant", "responsible_officer")
        .order_by("participant__case_reference")
    )
    disabilities = ["no", "no", "yes", "prefer_not_to_say", "no"]
    for number, referral in enumerate(men):
        if number % 6 == 5:  # noqa: PLR2004  (one man in six was not asked)
            continue
        update_participant(
            acting_user=referral.responsible_officer,
            participant=referral.participant,
            changes={
                "ethnicity": ETHNIC_GROUPS[(number * 7) % len(ETHNIC_GROUPS)],
                "religion": RELIGIONS[(number * 5) % len(RELIGIONS)],
                "disability": disabilities[number % len(disabilities)],
            },
        )
    restricted = next((r for r in men if r.status_id == "on_programme"), None)
    if restricted is not None:
        set_restriction(
            acting_user=staff["pm.westmercia"],
            participant=restricted.participant,
            staff=[staff["pm.westmercia"], restricted.responsible_officer],
        )


def _rules_and_assignments(group: Group, today: datetime.date) -> None:
    past = _past_sessions(group, today)
    if not past:
        return
    facilitator = _facilitator(group)
    first = past[0]
    record_rules_agreements(
        acting_user=facilitator,
        session=first,
        referral_ids=[m.referral_id for m in members_at(first)],
    )
    if len(past) < 2:  # noqa: PLR2004  (set at one session, marked at the next)
        return
    set_at, due_at = past[-2], past[-1]
    assignment = set_assignment(
        acting_user=facilitator,
        session=set_at,
        title="A time I felt under pressure",
        instructions="Write a few lines about a time you felt under pressure this week, "
        "and what you did.",
        due_on=due_at.date,
    )
    results = {}
    for number, membership in enumerate(members_at(due_at)):
        results[membership.referral_id] = (
            AssignmentResult.LATE
            if number % 5 == 1
            else AssignmentResult.NOT_DONE
            if number % 5 == 3  # noqa: PLR2004  (one man in five)
            else AssignmentResult.ON_TIME
        )
    mark_assignment(acting_user=facilitator, assignment=assignment, results=results)
    set_assignment(
        acting_user=facilitator,
        session=due_at,
        title="My warning signs",
        instructions="List three signs that tell you things are going wrong.",
        due_on=default_due_on(due_at),
    )


def _one_to_ones(groups: dict[str, Group], today: datetime.date) -> None:
    """Meetings whose day has passed were held; the next one due for one man is booked."""
    due = OneToOne.objects.filter(
        referral__memberships__group__in=[groups[key] for key in RUNNING],
        status=OneToOneStatus.DUE,
    ).select_related("referral__responsible_officer")
    booked = False
    for one in due.order_by("due_on", "pk"):
        officer = one.referral.responsible_officer
        if one.due_on < today:
            one.status = OneToOneStatus.HELD
            one.booked_for = timezone.make_aware(
                datetime.datetime.combine(one.due_on, datetime.time(10))
            )
            one.notes = "Talked through how the group is going and what comes next."
            one.recorded_by = officer
            one.recorded_at = one.booked_for
            one.save()
            close_tasks(acting_user=officer, kind=TaskKind.ONE_TO_ONE_DUE, key=one_to_one_key(one))
        elif not booked and not one.three_way:
            day = max(today, timezone.localdate()) + datetime.timedelta(days=3)
            book_one_to_one(
                acting_user=officer,
                one_to_one=one,
                booked_for=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14))),
            )
            booked = True


def _incident(group: Group, today: datetime.date) -> None:
    past = _past_sessions(group, today)
    if len(past) < 3:  # noqa: PLR2004  (the third session is the one with the incident)
        return
    session = past[2]
    men = [m.referral for m in members_at(session)][:1]
    record_incident(
        acting_user=_facilitator(group),
        session=session,
        kind=IncidentKind.SEXISM,
        men=men,
        description="A sexist remark about women staff during the group discussion.",
        how_challenged="The facilitator stopped the discussion and named the remark as against "
        "the group rules on respect.",
        follow_up="Talked it through with him after the session; his officer was told.",
    )


def _complaints(staff: dict[str, User]) -> None:
    """One complaint waits at stage 1; another went to stage 3, to the Chief Officer."""
    men = list(
        Referral.objects.filter(
            participant__area=staff["pm.westmercia"].area,
            status_id="on_programme",
            responsible_officer=staff["om.worcester"],
        ).order_by("participant__case_reference")[:2]
    )
    if len(men) < 2:  # noqa: PLR2004  (the demo has several such men)
        return
    officer = staff["om.worcester"]
    record_complaint(
        acting_user=officer,
        referral=men[0],
        summary="He says the room was too cold and nobody did anything about it.",
        received_on=datetime.date(2026, 11, 19),
    )
    complaint = record_complaint(
        acting_user=officer,
        referral=men[1],
        summary="He says a facilitator spoke to him rudely in front of the group.",
        received_on=datetime.date(2026, 10, 1),
        named_staff=[staff["fac.worcester"]],
    )
    answers = [
        (ComplaintOutcome.NOT_UPHELD, "We spoke to the staff in the room.", (10, 8), (10, 12)),
        (ComplaintOutcome.PARTLY_UPHELD, "The facilitator will apologise.", (10, 26), (10, 30)),
    ]
    for outcome, response, answered, escalated in answers:
        stage = complaint.stages.order_by("-number").first()
        assert stage is not None  # noqa: S101  (record_complaint opens stage 1)
        answer_stage(
            acting_user=stage.handler,
            stage=stage,
            outcome=outcome,
            response=response,
            responded_on=datetime.date(2026, *answered),
        )
        escalate_complaint(
            acting_user=stage.handler,
            complaint=complaint,
            opened_on=datetime.date(2026, *escalated),
        )


def _completion(staff: dict[str, User]) -> None:
    completed = (
        Referral.objects.filter(
            participant__area=staff["pm.westmercia"].area, status_id="completed"
        )
        .select_related("responsible_officer", "participant")
        .order_by("participant__case_reference")
        .first()
    )
    if completed is not None:
        issue_completion_documents(
            acting_user=completed.responsible_officer,
            referral=completed,
            facilitator_summary="He took a full part in the group and used what he learned "
            "in his own plans for keeping safe.",
        )
