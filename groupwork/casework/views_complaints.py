"""Complaints: recording one, a complaint and its stages, and the list of open complaints.

Every page fetches through `complaints_visible_to`, so staff a complaint names get 404."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework import complaints as services
from groupwork.casework.complaints import (
    COMPLAINT_RECORDERS,
    STAGE_TITLES,
    complaints_visible_to,
    eligible_handlers,
    get_complaint_for,
    may_act,
    may_escalate,
    open_stages,
)
from groupwork.casework.forms_complaints import (
    AcknowledgeForm,
    AnswerForm,
    ComplaintForm,
    EscalateForm,
)
from groupwork.casework.models import Complaint, ComplaintStage
from groupwork.core.access import COMPLAINT_READERS, Scope, allow
from groupwork.core.forms import GovukForm
from groupwork.organisation.models import Role, User
from groupwork.participants.fetch import get_participant_for
from groupwork.referrals.models import Referral

ACTIONS = ("acknowledge", "answer", "escalate")


@allow(COMPLAINT_RECORDERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """Record a complaint he made, who it names, and who handles stage 1."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    referral = (
        participant.referrals.select_related("participant", "responsible_officer")
        .order_by("status__is_closed", "-report_date")
        .first()
    )
    staff = User.objects.filter(area_id=participant.area_id, is_active=True).exclude(
        role=Role.SYSTEM_ADMIN
    )
    handlers = eligible_handlers(referral, 1) if referral is not None else User.objects.none()
    form = ComplaintForm(
        request.POST if request.method == "POST" else None, staff=staff, handlers=handlers
    )
    if request.method == "POST" and referral is not None and form.is_valid():
        try:
            complaint = services.record_complaint(
                acting_user=user,
                referral=referral,
                summary=form.cleaned_data["summary"],
                received_on=form.cleaned_data["received_on"],
                named_staff=list(form.cleaned_data["named_staff"]),
                handler=form.cleaned_data["handler"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            stage = complaint.stages.select_related("handler").get(number=1)
            handler = stage.handler.get_full_name() or stage.handler.username
            text = f"The complaint is recorded. {handler} handles it. Answer by "
            text += f"{stage.respond_by:%A %-d %B %Y}."
            if user in form.cleaned_data["named_staff"]:
                messages.success(request, f"{text} You are named in it, so you cannot see it.")
                return redirect("participant-detail", participant_id=participant.pk)
            messages.success(request, text)
            return redirect("complaint", complaint_id=complaint.pk)
    return render(
        request,
        "casework/complaint_create.html",
        {
            "participant": participant,
            "referral": referral,
            "form": form,
            "errors": form.error_summary(),
        },
    )


@dataclass(frozen=True)
class StageRow:
    """One stage as the complaint page shows it."""

    stage: ComplaintStage
    title: str
    current: bool
    acknowledge_overdue: bool
    respond_overdue: bool


def stage_rows(stages: list[ComplaintStage], today: datetime.date) -> list[StageRow]:
    rows = []
    for stage in stages:
        current = stage is stages[-1]
        waiting = current and stage.responded_on is None
        rows.append(
            StageRow(
                stage=stage,
                title=STAGE_TITLES.get(stage.number, ""),
                current=current,
                acknowledge_overdue=waiting
                and stage.acknowledged_on is None
                and stage.acknowledge_by < today,
                respond_overdue=waiting and stage.respond_by < today,
            )
        )
    return rows


@allow(COMPLAINT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complaint and every stage; its handler (or a programme manager or chief officer)
    acknowledges, answers or escalates the current stage here."""
    user = cast(User, request.user)
    complaint = get_complaint_for(user, complaint_id)
    stages = list(complaint.stages.select_related("handler").order_by("number"))
    named = list(complaint.named_staff.order_by("last_name", "first_name"))
    current = stages[-1]
    current.complaint = complaint
    can_act = may_act(user, current, {person.pk for person in named})
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        if action not in ACTIONS:
            return HttpResponseBadRequest("Unknown action.")
    today = timezone.localdate()
    is_open = current.responded_on is None
    data = request.POST if request.method == "POST" else None
    acknowledge = AcknowledgeForm(data if action == "acknowledge" else None)
    answer = AnswerForm(data if action == "answer" else None)
    escalate = None
    if may_escalate(current, today):
        escalate = EscalateForm(
            data if action == "escalate" else None,
            handlers=eligible_handlers(
                complaint.referral,
                current.number + 1,
                named_ids=[p.pk for p in named] + [stage.handler_id for stage in stages],
            ),
            number=current.number + 1,
        )
    refused: list[tuple[str, str]] = []
    if action == "escalate" and escalate is None:  # not yet, or no further stage
        refused.append(("", _why_not_escalate(current)))
    elif action is not None:
        form = {"acknowledge": acknowledge, "answer": answer, "escalate": escalate}[action]
        assert form is not None  # noqa: S101  (escalate is None only when handled above)
        done = _act(request, user, complaint, current, action, form)
        if done is not None:
            return done
    forms: list[GovukForm] = [acknowledge, answer, *([escalate] if escalate else [])]
    return render(
        request,
        "casework/complaint_detail.html",
        {
            "complaint": complaint,
            "participant": complaint.referral.participant,
            "sees_man": Referral.objects.visible_to(user).filter(pk=complaint.referral_id).exists(),
            "named": named,
            "rows": stage_rows(stages, today),
            "current": current,
            "is_open": is_open,
            "can_act": can_act,
            "can_acknowledge": can_act and is_open and current.acknowledged_on is None,
            "can_answer": can_act and is_open,
            "can_escalate": can_act and escalate is not None,
            "next_stage": current.number + 1,
            "acknowledge": acknowledge,
            "answer": answer,
            "escalate": escalate,
            "errors": refused + [pair for form in forms for pair in form.error_summary()],
            "has_errors": bool(refused) or any(form.errors for form in forms),
            "today": today,
        },
    )


def _act(  # noqa: PLR0913  (the request and what it acts on, named)
    request: HttpRequest,
    user: User,
    complaint: Complaint,
    current: ComplaintStage,
    action: str,
    form: GovukForm,
) -> HttpResponse | None:
    """Carry out the posted action; a redirect when it is done, None to show the page with
    the form's errors."""
    if not form.is_valid():
        return None
    try:
        if action == "acknowledge":
            services.acknowledge_stage(
                acting_user=user,
                stage=current,
                acknowledged_on=form.cleaned_data["acknowledged_on"],
            )
            text = f"Stage {current.number} is acknowledged."
        elif action == "answer":
            services.answer_stage(
                acting_user=user,
                stage=current,
                outcome=form.cleaned_data["outcome"],
                response=form.cleaned_data["response"],
                responded_on=form.cleaned_data["responded_on"],
            )
            text = f"Stage {current.number} is answered. The letter to him is written."
        else:
            stage = services.escalate_complaint(
                acting_user=user,
                complaint=complaint,
                opened_on=form.cleaned_data["opened_on"],
                handler=form.cleaned_data["handler"],
            )
            text = (
                f"The complaint is now at stage {stage.number}. Answer by "
                f"{stage.respond_by:%A %-d %B %Y}."
            )
    except ValidationError as problem:
        for message in problem.messages:
            form.add_error(None, message)
        return None
    messages.success(request, text)
    return redirect("complaint", complaint_id=complaint.pk)


def _why_not_escalate(stage: ComplaintStage) -> str:
    if stage.number >= services.LAST_STAGE:
        return "Stage 3 is the last stage. The Chief Officer's answer is final."
    return (
        f"Stage {stage.number} can go further once it is answered, or after its deadline of "
        f"{stage.respond_by:%-d %B %Y} has passed."
    )


@allow(COMPLAINT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def complaint_stage(request: HttpRequest, stage_id: int) -> HttpResponse:
    """A stage's complaint (tasks name the stage)."""
    user = cast(User, request.user)
    stage = get_object_or_404(
        ComplaintStage.objects.filter(complaint__in=complaints_visible_to(user)), pk=stage_id
    )
    return redirect("complaint", complaint_id=stage.complaint_id)


@allow(COMPLAINT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Open complaints the user may see, soonest answer due first (so overdue first); the
    chief officer sees every open complaint in the area that does not name them."""
    user = cast(User, request.user)
    today = timezone.localdate()
    stages = list(open_stages(complaints_visible_to(user)))
    record_event(acting_user=user, action=Action.CASELOAD_VIEWED, detail={"list": "complaints"})
    return render(
        request,
        "casework/complaint_list.html",
        {
            "rows": [(stage, stage.respond_by < today) for stage in stages],
            "today": today,
            "titles": STAGE_TITLES,
        },
    )
