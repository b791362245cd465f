"""Data rights on a man's case: his subject access export, and who may see a restricted case."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from groupwork.casework.models import Complaint
from groupwork.core.access import Scope, allow
from groupwork.groups.models import Membership
from groupwork.organisation.models import Role, User
from groupwork.participants import services
from groupwork.participants.fetch import get_participant_for
from groupwork.participants.forms import RestrictionForm
from groupwork.participants.models import Participant
from groupwork.participants.subject_access import export_subject_access, withheld_letters
from groupwork.referrals.models import Referral

SUBJECT_ACCESS_EXPORTERS = frozenset({Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER})
RESTRICTION_SETTERS = frozenset({Role.PROGRAMME_MANAGER})


@allow(SUBJECT_ACCESS_EXPORTERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """GET explains the export; POST makes it and sends the ZIP (audited)."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    # Staff a complaint names may not see its handling, and the export holds it.
    named_in_complaint = Complaint.objects.filter(
        referral__participant=participant, named_staff=user
    ).exists()
    if request.method == "POST":
        if named_in_complaint:
            raise PermissionDenied
        export = export_subject_access(acting_user=user, participant=participant)
        response = HttpResponse(export.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "participants/subject_access.html",
        {
            "participant": participant,
            "named_in_complaint": named_in_complaint,
            "withheld": [] if named_in_complaint else withheld_letters(participant),
        },
    )


@allow(RESTRICTION_SETTERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def case_restriction(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """Choose the staff who may see his case, or lift the restriction."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    named = list(participant.restricted_to.order_by("last_name", "first_name"))
    if request.method == "POST" and "lift" in request.POST:
        services.set_restriction(acting_user=user, participant=participant, staff=[])
        messages.success(request, "His case is no longer restricted.")
        return redirect("participant-detail", participant_id=participant.pk)
    form = RestrictionForm(
        request.POST if request.method == "POST" else None,
        staff=area_staff(participant),
        describe=describer_for(participant),
        initial={"staff": named or [user]},
    )
    if request.method == "POST" and form.is_valid():
        services.set_restriction(
            acting_user=user, participant=participant, staff=form.cleaned_data["staff"]
        )
        messages.success(request, "Only the staff you chose may see his case.")
        return redirect("participant-detail", participant_id=participant.pk)
    return render(
        request,
        "participants/restriction.html",
        {
            "participant": participant,
            "named": named,
            "form": form,
            "errors": form.error_summary(),
        },
    )


def area_staff(participant: Participant) -> QuerySet[User]:
    return (
        User.objects.filter(area_id=participant.area_id, is_active=True)
        .exclude(role=Role.SYSTEM_ADMIN)
        .order_by("last_name", "first_name", "pk")
    )


def describer_for(participant: Participant) -> Callable[[User], str]:
    """Labels for the staff checkboxes: name, role and what they do for him, so that the
    programme manager does not leave out someone his case needs (his officer, his group's
    facilitators). Three queries, however many staff."""
    referrals = Referral.objects.filter(participant=participant)
    officers = set(referrals.values_list("responsible_officer_id", flat=True))
    officer_teams = set(
        referrals.exclude(responsible_officer__team__isnull=True).values_list(
            "responsible_officer__team_id", flat=True
        )
    )
    facilitators = set(
        Membership.objects.current()
        .filter(referral__participant=participant)
        .values_list("group__facilitators", flat=True)
    )

    def describe(user: User) -> str:
        parts = [user.get_full_name() or user.username, user.role_label]
        if user.pk in officers:
            parts.append("his offender manager")
        if user.pk in facilitators:
            parts.append("facilitates his group")
        if user.role == Role.MANAGER and user.team_id in officer_teams:
            parts.append("manages his officer's team")
        return ", ".join(parts)

    return describe
