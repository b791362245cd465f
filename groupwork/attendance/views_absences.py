"""Absences told to us, the officer's decision on them, catch-ups, and the to-do list."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.attendance import services
from groupwork.attendance.content import content_titles
from groupwork.attendance.forms_absences import (
    AbsenceDecisionForm,
    AbsenceReportForm,
    CatchUpBookingForm,
    CatchUpDoneForm,
)
from groupwork.attendance.models import Absence, AbsenceStatus, CatchUp, CatchUpStatus
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.complaints import stages_to_answer
from groupwork.casework.models import OneToOne, OneToOneStatus
from groupwork.core.access import Scope, allow
from groupwork.enforcement.models import EnforcementItem
from groupwork.enforcement.services import may_decide_for
from groupwork.groups.models import Session, SessionStatus
from groupwork.organisation.models import Role, User
from groupwork.participants.fetch import get_participant_for
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from groupwork.tasks.models import Task

ABSENCE_USERS = frozenset(
    {Role.OFFENDER_MANAGER, Role.FACILITATOR, Role.MANAGER, Role.PROGRAMME_MANAGER}
)
# Only his officer (or the officer's manager) decides whether an absence is acceptable.
ABSENCE_DECIDERS = frozenset({Role.OFFENDER_MANAGER, Role.MANAGER})
# Facilitators run catch-ups; the programme manager books them too.
CATCH_UP_WRITERS = frozenset({Role.FACILITATOR, Role.PROGRAMME_MANAGER})
SESSIONS_BEFORE = datetime.timedelta(days=14)
SESSIONS_AFTER = datetime.timedelta(days=28)


def enforcement_url(item_id: int) -> str:
    try:
        return reverse("enforcement-item", args=[item_id])
    except NoReverseMatch:  # the enforcement pages are not there yet
        return f"/enforcement/{item_id}/"


def get_absence_for(user: User, absence_id: int) -> Absence:
    """The absence of a man the user may see (404 otherwise); the read is audited."""
    absence = get_object_or_404(
        Absence.objects.filter(referral__in=Referral.objects.visible_to(user)).select_related(
            "session__group",
            "referral__participant",
            "referral__responsible_officer",
            "reported_by",
            "decided_by",
        ),
        pk=absence_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=absence,
        participant=absence.referral.participant,
    )
    return absence


def get_catch_up_for(user: User, catch_up_id: int) -> CatchUp:
    """The catch-up of a man the user may see (404 otherwise); the read is audited."""
    catch_up = get_object_or_404(
        CatchUp.objects.filter(referral__in=Referral.objects.visible_to(user)).select_related(
            "missed_session__group__version",
            "referral__participant",
            "facilitator",
            "other_session__group",
            "recorded_by",
        ),
        pk=catch_up_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=catch_up,
        participant=catch_up.referral.participant,
    )
    return catch_up


def _sessions_he_could_miss(referral: Referral | None, today: datetime.date) -> QuerySet[Session]:
    """His groups' sessions from two weeks ago to four weeks ahead, while he had the place."""
    if referral is None:
        return Session.objects.none()
    place = (
        Q(group__memberships__referral=referral)
        & Q(group__memberships__joined_on__lte=F("date"))
        & (
            Q(group__memberships__left_on__isnull=True)
            | Q(group__memberships__left_on__gte=F("date"))
        )
    )
    return (
        Session.objects.filter(
            place,
            status=SessionStatus.SCHEDULED,
            date__range=(today - SESSIONS_BEFORE, today + SESSIONS_AFTER),
        )
        .select_related("group")
        .distinct()
        .order_by("date", "starts")
    )


@allow(ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def absence_report(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """Record an absence he told us about by phone, in person or by message."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    referral = participant.referrals.filter(status__is_closed=False).first()
    sessions = _sessions_he_could_miss(referral, timezone.localdate())
    form = AbsenceReportForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if request.method == "POST" and referral is not None and form.is_valid():
        try:
            absence = services.report_absence(
                acting_user=user,
                referral=referral,
                session=form.cleaned_data["session"],
                reason=form.cleaned_data["reason"],
                how_reported=form.cleaned_data["how_reported"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            text = "The absence is recorded."
            if absence.evidence_due:
                text += f" His doctor's note is due by {absence.evidence_due:%A %-d %B %Y}."
            messages.success(request, text)
            return redirect("absence-detail", absence_id=absence.pk)
    return render(
        request,
        "attendance/absence_report.html",
        {
            "participant": participant,
            "referral": referral,
            "form": form,
            "errors": form.error_summary(),
            "has_sessions": sessions.exists(),
        },
    )


@allow(ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def absence_detail(request: HttpRequest, absence_id: int) -> HttpResponse:
    user = cast(User, request.user)
    absence = get_absence_for(user, absence_id)
    enforcement = None
    if absence.status == AbsenceStatus.UNACCEPTABLE:
        enforcement = (
            EnforcementItem.objects.filter(
                referral_id=absence.referral_id, failure_date=absence.session.date
            )
            .order_by("-pk")
            .first()
        )
    today = timezone.localdate()
    return render(
        request,
        "attendance/absence_detail.html",
        {
            "absence": absence,
            "participant": absence.referral.participant,
            "overdue": _sick_note_overdue(absence, today),
            "enforcement": enforcement,
            "enforcement_url": enforcement_url(enforcement.pk) if enforcement else "",
            "catch_up": CatchUp.objects.filter(
                referral_id=absence.referral_id, missed_session_id=absence.session_id
            ).first(),
            "can_decide": may_decide_for(user, absence.referral)
            and absence.status == AbsenceStatus.PENDING,
        },
    )


def _sick_note_overdue(absence: Absence, today: datetime.date) -> bool:
    return (
        absence.status == AbsenceStatus.PENDING
        and absence.evidence_due is not None
        and absence.evidence_received_on is None
        and absence.evidence_due < today
    )


@allow(ABSENCE_DECIDERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def absence_decide(request: HttpRequest, absence_id: int) -> HttpResponse:
    """His officer decides whether the absence is acceptable, with the evidence seen."""
    user = cast(User, request.user)
    absence = get_absence_for(user, absence_id)
    form = AbsenceDecisionForm(
        request.POST if request.method == "POST" else None, medical=absence.is_medical
    )
    pending = absence.status == AbsenceStatus.PENDING
    if request.method == "POST" and pending and form.is_valid():
        try:
            decided = services.decide_absence(
                acting_user=user,
                absence=absence,
                acceptable=form.acceptable,
                reason=form.cleaned_data["reason"],
                evidence_received_on=form.cleaned_data["evidence_received_on"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _decision_banner(decided))
            return redirect("absence-detail", absence_id=absence.pk)
    return render(
        request,
        "attendance/absence_decide.html",
        {
            "absence": absence,
            "participant": absence.referral.participant,
            "form": form,
            "errors": form.error_summary(),
            "pending": pending,
        },
    )


def _decision_banner(absence: Absence) -> str:
    if absence.status == AbsenceStatus.ACCEPTABLE:
        return "The absence is acceptable. It does not count against him."
    item = (
        EnforcementItem.objects.filter(
            referral_id=absence.referral_id, failure_date=absence.session.date
        )
        .order_by("-pk")
        .first()
    )
    if item is None:
        return "The absence is not acceptable."
    return format_html(
        'The absence is not acceptable. <a class="govuk-notification-banner__link" '
        'href="{}">Decide the enforcement action</a> by {}.',
        enforcement_url(item.pk),
        f"{item.must_act_by:%-d %B %Y}",
    )


def _other_group_sessions(catch_up: CatchUp, today: datetime.date) -> QuerySet[Session]:
    """Later sessions of other groups of the same programme and module, with the same number."""
    missed = catch_up.missed_session
    return (
        Session.objects.filter(
            group__area_id=missed.group.area_id,
            group__programme_id=missed.group.programme_id,
            group__module=catch_up.module,
            number=missed.number,
            status=SessionStatus.SCHEDULED,
            date__gt=today,
        )
        .exclude(group_id=missed.group_id)
        .select_related("group")
        .order_by("date", "starts")
    )


@allow(ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def catch_up_page(request: HttpRequest, catch_up_id: int) -> HttpResponse:
    """The content he missed, and booking and finishing the catch-up."""
    user = cast(User, request.user)
    catch_up = get_catch_up_for(user, catch_up_id)
    can_write = user.role in CATCH_UP_WRITERS
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    today = timezone.localdate()
    participant = catch_up.referral.participant
    action = request.POST.get("action") if request.method == "POST" else None
    booking = CatchUpBookingForm(
        request.POST if action == "book" else None,
        facilitators=User.objects.filter(
            area_id=participant.area_id, role=Role.FACILITATOR, is_active=True
        ).order_by("last_name", "first_name"),
        other_sessions=_other_group_sessions(catch_up, today),
    )
    done = CatchUpDoneForm(request.POST if action == "done" else None)
    submitted = {"book": booking, "done": done}.get(action or "")
    if submitted is not None and submitted.is_valid():
        data = submitted.cleaned_data
        try:
            if submitted is booking:
                services.book_catch_up(
                    acting_user=user,
                    catch_up=catch_up,
                    mode=data["mode"],
                    booked_for=data["booked_for"],
                    facilitator=data["facilitator"],
                    other_session=data["other_session"],
                )
            else:
                services.complete_catch_up(
                    acting_user=user,
                    catch_up=catch_up,
                    done_on=data["done_on"],
                    note=data["note"],
                )
        except ValidationError as problem:
            for message in problem.messages:
                submitted.add_error(None, message)
        else:
            booked = submitted is booking
            messages.success(request, f"The catch-up is {'booked' if booked else 'done'}.")
            return redirect("catch-up", catch_up_id=catch_up.pk)
    group = catch_up.missed_session.group
    try:
        titles = content_titles(group.definition.module(catch_up.module), catch_up.content)
    except KeyError:  # a module the group's definition version does not have
        titles = []
    return render(
        request,
        "attendance/catch_up.html",
        {
            "catch_up": catch_up,
            "participant": participant,
            "group": group,
            "titles": titles,
            "can_write": can_write and catch_up.status != CatchUpStatus.DONE,
            "booking": booking,
            "done": done,
            "errors": booking.error_summary() + done.error_summary(),
            "has_errors": bool(booking.errors or done.errors),
        },
    )


def task_url(task: Task) -> str:
    """The page where the task is done, from the record its key names."""
    if task.key.startswith("incident-"):  # incident-<id>-<man or programme manager>
        return reverse("incident", args=[int(task.key.split("-")[1])])
    kind, _, pk = task.key.rpartition("-")
    if not pk.isdigit():
        return reverse("participant-detail", args=[task.referral.participant_id])
    pages = {
        "absence": lambda: reverse("absence-detail", args=[int(pk)]),
        "catch-up": lambda: reverse("catch-up", args=[int(pk)]),
        "enforcement": lambda: enforcement_url(int(pk)),
        "one-to-one": lambda: reverse("one-to-one", args=[int(pk)]),
        "complaint-stage": lambda: reverse("complaint-stage", args=[int(pk)]),
    }
    page = pages.get(kind)
    return page() if page else reverse("participant-detail", args=[task.referral.participant_id])


@allow(ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """Absences waiting for a decision, catch-ups to run, enforcement to act on, and tasks,
    for the men the user may see; a fixed number of queries however long the lists."""
    user = cast(User, request.user)
    today = timezone.localdate()
    men = Referral.objects.visible_to(user)
    absences = (
        Absence.objects.pending()
        .filter(referral__in=men)
        .select_related("session__group", "referral__participant")
        .order_by(F("evidence_due").asc(nulls_last=True), "session__date", "pk")
    )
    catch_ups = (
        CatchUp.objects.outstanding()
        .filter(referral__in=men)
        .select_related("missed_session__group", "referral__participant")
    )
    enforcement: list[tuple[EnforcementItem, str]] = []
    if user.role != Role.FACILITATOR:
        enforcement = [
            (item, enforcement_url(item.pk))
            for item in EnforcementItem.objects.open()
            .filter(referral__in=men)
            .select_related("referral__participant")
        ]
    one_to_ones: list[OneToOne] = []
    if user.role != Role.FACILITATOR:  # his officer's meetings: due within two weeks, not held
        one_to_ones = list(
            OneToOne.objects.filter(
                referral__in=men, due_on__lte=today + datetime.timedelta(days=14)
            )
            .exclude(status=OneToOneStatus.HELD)
            .select_related("referral__participant")
        )
    # Complaint stages the user handles (facilitators handle none).
    complaints = list(stages_to_answer(user)) if user.role != Role.FACILITATOR else []
    tasks = (
        Task.objects.open()
        .filter(assigned_to=user)
        # Not `men`: a complaint's handler may not see the man; but never a restricted case.
        .filter(referral__participant__in=Participant.objects.exclude_restricted_from(user))
        .select_related("referral__participant")
    )
    record_event(acting_user=user, action=Action.CASELOAD_VIEWED, detail={"list": "to-do"})
    context: dict[str, Any] = {
        "absences": [(absence, _sick_note_overdue(absence, today)) for absence in absences],
        "catch_ups": list(catch_ups),
        "enforcement": enforcement,
        "shows_enforcement": user.role != Role.FACILITATOR,
        "one_to_ones": one_to_ones,
        "shows_one_to_ones": user.role != Role.FACILITATOR,
        "complaints": [(stage, stage.respond_by < today) for stage in complaints],
        "shows_complaints": user.role != Role.FACILITATOR,
        "tasks": [(task, task_url(task)) for task in tasks],
        "today": today,
    }
    return render(request, "attendance/todo.html", context)
