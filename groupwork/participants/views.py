"""The caseload, search, a man's record and his details."""

import uuid
from collections.abc import Collection
from typing import Any, cast

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.allocation.services import caseload_forecasts
from groupwork.assessment.progress import referral_assessments
from groupwork.attendance.progress import RecordRows, progresses_for
from groupwork.attendance.views_absences import ABSENCE_USERS
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.complaints import COMPLAINT_RECORDERS
from groupwork.casework.views_one_to_ones import ONE_TO_ONE_READERS
from groupwork.core.access import CASE_READERS, CASE_WRITERS, Scope, allow
from groupwork.core.keyset import keyset_page
from groupwork.letters.completion import COMPLETION_WRITERS
from groupwork.organisation.models import Role, User
from groupwork.participants import services
from groupwork.participants.fetch import get_participant_for
from groupwork.participants.forms import ParticipantForm, TimelineFilterForm
from groupwork.participants.models import Participant
from groupwork.participants.timeline import (
    EventKind,
    Links,
    TimelineFacts,
    build_timeline,
    letters_shown_to,
    load_timeline,
)
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.status_machine import COMPLETED_STATUS

CASELOAD_PAGE_SIZE = 25
CASELOAD_ORDER = ("last_name", "first_name", "id")


@allow(CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    query = request.GET.get("q", "").strip()[:100]
    participants = Participant.objects.visible_to(user).prefetch_related(
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("status", "responsible_officer", "programme"),
        )
    )
    if query:
        participants = participants.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(case_reference__iexact=query)
        )
    page = keyset_page(
        participants, key=CASELOAD_ORDER, params=request.GET, size=CASELOAD_PAGE_SIZE
    )
    result_count = participants.count() if query else None
    if query:
        record_event(
            acting_user=user,
            action=Action.PARTICIPANTS_SEARCHED,
            detail={"query": query, "results": result_count},
        )
    else:
        record_event(
            acting_user=user,
            action=Action.CASELOAD_VIEWED,
            detail={"first_page": not page.previous_query},
        )
    current = [p.referrals.all()[0] for p in page.object_list if p.referrals.all()]
    at_risk = {
        referral_id: forecast
        for referral_id, forecast in caseload_forecasts(current, user.area_id).items()
        if forecast.at_risk
    }
    return render(
        request,
        "participants/caseload.html",
        {
            "at_risk": at_risk,
            "page": page,
            "query": query,
            "result_count": result_count,
            "heading": "Your caseload"
            if user.role == Role.OFFENDER_MANAGER
            else "Men on programmes",
            "can_refer": user.role in CASE_WRITERS,
        },
    )


def share_programmes(referrals: list[Referral]) -> None:
    """Give referrals to the same programme one Programme object, so that its current version
    is read once for the page (Programme.current_version)."""
    programmes: dict[int, Programme] = {}
    for referral in referrals:
        referral.programme = programmes.setdefault(referral.programme_id, referral.programme)


def record_rows(facts: TimelineFacts, kinds: Collection[EventKind]) -> RecordRows | None:
    """His places, marks and catch-ups as the timeline read them, unless its filter left
    some out."""
    if not {EventKind.ALLOCATION, EventKind.SESSION, EventKind.CATCH_UP} <= set(kinds):
        return None
    return RecordRows(facts.memberships, facts.attendances, facts.catch_ups)


def assessment_read(facts: TimelineFacts, kinds: Collection[EventKind]) -> dict[str, Any]:
    """His questionnaires and pathway decisions as the timeline read them, where it did."""
    read: dict[str, Any] = {}
    if EventKind.QUESTIONNAIRE in kinds:
        read["administrations"] = facts.administrations
    if EventKind.PATHWAY in kinds:
        read["decisions"] = facts.pathway_decisions
    return read


@allow(CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def participant_detail(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """His record: details, letters, each referral's progress and assessment, and his
    timeline (filtered by `?kind=`), in a fixed number of queries however long his record."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    referrals = list(
        participant.referrals.select_related(
            "status", "status_reason", "programme", "responsible_officer"
        ).prefetch_related(
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related(
                    "from_status", "to_status", "reason", "changed_by"
                ),
            )
        )
    )
    share_programmes(referrals)
    letters = list(
        letters_shown_to(user, participant).only("pk", "kind", "created_at", "referral_id")
    )
    timeline_filter = TimelineFilterForm(request.GET or None)
    kinds = timeline_filter.kinds()
    facts = load_timeline(
        participant, viewer=user, referrals=referrals, letters=letters, kinds=kinds
    )
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "referrals": list(
                zip(
                    referrals,
                    referral_assessments(referrals, **assessment_read(facts, kinds)),
                    progresses_for(referrals, rows=record_rows(facts, kinds)),
                    strict=True,
                )
            ),
            "can_edit": user.role in CASE_WRITERS,
            "can_report_absence": user.role in ABSENCE_USERS,
            "can_see_one_to_ones": user.role in ONE_TO_ONE_READERS,
            "can_record_complaint": user.role in COMPLAINT_RECORDERS,
            "can_assess": user.role in CASE_WRITERS | {Role.FACILITATOR},
            "can_write_completion": user.role in COMPLETION_WRITERS,
            "completed_status": COMPLETED_STATUS,
            "letters": letters,
            "timeline_filter": timeline_filter,
            "timeline": build_timeline(facts, Links(user, facts.openable_groups), kinds),
        },
    )


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        instance=participant,
        area_id=participant.area_id,
    )
    if request.method == "POST" and form.is_valid():
        services.update_participant(
            acting_user=user,
            participant=participant,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "His details are saved.")
        return redirect("participant-detail", participant_id=participant.pk)
    return render(
        request,
        "participants/edit.html",
        {"participant": participant, "form": form, "errors": form.error_summary()},
    )
