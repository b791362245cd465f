"""Documents printed from the letters module: a centre's information sheet, and the
completion letter and end-of-programme report."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.core.access import CASE_READERS, Scope, allow
from groupwork.letters.completion import (
    COMPLETION_WRITERS,
    NOT_COMPLETED,
    issue_completion_documents,
)
from groupwork.letters.enforcement import NoOfficeError
from groupwork.letters.forms import CompletionDocumentsForm
from groupwork.letters.information_sheet import VERSIONS, information_sheet_pdf
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Office, User
from groupwork.referrals.fetch import get_referral_for
from groupwork.referrals.status_machine import COMPLETED_STATUS

COMPLETION_KINDS = (LetterKind.COMPLETION, LetterKind.END_OF_PROGRAMME_REPORT)


@allow(CASE_READERS, scope=Scope.NONE)
@require_GET
def information_sheet(request: HttpRequest, office_slug: str, version: str) -> HttpResponse:
    """A group centre's information sheet for men, as a PDF: staff of its area print it."""
    user = cast(User, request.user)
    if version not in VERSIONS:
        raise Http404("No such version of the sheet.")
    centre = get_object_or_404(
        Office.objects.select_related("area"),
        slug=office_slug,
        area_id=user.area_pk,
        is_group_centre=True,
    )
    pdf = information_sheet_pdf(centre=centre, area=centre.area, version=version)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="information-sheet-{centre.slug}-{version}.pdf"'
    )
    return response


@allow(COMPLETION_WRITERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def completion_documents(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The completion letter to the man and the end-of-programme report for his officer,
    once his referral is completed."""
    user = cast(User, request.user)
    referral = get_referral_for(user, referral_id)
    completed = referral.status_id == COMPLETED_STATUS
    form = CompletionDocumentsForm(request.POST if request.method == "POST" and completed else None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and not completed:
        errors = [("", NOT_COMPLETED)]  # refused: the form is not even read
    elif request.method == "POST" and form.is_valid():
        try:
            issue_completion_documents(
                acting_user=user,
                referral=referral,
                facilitator_summary=form.cleaned_data["facilitator_summary"],
            )
        except NoOfficeError:
            form.add_error(
                None,
                "His officer has no office to write from. Ask an administrator to set one.",
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "The completion letter and the end-of-programme report are written."
            )
            return redirect("participant-detail", participant_id=referral.participant_id)
    return render(
        request,
        "letters/completion_documents.html",
        {
            "referral": referral,
            "participant": referral.participant,
            "completed": completed,
            "form": form,
            "errors": errors or form.error_summary(),
            "written": Letter.objects.filter(referral=referral, kind__in=COMPLETION_KINDS).only(
                "pk", "kind", "created_at"
            ),
        },
    )
