"""The waiting list with its forecasts; running, reviewing and confirming allocation."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groupwork.allocation import services
from groupwork.allocation.forms import ConfirmForm, KeepApartForm
from groupwork.allocation.models import AllocationRun, RunStatus
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import CASE_WRITERS, Scope, allow
from groupwork.core.keyset import keyset_page
from groupwork.organisation.models import Role, User
from groupwork.participants.fetch import get_participant_for
from groupwork.participants.models import Participant
from groupwork.programmes.models import Programme

WAITING_LIST_READERS = frozenset({Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER})
ALLOCATORS = frozenset({Role.PROGRAMME_MANAGER})
WAITING_LIST_PAGE_SIZE = 50


def _programme(request: HttpRequest) -> Programme:
    code = request.GET.get("programme") or request.POST.get("programme") or "csogp"
    return get_object_or_404(Programme, code=code)


@allow(WAITING_LIST_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    programme = _programme(request)
    page = keyset_page(
        services.waiting_referrals(user, programme),
        key=services.WAITING_ORDER,
        params=request.GET,
        size=WAITING_LIST_PAGE_SIZE,
    )
    waiting = page.object_list
    groups = services.upcoming_induction_groups(user.area_pk, programme)
    forecasts = services.forecasts(waiting, groups)
    record_event(
        acting_user=user,
        action=Action.CASELOAD_VIEWED,
        detail={
            "list": "waiting list",
            "programme": programme.code,
            "first_page": not page.previous_query,
        },
    )
    return render(
        request,
        "allocation/waiting_list.html",
        {
            "programme": programme,
            "page": page,
            "rows": [(referral, forecasts[referral.pk]) for referral in waiting],
            "ready": services.post_induction_referrals(user, programme),
            "can_allocate": user.role in ALLOCATORS,
            "runs": AllocationRun.objects.filter(area_id=user.area_pk, programme=programme)[:5],
        },
    )


@allow(ALLOCATORS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_POST
def allocation_run(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    run = services.propose_allocation(acting_user=user, programme=_programme(request))
    return redirect("allocation-review", run_id=run.pk)


@allow(ALLOCATORS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def allocation_review(request: HttpRequest, run_id: int) -> HttpResponse:
    """The proposal with every reason; nothing changes until the manager confirms."""
    user = cast(User, request.user)
    run = get_object_or_404(AllocationRun, pk=run_id, area_id=user.area_pk)
    # The stored proposal names the men its maker could see; show this reviewer only theirs
    # (never saved: confirming changes only the run's status).
    run.proposal = services.proposal_shown_to(user, run.proposal)
    groups = [
        (str(group.pk), group.name)
        for group in services.upcoming_induction_groups(user.area_pk, run.programme)
    ]
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, proposal=run.proposal, groups=groups
    )
    error = ""
    if request.method == "POST" and run.status == RunStatus.PROPOSED and form.is_valid():
        try:
            places = services.confirm_allocation(acting_user=user, run=run, choices=form.choices())
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"{len(places)} men have places. Their letters are ready.")
            return redirect("waiting-list")
    return render(
        request,
        "allocation/review.html",
        {"run": run, "form": form, "error": error, "confirmed": run.status == RunStatus.CONFIRMED},
    )


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def keep_apart(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    # Any man of the area (a co-defendant need not be on the user's caseload), but never a
    # restricted case that does not name the user.
    others = (
        Participant.objects.filter(area_id=participant.area_id)
        .exclude(pk=participant.pk)
        .exclude_restricted_from(user)
    )
    form = KeepApartForm(request.POST if request.method == "POST" else None, others=others)
    if request.method == "POST" and form.is_valid():
        services.record_keep_apart(
            acting_user=user,
            first=participant,
            second=form.cleaned_data["other"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "They will not be put in the same group.")
        return redirect("participant-detail", participant_id=participant.pk)
    return render(
        request,
        "allocation/keep_apart.html",
        {"participant": participant, "form": form, "errors": form.error_summary()},
    )
