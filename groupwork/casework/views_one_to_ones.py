"""One-to-ones: a man's list of them, and one meeting with its booking and record."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from groupwork.attendance.views_absences import enforcement_url
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework import one_to_ones as services
from groupwork.casework.forms_one_to_ones import (
    HELD,
    MissedDecisionForm,
    OneToOneBookingForm,
    OneToOneRecordForm,
)
from groupwork.casework.models import OneToOne, OneToOneStatus
from groupwork.core.access import ENFORCEMENT_DECIDERS, ENFORCEMENT_READERS, Scope, allow
from groupwork.core.forms import GovukForm
from groupwork.organisation.models import Role, User
from groupwork.participants.fetch import get_participant_for
from groupwork.referrals.models import Referral

# His officer, their manager, the programme manager and the Chief Officer see one-to-ones;
# only his officer or their manager books and records them (one_to_ones.may_record).
ONE_TO_ONE_READERS = ENFORCEMENT_READERS
ONE_TO_ONE_WRITERS = ENFORCEMENT_DECIDERS
# Planning works from his timetable; the programme manager may start it too.
ONE_TO_ONE_PLANNERS = frozenset({Role.OFFENDER_MANAGER, Role.MANAGER, Role.PROGRAMME_MANAGER})


def get_one_to_one_for(user: User, one_to_one_id: int) -> OneToOne:
    """The one-to-one of a man the user may see (404 otherwise); the read is audited."""
    one = get_object_or_404(
        OneToOne.objects.filter(referral__in=Referral.objects.visible_to(user)).select_related(
            "referral__participant",
            "referral__responsible_officer",
            "facilitator",
            "recorded_by",
        ),
        pk=one_to_one_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=one,
        participant=one.referral.participant,
    )
    return one


def _apply(form: GovukForm, change: Callable[[], OneToOne]) -> bool:
    """Run the service; its refusals become the form's errors."""
    try:
        change()
    except ValidationError as problem:
        for message in problem.messages:
            form.add_error(None, message)
        return False
    return True


@allow(ONE_TO_ONE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def one_to_one_page(request: HttpRequest, one_to_one_id: int) -> HttpResponse:
    """One meeting: when it is due, its booking and what happened; his officer (or their
    manager) books it, records it, and decides a miss that waited for a doctor's note."""
    user = cast(User, request.user)
    one = get_one_to_one_for(user, one_to_one_id)
    can_write = user.role in ONE_TO_ONE_WRITERS and services.may_record(user, one.referral)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    man = one.referral.participant
    action = request.POST.get("action") if request.method == "POST" else None
    booking = OneToOneBookingForm(
        request.POST if action == "book" else None,
        three_way=one.three_way,
        facilitators=User.objects.filter(
            area_id=man.area_id, role=Role.FACILITATOR, is_active=True
        ).order_by("last_name", "first_name"),
    )
    recording = OneToOneRecordForm(request.POST if action == "record" else None)
    deciding = MissedDecisionForm(request.POST if action == "decide" else None)
    done = ""
    if action == "book" and booking.is_valid():
        if _apply(
            booking,
            lambda: services.book_one_to_one(
                acting_user=user,
                one_to_one=one,
                booked_for=booking.booked_for,
                facilitator=booking.cleaned_data.get("facilitator"),
            ),
        ):
            done = "The one-to-one is booked. He will get a reminder if he agreed to them."
    elif action == "record" and recording.is_valid():
        if recording.cleaned_data["outcome"] == HELD:
            saved = _apply(
                recording,
                lambda: services.record_held(
                    acting_user=user, one_to_one=one, notes=recording.cleaned_data["notes"]
                ),
            )
        else:
            saved = _apply(
                recording,
                lambda: services.record_missed(
                    acting_user=user,
                    one_to_one=one,
                    reason=recording.cleaned_data["missed_reason"],
                    decision=recording.missed_decision,
                    notes=recording.cleaned_data["notes"],
                ),
            )
        done = "The one-to-one is recorded." if saved else ""
    elif action == "decide" and deciding.is_valid():
        if _apply(
            deciding,
            lambda: services.decide_missed(
                acting_user=user,
                one_to_one=one,
                acceptable=deciding.acceptable,
                reason=deciding.cleaned_data["reason"],
            ),
        ):
            done = "The decision is recorded."
    if done:
        messages.success(request, done)
        return redirect("one-to-one", one_to_one_id=one.pk)
    enforcement = services.enforcement_for(one)
    return render(
        request,
        "casework/one_to_one.html",
        {
            "one": one,
            "participant": man,
            "can_book": can_write and one.status in services.BOOKABLE,
            "can_record": can_write and one.status == OneToOneStatus.BOOKED,
            "can_decide": can_write and one.status == OneToOneStatus.MISSED_PENDING,
            "booking": booking,
            "recording": recording,
            "deciding": deciding,
            "errors": booking.error_summary()
            + recording.error_summary()
            + deciding.error_summary(),
            "enforcement": enforcement,
            "enforcement_url": enforcement_url(enforcement.pk) if enforcement else "",
        },
    )


@allow(ONE_TO_ONE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def one_to_one_list(request: HttpRequest, participant_id: uuid.UUID) -> HttpResponse:
    """His one-to-ones, in the order they fall due. Planning them from his timetable is a
    separate POST: looking at the list changes nothing."""
    user = cast(User, request.user)
    participant = get_participant_for(user, participant_id)
    can_plan = user.role in ONE_TO_ONE_PLANNERS
    referral = participant.referrals.filter(status__is_closed=False).first()
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        if referral is None:
            messages.success(request, "He has no open referral, so there is nothing to plan.")
        else:
            changed = services.plan_one_to_ones(acting_user=user, referral=referral)
            messages.success(
                request,
                f"{len(changed)} one-to-one{'' if len(changed) == 1 else 's'} added or moved."
                if changed
                else "His one-to-ones already match his timetable.",
            )
        return redirect("one-to-one-list", participant_id=participant.pk)
    meetings = (
        OneToOne.objects.filter(referral__participant=participant)
        .select_related("facilitator")
        .order_by("due_on", "pk")
    )
    return render(
        request,
        "casework/one_to_one_list.html",
        {
            "participant": participant,
            "meetings": meetings,
            "can_plan": can_plan and referral is not None,
        },
    )
