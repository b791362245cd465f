"""Making a referral, correcting it, and changing its status."""

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from groupwork.core.access import CASE_WRITERS, Scope, allow
from groupwork.organisation.models import User
from groupwork.participants.forms import ParticipantForm
from groupwork.programmes.eligibility import eligibility_problems
from groupwork.referrals import services
from groupwork.referrals.fetch import get_referral_for
from groupwork.referrals.forms import ReferralForm, StatusChangeForm


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    data = request.POST if request.method == "POST" else None
    participant_form = ParticipantForm(data, area_id=user.area_pk, prefix="man")
    referral_form = ReferralForm(data, acting_user=user, prefix="referral")
    if (
        request.method == "POST"
        and participant_form.is_valid()
        and referral_form.is_valid()
        and eligible(participant_form, referral_form)
    ):
        referral = services.refer_new_participant(
            acting_user=user,
            participant_details={
                name: participant_form.cleaned_data[name] for name in participant_form.fields
            },
            referral_details={
                name: referral_form.cleaned_data[name] for name in referral_form.fields
            },
        )
        messages.success(request, f"Referral made for {referral.participant.full_name}.")
        return redirect("participant-detail", participant_id=referral.participant_id)
    errors = participant_form.error_summary() + referral_form.error_summary()
    return render(
        request,
        "referrals/create.html",
        {
            "participant_form": participant_form,
            "referral_form": referral_form,
            "errors": errors,
            "has_errors": bool(errors),
        },
    )


def eligible(participant_form: ParticipantForm, referral_form: ReferralForm) -> bool:
    """Check the man against the programme's eligibility; put each reason on its field."""
    man, referral = participant_form.cleaned_data, referral_form.cleaned_data
    problems = eligibility_problems(
        referral["programme"].current_version().parsed,
        sex=man["sex"],
        born=man["date_of_birth"],
        offence_category=referral["offence_category"],
        on=timezone.localdate(),
    )
    for field, message in problems.items():
        form = referral_form if field == "offence_category" else participant_form
        form.add_error(field, message)
    return not problems


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    form = ReferralForm(
        request.POST if request.method == "POST" else None, instance=referral, acting_user=user
    )
    if request.method == "POST" and form.is_valid():
        services.update_referral(
            acting_user=user,
            referral=referral,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "The referral is saved.")
        return redirect("participant-detail", participant_id=referral.participant_id)
    return render(
        request,
        "referrals/edit.html",
        {"referral": referral, "form": form, "errors": form.error_summary()},
    )


@allow(CASE_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def referral_status(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    form = StatusChangeForm(request.POST if request.method == "POST" else None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                acting_user=user,
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Status changed to {form.cleaned_data['to_status'].name}.")
            return redirect("participant-detail", participant_id=referral.participant_id)
    return render(
        request,
        "referrals/status.html",
        {"referral": referral, "form": form, "errors": form.error_summary()},
    )
