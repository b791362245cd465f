"""Questionnaires (staff entry and the supervised kiosk), risk scores and pathways."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from groupwork.assessment import services
from groupwork.assessment.forms import (
    AnswersForm,
    KioskAnswerForm,
    KioskCloseForm,
    PathwayForm,
    RiskForm,
    StartQuestionnaireForm,
)
from groupwork.assessment.middleware import KIOSK_SESSION_KEY
from groupwork.assessment.models import Administration, InstrumentVersion
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import CASE_WRITERS, Scope, allow
from groupwork.organisation.models import Role, User
from groupwork.referrals.fetch import get_referral_for
from groupwork.referrals.models import Referral

QUESTIONNAIRE_STAFF = CASE_WRITERS | {Role.FACILITATOR}


def get_administration_for(user: User, administration_id: uuid.UUID) -> Administration:
    """A sitting of a man the user may see (404 otherwise); the read is audited."""
    administration = get_object_or_404(
        Administration.objects.filter(
            referral__in=Referral.objects.visible_to(user)
        ).select_related("referral__participant", "version__instrument"),
        pk=administration_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=administration,
        participant=administration.referral.participant,
    )
    return administration


def _latest_versions() -> list[InstrumentVersion]:
    latest: dict[int, InstrumentVersion] = {}
    for version in InstrumentVersion.objects.select_related("instrument").order_by("number"):
        latest[version.instrument_id] = version
    return list(latest.values())


@allow(QUESTIONNAIRE_STAFF, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def questionnaire_start(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    versions = InstrumentVersion.objects.filter(pk__in=[v.pk for v in _latest_versions()])
    form = StartQuestionnaireForm(
        request.POST if request.method == "POST" else None,
        occasions=services.occasion_codes(referral),
        versions=versions.select_related("instrument"),
    )
    if request.method == "POST" and form.is_valid():
        administration = services.start_administration(
            acting_user=user,
            referral=referral,
            occasion=form.cleaned_data["occasion"],
            version=form.cleaned_data["version"],
            mode=form.cleaned_data["mode"],
        )
        return redirect("questionnaire", administration_id=administration.pk)
    return render(
        request,
        "assessment/start.html",
        {"referral": referral, "form": form, "errors": form.error_summary()},
    )


@allow(QUESTIONNAIRE_STAFF, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, administration_id: uuid.UUID) -> HttpResponse:
    """All the questions on one page: saved part-way, resumed, or finished and scored."""
    user = cast(User, request.user)
    administration = get_administration_for(user, administration_id)
    instrument = administration.version.parsed
    initial: dict[str, Any] = {
        f"item_{item}": value for item, value in administration.answers_by_item().items()
    }
    initial.update(
        {"assistance": administration.assistance, "assisted_by": administration.assisted_by_id}
    )
    helpers = User.objects.filter(area_id=user.area_pk, is_active=True).exclude(
        role=Role.SYSTEM_ADMIN
    )
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        instrument=instrument,
        helpers=helpers,
    )
    if request.method == "POST" and not administration.is_completed and form.is_valid():
        try:
            services.save_answers(
                acting_user=user,
                administration=administration,
                answers=form.answers(),
                assistance=form.cleaned_data["assistance"],
                assisted_by=form.cleaned_data["assisted_by"],
            )
            if request.POST.get("action") == "finish":
                services.complete_administration(acting_user=user, administration=administration)
                messages.success(request, "The questionnaire is finished and scored.")
                return redirect(
                    "participant-detail", participant_id=administration.referral.participant_id
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Answers saved. You can come back to finish them.")
            return redirect("questionnaire", administration_id=administration.pk)
    return render(
        request,
        "assessment/questionnaire.html",
        {
            "administration": administration,
            "instrument": instrument,
            "form": form,
            "errors": form.error_summary(),
            "occasion": services.occasion_codes(administration.referral).get(
                administration.occasion, administration.occasion
            ),
            "can_open_kiosk": not administration.is_completed,
        },
    )


@allow(QUESTIONNAIRE_STAFF, scope=Scope.VISIBLE_PARTICIPANTS)
@require_POST
def kiosk_open(request: HttpRequest, administration_id: uuid.UUID) -> HttpResponse:
    """Hand the device to the man: until staff sign in to close it, it shows only his
    questionnaire."""
    user = cast(User, request.user)
    administration = get_administration_for(user, administration_id)
    if administration.is_completed:
        messages.success(request, "This questionnaire is already finished.")
        return redirect("questionnaire", administration_id=administration.pk)
    services.open_kiosk(acting_user=user, administration=administration)
    request.session[KIOSK_SESSION_KEY] = str(administration.pk)
    return redirect("kiosk")


def _kiosk_administration(request: HttpRequest) -> Administration | None:
    administration_id = request.session.get(KIOSK_SESSION_KEY)
    if not administration_id:
        return None
    return Administration.objects.select_related("version").filter(pk=administration_id).first()


@allow(QUESTIONNAIRE_STAFF, scope=Scope.KIOSK)
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """One question a screen, each answer kept at once."""
    user = cast(User, request.user)
    administration = _kiosk_administration(request)
    if administration is None:
        return redirect("home")
    instrument = administration.version.parsed
    answers = administration.answers_by_item()
    numbers = [item.number for item in instrument.items]
    if administration.is_completed:
        return render(request, "assessment/kiosk_done.html", {"kiosk": True})
    if request.method == "POST" and request.POST.get("action") == "finish":
        services.complete_administration(acting_user=user, administration=administration)
        return render(request, "assessment/kiosk_done.html", {"kiosk": True})
    number = _question_number(request, numbers, answers)
    form = KioskAnswerForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": answers.get(number)},
        instrument=instrument,
    )
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["answer"]
        services.save_answers(
            acting_user=user,
            administration=administration,
            answers={number: value if value != "" else None},
        )
        return _next_screen(request, number, numbers)
    item = next(item for item in instrument.items if item.number == number)
    return render(
        request,
        "assessment/kiosk.html",
        {
            "kiosk": True,
            "item": item,
            "form": form,
            "position": numbers.index(number) + 1,
            "count": len(numbers),
            "is_first": numbers.index(number) == 0,
            "introduction": instrument.introduction if numbers.index(number) == 0 else "",
        },
    )


def _next_screen(request: HttpRequest, number: int, numbers: list[int]) -> HttpResponse:
    """After an answer: back a question, on to the next, or the last screen."""
    if request.POST.get("action") == "back":
        earlier = [n for n in numbers if n < number]
        return redirect(f"/kiosk/?question={earlier[-1] if earlier else number}")
    following = [n for n in numbers if n > number]
    if following:
        return redirect(f"/kiosk/?question={following[0]}")
    return render(request, "assessment/kiosk_review.html", {"kiosk": True, "count": len(numbers)})


def _question_number(
    request: HttpRequest, numbers: list[int], answers: dict[int, int | None]
) -> int:
    asked = request.GET.get("question", "")
    if asked.isdigit() and int(asked) in numbers:
        return int(asked)
    return next((n for n in numbers if n not in answers), numbers[-1])


@allow(QUESTIONNAIRE_STAFF, scope=Scope.KIOSK)
@require_http_methods(["GET", "POST"])
def kiosk_close(request: HttpRequest) -> HttpResponse:
    """Only a member of staff signing in ends kiosk mode."""
    administration = _kiosk_administration(request)
    form = KioskCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        staff = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if staff is None or staff.role == Role.SYSTEM_ADMIN:
            form.add_error(None, "Enter a correct staff username and password.")
        else:
            request.session.pop(KIOSK_SESSION_KEY, None)
            login(request, staff)
            record_event(
                acting_user=staff,
                action=Action.KIOSK_CLOSED,
                subject=administration,
                participant=administration.referral.participant if administration else None,
            )
            if administration is not None:
                return redirect("questionnaire", administration_id=administration.pk)
            return redirect("home")
    return render(
        request,
        "assessment/kiosk_close.html",
        {"kiosk": True, "form": form, "errors": form.error_summary()},
    )


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def risk_score(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    form = RiskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.record_risk_score(
                acting_user=user, referral=referral, inputs=dict(form.cleaned_data)
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, f"Risk Matrix 2000/S: {risk.category}.")
            return redirect("participant-detail", participant_id=referral.participant_id)
    return render(
        request,
        "assessment/risk.html",
        {"referral": referral, "form": form, "errors": form.error_summary()},
    )


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def pathway_decision(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    definition = referral.programme.current_version().parsed
    try:
        proposal: dict[str, Any] | None = services.propose_pathway(referral)
        not_ready = ""
    except ValidationError as error:
        proposal, not_ready = None, " ".join(error.messages)
    pathways = [(p.code, p.label) for p in definition.pathways]
    if user.role != Role.PROGRAMME_MANAGER and proposal is not None:
        pathways = [(code, label) for code, label in pathways if code == proposal["pathway"]]
    form = PathwayForm(
        request.POST if request.method == "POST" else None,
        initial={"pathway": proposal["pathway"] if proposal else None},
        pathways=pathways,
    )
    if request.method == "POST" and proposal is not None and form.is_valid():
        try:
            decision = services.decide_pathway(
                acting_user=user,
                referral=referral,
                pathway=form.cleaned_data["pathway"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = definition.pathway(decision.pathway).label
            messages.success(request, f"Pathway recorded: {label}.")
            return redirect("participant-detail", participant_id=referral.participant_id)
    return render(
        request,
        "assessment/pathway.html",
        {
            "referral": referral,
            "proposal": proposal,
            "proposal_label": definition.pathway(proposal["pathway"]).label if proposal else "",
            "not_ready": not_ready,
            "form": form,
            "errors": form.error_summary(),
        },
    )
