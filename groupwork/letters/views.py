from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.complaints import complaint_letters_hidden_from
from groupwork.core.access import CASE_READERS, Scope, allow
from groupwork.letters.models import Letter, LetterKind
from groupwork.organisation.models import Role, User
from groupwork.referrals.models import Referral

COURT_REPORTS = (LetterKind.BREACH_REPORT, LetterKind.RECALL_REPORT)


@allow(CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    """A letter as it was sent, to a member of staff who may see the man."""
    user = cast(User, request.user)
    letters = Letter.objects.filter(referral__in=Referral.objects.visible_to(user))
    if user.role == Role.FACILITATOR:
        # Reports for the court or a recall are for his officer and their managers, and so
        # are answers to his complaints.
        letters = letters.exclude(kind__in=(*COURT_REPORTS, LetterKind.COMPLAINT_RESPONSE))
    # Staff a complaint names do not see its handling, its letters included.
    letters = letters.exclude(pk__in=complaint_letters_hidden_from(user))
    letter = get_object_or_404(
        letters.select_related("referral__participant"),
        pk=letter_id,
    )
    record_event(
        acting_user=user,
        action=Action.PARTICIPANT_VIEWED,
        subject=letter,
        participant=letter.referral.participant,
    )
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
