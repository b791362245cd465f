"""Incidents of disrespectful behaviour: recording one at a session, the area's list with counts
by kind, and one incident with the men the viewer may see."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.attendance.views import get_session_for
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.forms_incidents import IncidentForm
from groupwork.casework.incidents import (
    audit_read,
    counts_by_kind,
    incidents_visible_to,
    men_at,
    men_shown,
    open_review_tasks,
    quarter_start,
    record_incident,
    review_incident,
)
from groupwork.core.access import Scope, allow
from groupwork.core.keyset import KeysetPage, keyset_page
from groupwork.organisation.models import Role, User
from groupwork.referrals.models import Referral

# Facilitators record what happened in their sessions; the programme manager may too.
INCIDENT_RECORDERS = frozenset({Role.FACILITATOR, Role.PROGRAMME_MANAGER})
# The list is for oversight: managers for their team's men, the area for the others.
INCIDENT_OVERSEERS = frozenset({Role.MANAGER, Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER})
INCIDENT_READERS = INCIDENT_OVERSEERS | {Role.FACILITATOR}
# Those who are given a task to review an incident, and close it here.
INCIDENT_REVIEWERS = frozenset({Role.MANAGER, Role.PROGRAMME_MANAGER})
PAGE_SIZE = 50


@allow(INCIDENT_RECORDERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = get_session_for(user, group_id, session_id)
    men = men_at(session)
    form = IncidentForm(request.POST if request.method == "POST" else None, men=men)
    if request.method == "POST" and form.is_valid():
        try:
            incident = record_incident(
                acting_user=user,
                session=session,
                kind=form.cleaned_data["kind"],
                men=list(form.cleaned_data["men"]),
                description=form.cleaned_data["description"],
                how_challenged=form.cleaned_data["how_challenged"],
                follow_up=form.cleaned_data["follow_up"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "The incident is recorded. The managers have been told.")
            return redirect("incident", incident_id=incident.pk)
    audit_read(user, session, [referral.participant for referral in men])  # the form names them
    return render(
        request,
        "casework/incident_create.html",
        {
            "session": session,
            "group": session.group,
            "form": form,
            "errors": form.error_summary(),
            "has_men": men.exists(),
            "recorded": incidents_visible_to(user).filter(session=session),
        },
    )


@allow(INCIDENT_OVERSEERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """Newest first, with the count of each kind this quarter and of all time."""
    user = cast(User, request.user)
    visible = incidents_visible_to(user)
    since = quarter_start(timezone.localdate())
    incidents = (
        visible.select_related("session__group")
        .annotate(men_count=Count("men", distinct=True))
        .prefetch_related(
            Prefetch(
                "men",
                queryset=Referral.objects.visible_to(user)
                .select_related("participant")
                .order_by("participant__last_name", "participant__first_name"),
                to_attr="visible_men",
            )
        )
    )
    page: KeysetPage[Any] = keyset_page(
        incidents, key=("-session__date", "-recorded_at", "-pk"), params=request.GET, size=PAGE_SIZE
    )
    record_event(
        acting_user=user,
        action=Action.CASELOAD_VIEWED,
        detail={"list": "incidents", "first_page": not page.previous_query},
    )
    return render(
        request,
        "casework/incident_list.html",
        {
            "page": page,
            "rows": [
                (incident, incident.men_count - len(incident.visible_men))
                for incident in page.object_list
            ],
            "counts": counts_by_kind(visible, since),
            "since": since,
        },
    )


@allow(INCIDENT_READERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One incident. The men the viewer may not see are counted, not named. A manager or
    programme manager with a task to review it marks it reviewed here."""
    user = cast(User, request.user)
    incident = get_object_or_404(
        incidents_visible_to(user).select_related("session__group", "recorded_by"),
        pk=incident_id,
    )
    if request.method == "POST":
        if user.role not in INCIDENT_REVIEWERS:
            raise PermissionDenied
        if review_incident(acting_user=user, incident=incident):
            messages.success(request, "You have reviewed the incident. Your task is closed.")
        return redirect("incident", incident_id=incident.pk)
    shown, others = men_shown(incident, user)
    audit_read(user, incident, [man.participant for man in shown])
    return render(
        request,
        "casework/incident.html",
        {
            "incident": incident,
            "session": incident.session,
            "group": incident.session.group,
            "men": shown,
            "others": others,
            "can_review": user.role in INCIDENT_REVIEWERS
            and open_review_tasks(user, incident).exists(),
            "back_to_list": user.role in INCIDENT_OVERSEERS,
        },
    )
