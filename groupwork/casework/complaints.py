"""A man's complaint, stage by stage.

Stage 1 goes to his officer or their team's manager, stage 2 to a manager of the area, stage
3 (written) to the Chief Officer. Each stage must be acknowledged and answered within the
area's working days, counted from the day it opened without bank holidays or closure days.
Staff the complaint names can neither handle it nor see it: `complaints_visible_to` leaves
them out, so every page that fetches through it answers them 404.

`stage_deadlines` and `may_escalate` are pure; the services below change the records, each
in one transaction, locked and audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.models import Complaint, ComplaintOutcome, ComplaintStage
from groupwork.core.access import COMPLAINT_READERS
from groupwork.core.working_days import add_working_days
from groupwork.groups.planning import area_closures
from groupwork.letters.complaints import STAGE_RELATIONS, complaint_response_pdf
from groupwork.letters.enforcement import NoOfficeError
from groupwork.letters.models import Letter, LetterKind
from groupwork.notifications.services import queue_for_staff
from groupwork.organisation.models import Area, Role, User
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import close_tasks, raise_task

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Who may record a complaint he made.
COMPLAINT_RECORDERS = frozenset({Role.OFFENDER_MANAGER, Role.MANAGER, Role.PROGRAMME_MANAGER})
# Besides the stage's handler, these may acknowledge, answer or escalate it for them.
COMPLAINT_OVERSEERS = frozenset({Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER})
LAST_STAGE = 3
# An unanswered stage due within this many working days (or late) gets a task for its handler.
DUE_WARNING_WORKING_DAYS = 2

STAGE_TITLES = {
    1: "His officer or their manager",
    2: "The manager",
    3: "Written complaint to the Chief Officer",
}
HANDLER_RULES = {
    1: "stage 1 goes to his probation officer or their team's manager",
    2: "stage 2 goes to a manager in his area",
    3: "stage 3 goes to the Chief Officer of his area",
}


# Deadlines (pure)


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: datetime.date
    respond_by: datetime.date


def stage_deadlines(
    opened_on: datetime.date,
    *,
    acknowledge_days: int,
    respond_days: int,
    closures: Collection[datetime.date] = frozenset(),
) -> Deadlines:
    """The days a stage opened on `opened_on` must be acknowledged and answered by: that many
    working days later, without weekends, bank holidays and the area's closure days."""
    return Deadlines(
        acknowledge_by=add_working_days(opened_on, acknowledge_days, closures),
        respond_by=add_working_days(opened_on, respond_days, closures),
    )


def stage_working_days(area: Area, number: int) -> int:
    """The working days the area gives to answer stage `number`."""
    days = {
        1: area.complaint_stage_1_days,
        2: area.complaint_stage_2_days,
        3: area.complaint_stage_3_days,
    }
    if number not in days:
        raise ValueError(f"A complaint has stages 1 to {LAST_STAGE}, not {number}.")
    return days[number]


def deadlines_for(
    area: Area, number: int, opened_on: datetime.date, closures: Collection[datetime.date]
) -> Deadlines:
    return stage_deadlines(
        opened_on,
        acknowledge_days=area.complaint_acknowledge_days,
        respond_days=stage_working_days(area, number),
        closures=closures,
    )


def may_escalate(stage: ComplaintStage, today: datetime.date) -> bool:
    """A complaint goes to the next stage once this one is answered or its deadline has
    passed; stage 3 is the last."""
    if stage.number >= LAST_STAGE:
        return False
    return stage.responded_on is not None or stage.respond_by < today


# Who sees what


def complaints_visible_to(user: User | AnonymousUser) -> QuerySet[Complaint]:
    """The complaints of the men the user may see, and those they handle a stage of, never
    one that names them. Facilitators and administrators see none."""
    if not user.is_authenticated or user.role not in COMPLAINT_READERS:
        return Complaint.objects.none()
    handles = ComplaintStage.objects.filter(complaint=OuterRef("pk"), handler=user)
    named = Complaint.named_staff.through.objects.filter(complaint=OuterRef("pk"), user=user)
    # A restricted case's complaints are hidden from a handler it does not name, too.
    unrestricted = Participant.objects.exclude_restricted_from(user)
    return Complaint.objects.filter(
        Q(referral__in=Referral.objects.visible_to(user))
        | Q(Exists(handles), referral__participant__in=unrestricted)
    ).exclude(Exists(named))


def get_complaint_for(user: User, complaint_id: int) -> Complaint:
    """The complaint, if the user may see it (404 otherwise); the read is audited."""
    complaint = get_object_or_404(
        complaints_visible_to(user).select_related(
            "referral__participant__area", "referral__responsible_officer", "recorded_by"
        ),
        pk=complaint_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=complaint,
        participant=complaint.referral.participant,
    )
    return complaint


def current_stages() -> QuerySet[ComplaintStage]:
    """Each complaint's latest stage."""
    later = ComplaintStage.objects.filter(
        complaint=OuterRef("complaint"), number__gt=OuterRef("number")
    )
    return ComplaintStage.objects.exclude(Exists(later))


def open_stages(complaints: QuerySet[Complaint]) -> QuerySet[ComplaintStage]:
    """The unanswered latest stage of each open complaint, soonest deadline (so the overdue)
    first, in one query."""
    return (
        current_stages()
        .filter(complaint__in=complaints, responded_on__isnull=True)
        .select_related("complaint__referral__participant", "handler")
        .order_by("respond_by", "complaint__received_on", "pk")
    )


def stages_to_answer(user: User) -> QuerySet[ComplaintStage]:
    """The open stages the user handles, for their to-do list."""
    return open_stages(complaints_visible_to(user)).filter(handler=user)


def complaint_letters_hidden_from(user: User) -> QuerySet[ComplaintStage, int | None]:
    """The letter ids of the answers to complaints that name the user (for the letters view)."""
    named = ComplaintStage.objects.filter(complaint__named_staff=user, letter__isnull=False)
    return named.values_list("letter_id", flat=True)


def may_act(user: User, stage: ComplaintStage, named_ids: Collection[int]) -> bool:
    """The stage's handler, or a programme manager or chief officer of the man's area, and
    never someone the complaint names. `stage.complaint.referral.participant` must be loaded."""
    if user.pk in named_ids:
        return False
    if user.pk == stage.handler_id:
        return True
    area_id = stage.complaint.referral.participant.area_id
    return user.role in COMPLAINT_OVERSEERS and user.area_id == area_id


# Handlers


def eligible_handlers(
    referral: Referral, number: int, *, named_ids: Iterable[int] = ()
) -> QuerySet[User]:
    """Who may handle stage `number` of his complaint, the usual choice first, leaving out
    `named_ids`. `referral.participant` and `referral.responsible_officer` must be loaded."""
    officer = referral.responsible_officer
    staff = User.objects.filter(area_id=referral.participant.area_id, is_active=True)
    team_first = (
        Case(When(team_id=officer.team_id, then=Value(0)), default=Value(1))
        if officer.team_id is not None
        else Value(1)
    )
    if number == 1:
        chosen = Q(pk=officer.pk)
        if officer.team_id is not None:
            chosen |= Q(role=Role.MANAGER, team_id=officer.team_id)
        preference = Case(When(pk=officer.pk, then=Value(0)), default=Value(1))
        found = staff.filter(chosen).annotate(preference=preference)
    elif number == 2:  # noqa: PLR2004  (the stage numbers are the rule's own words)
        found = staff.filter(role=Role.MANAGER).annotate(preference=team_first)
    elif number == LAST_STAGE:
        found = staff.filter(role=Role.CHIEF_OFFICER).annotate(preference=Value(0))
    else:
        raise ValueError(f"A complaint has stages 1 to {LAST_STAGE}, not {number}.")
    return found.exclude(pk__in=list(named_ids)).order_by(
        "preference", "last_name", "first_name", "pk"
    )


def _choose_handler(
    referral: Referral, number: int, named_ids: Collection[int], wanted: User | None
) -> User:
    eligible = list(eligible_handlers(referral, number))
    if wanted is not None:
        name = wanted.get_full_name() or wanted.username
        if wanted.pk in named_ids:
            raise ValidationError(
                f"{name} is named in the complaint, so cannot handle it. Choose someone else."
            )
        if wanted.pk not in {user.pk for user in eligible}:
            raise ValidationError(f"{name} cannot handle this: {HANDLER_RULES[number]}.")
        return wanted
    for user in eligible:
        if user.pk not in named_ids:
            return user
    raise ValidationError(
        f"Nobody can handle stage {number}: {HANDLER_RULES[number]}, and everyone who could "
        "is named in the complaint."
    )


# Services


def earlier_handler_ids(complaint: Complaint) -> set[int]:
    """Who handled a stage already: a stage is a fresh look, never the same person again."""
    return set(
        ComplaintStage.objects.filter(complaint=complaint).values_list("handler_id", flat=True)
    )


def complaint_stage_key(stage: ComplaintStage) -> str:
    """The key of the tasks raised about this stage."""
    return f"complaint-stage-{stage.pk}"


def _open_stage(
    *,
    complaint: Complaint,
    number: int,
    handler: User,
    opened_on: datetime.date,
) -> ComplaintStage:
    """A new stage with its deadlines. `complaint.referral.participant.area` must be loaded."""
    area = complaint.referral.participant.area
    deadlines = deadlines_for(area, number, opened_on, area_closures(area))
    stage = ComplaintStage.objects.create(
        complaint=complaint,
        number=number,
        handler=handler,
        opened_on=opened_on,
        acknowledge_by=deadlines.acknowledge_by,
        respond_by=deadlines.respond_by,
    )
    queue_for_staff(
        user=handler,
        kind="complaint_stage",
        key=complaint_stage_key(stage),
        subject="A complaint for you to answer",
        body=f"A complaint at stage {number} is yours to handle. Acknowledge it by "
        f"{deadlines.acknowledge_by:%A %-d %B %Y} and answer it by "
        f"{deadlines.respond_by:%A %-d %B %Y}. Sign in to Groupwork to see it.",
    )
    return stage


def _stage_values(stage: ComplaintStage) -> dict[str, object]:
    return {
        "stage": stage.number,
        "handler": stage.handler_id,
        "opened_on": stage.opened_on.isoformat(),
        "acknowledge_by": stage.acknowledge_by.isoformat(),
        "respond_by": stage.respond_by.isoformat(),
    }


def record_complaint(  # noqa: PLR0913  (keyword-only: the complaint as told, named)
    *,
    acting_user: User,
    referral: Referral,
    summary: str,
    received_on: datetime.date,
    named_staff: Collection[User] = (),
    handler: User | None = None,
) -> Complaint:
    """Record his complaint and open stage 1 with its deadlines, given to `handler` or, by
    default, to the first person who may handle it and is not named in it."""
    today = timezone.localdate()
    summary = summary.strip()
    if not summary:
        raise ValidationError("Say what he complains about.")
    if received_on > today:
        raise ValidationError("The date we got the complaint must be today or before.")
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("participant__area", "responsible_officer")
            .get(pk=referral.pk)
        )
        if any(user.area_id != locked.participant.area_id for user in named_staff):
            raise ValidationError("Staff named in a complaint must work in his area.")
        named_ids = {user.pk for user in named_staff}
        chosen = _choose_handler(locked, 1, named_ids, handler)
        complaint = Complaint.objects.create(
            referral=locked, summary=summary, received_on=received_on, recorded_by=acting_user
        )
        complaint.named_staff.set(list(named_staff))
        stage = _open_stage(complaint=complaint, number=1, handler=chosen, opened_on=received_on)
        record_event(
            acting_user=acting_user,
            action=Action.COMPLAINT_RECEIVED,
            subject=complaint,
            participant=locked.participant,
            new_values={
                "received_on": received_on.isoformat(),
                "named_staff": sorted(named_ids),
                **_stage_values(stage),
            },
        )
    return complaint


def _lock_stage(stage: ComplaintStage) -> ComplaintStage:
    """The stage locked, with what its checks and its letter read."""
    return (
        ComplaintStage.objects.select_for_update(of=("self",))
        .select_related(*STAGE_RELATIONS)
        .get(pk=stage.pk)
    )


def _named_ids(complaint: Complaint) -> set[int]:
    return set(complaint.named_staff.values_list("pk", flat=True))


def _check_may_act(acting_user: User, stage: ComplaintStage) -> None:
    if not may_act(acting_user, stage, _named_ids(stage.complaint)):
        raise PermissionDenied


def _check_current(stage: ComplaintStage) -> None:
    later = (
        ComplaintStage.objects.filter(complaint_id=stage.complaint_id, number__gt=stage.number)
        .order_by("-number")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"The complaint has gone on to stage {later.number}. Deal with that stage."
        )


def _check_date(
    day: datetime.date, *, what: str, not_before: datetime.date, today: datetime.date
) -> None:
    if day > today:
        raise ValidationError(f"The {what} must be today or before.")
    if day < not_before:
        raise ValidationError(f"The {what} must be on or after {not_before:%-d %B %Y}.")


def acknowledge_stage(
    *, acting_user: User, stage: ComplaintStage, acknowledged_on: datetime.date
) -> ComplaintStage:
    """Record that we told him we have his complaint at this stage."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock_stage(stage)
        _check_may_act(acting_user, locked)
        _check_current(locked)
        if locked.responded_on is not None:
            raise ValidationError("This stage is already answered.")
        if locked.acknowledged_on is not None:
            raise ValidationError("This stage is already acknowledged.")
        _check_date(
            acknowledged_on,
            what="date we acknowledged it",
            not_before=locked.opened_on,
            today=today,
        )
        locked.acknowledged_on = acknowledged_on
        locked.save(update_fields=["acknowledged_on"])
        record_event(
            acting_user=acting_user,
            action=Action.COMPLAINT_ACKNOWLEDGED,
            subject=locked,
            participant=locked.complaint.referral.participant,
            old_values={"acknowledged_on": None},
            new_values={"acknowledged_on": acknowledged_on.isoformat()},
            detail={"stage": locked.number, "late": acknowledged_on > locked.acknowledge_by},
        )
    return locked


def answer_stage(
    *,
    acting_user: User,
    stage: ComplaintStage,
    outcome: str,
    response: str,
    responded_on: datetime.date,
) -> ComplaintStage:
    """Record the answer at this stage and write the letter that tells him; closes the
    stage's task. An answer not acknowledged before is acknowledged by the answer."""
    today = timezone.localdate()
    response = response.strip()
    if outcome not in ComplaintOutcome.values:
        raise ValidationError("Choose whether the complaint is upheld.")
    if not response:
        raise ValidationError("Say what we will do. It goes in the letter to him.")
    with transaction.atomic():
        locked = _lock_stage(stage)
        _check_may_act(acting_user, locked)
        _check_current(locked)
        if locked.responded_on is not None:
            raise ValidationError("This stage is already answered.")
        if locked.number == LAST_STAGE and acting_user.pk != locked.handler_id:
            raise PermissionDenied  # the Chief Officer's final answer is theirs alone to give
        _check_date(
            responded_on,
            what="date of the answer",
            not_before=locked.acknowledged_on or locked.opened_on,
            today=today,
        )
        if locked.acknowledged_on is None:
            locked.acknowledged_on = responded_on
        locked.outcome = outcome
        locked.response = response
        locked.responded_on = responded_on
        locked.letter = _write_letter(acting_user=acting_user, stage=locked, today=today)
        locked.save(
            update_fields=["acknowledged_on", "outcome", "response", "responded_on", "letter"]
        )
        record_event(
            acting_user=acting_user,
            action=Action.COMPLAINT_ANSWERED,
            subject=locked,
            participant=locked.complaint.referral.participant,
            old_values={"outcome": "", "responded_on": None},
            new_values={
                "outcome": outcome,
                "responded_on": responded_on.isoformat(),
                "letter": locked.letter.pk,
            },
            detail={"stage": locked.number, "late": responded_on > locked.respond_by},
        )
        close_tasks(
            acting_user=acting_user, kind=TaskKind.COMPLAINT_DUE, key=complaint_stage_key(locked)
        )
    return locked


def _write_letter(*, acting_user: User, stage: ComplaintStage, today: datetime.date) -> Letter:
    """The answer to him, kept as written. Call inside the transaction, relations loaded."""
    try:
        pdf = complaint_response_pdf(stage, today=today, signed_by=acting_user)
    except NoOfficeError as missing:
        raise ValidationError(
            "The letter needs an office to send it from: ask an administrator to set "
            "his officer's office."
        ) from missing
    referral = stage.complaint.referral
    letter = Letter.objects.create(
        referral=referral, kind=LetterKind.COMPLAINT_RESPONSE, pdf=pdf, created_by=acting_user
    )
    record_event(
        acting_user=acting_user,
        action=Action.LETTER_WRITTEN,
        subject=letter,
        participant=referral.participant,
        new_values={"kind": LetterKind.COMPLAINT_RESPONSE.value, "complaint_stage": stage.pk},
    )
    return letter


def escalate_complaint(
    *,
    acting_user: User,
    complaint: Complaint,
    opened_on: datetime.date,
    handler: User | None = None,
) -> ComplaintStage:
    """Take the complaint to its next stage, once the current one is answered or its
    deadline has passed, with new deadlines counted from `opened_on` (the day he asked)."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("referral__participant__area", "referral__responsible_officer")
            .get(pk=complaint.pk)
        )
        current = (
            ComplaintStage.objects.select_for_update()
            .filter(complaint=locked)
            .order_by("-number")
            .first()
        )
        if current is None:
            raise ValidationError("This complaint has no stage to take further.")
        current.complaint = locked
        _check_may_act(acting_user, current)
        if current.number >= LAST_STAGE:
            raise ValidationError(
                "Stage 3 is the last stage: the Chief Officer's answer is final. He can go "
                "to the Prisons and Probation Ombudsman."
            )
        if not may_escalate(current, today):
            raise ValidationError(
                f"Stage {current.number} can go further once it is answered, or after its "
                f"deadline of {current.respond_by:%-d %B %Y} has passed."
            )
        _check_date(
            opened_on,
            what="date he asked to take it further",
            not_before=current.responded_on or current.opened_on,
            today=today,
        )
        number = current.number + 1
        earlier = earlier_handler_ids(locked)
        if handler is not None and handler.pk in earlier:
            raise ValidationError(
                f"{handler.get_full_name() or handler.username} handled an earlier stage, so "
                "cannot look at their own answer again. Choose someone else."
            )
        chosen = _choose_handler(locked.referral, number, _named_ids(locked) | earlier, handler)
        stage = _open_stage(complaint=locked, number=number, handler=chosen, opened_on=opened_on)
        record_event(
            acting_user=acting_user,
            action=Action.COMPLAINT_ESCALATED,
            subject=locked,
            participant=locked.referral.participant,
            old_values={"stage": current.number},
            new_values=_stage_values(stage),
            detail={"previous_stage_answered": current.responded_on is not None},
        )
        close_tasks(
            acting_user=acting_user, kind=TaskKind.COMPLAINT_DUE, key=complaint_stage_key(current)
        )
    return stage


# The daily run


def raise_complaints_due(*, today: datetime.date) -> int:
    """A task for the handler of each open stage whose answer is due within two working days
    (or late), once per stage."""
    raised = 0
    for area in Area.objects.order_by("pk"):  # each area counts with its own closure days
        due_by = add_working_days(today, DUE_WARNING_WORKING_DAYS, area_closures(area))
        stages = list(
            current_stages()
            .filter(
                responded_on__isnull=True,
                respond_by__lte=due_by,
                complaint__referral__area=area,
            )
            .select_related("complaint__referral__participant", "handler")
        )
        keys = [complaint_stage_key(stage) for stage in stages]
        done = set(
            Task.objects.filter(kind=TaskKind.COMPLAINT_DUE, key__in=keys).values_list(
                "key", flat=True
            )
        )
        for stage in stages:
            if complaint_stage_key(stage) in done:
                continue
            referral = stage.complaint.referral
            raised += (
                raise_task(
                    acting_user=None,
                    kind=TaskKind.COMPLAINT_DUE,
                    key=complaint_stage_key(stage),
                    referral=referral,
                    assigned_to=stage.handler,
                    due_on=stage.respond_by,
                    summary=f"Answer {referral.participant.full_name}'s complaint (stage "
                    f"{stage.number}) by {stage.respond_by:%-d %B %Y}.",
                )
                is not None
            )
    return raised
