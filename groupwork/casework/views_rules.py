"""Recording each man's agreement to the group rules, at his first session."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from groupwork.attendance.services import members_at
from groupwork.attendance.views import get_session_for
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.forms_rules import RulesAgreementForm
from groupwork.casework.rules import agreements_at, record_rules_agreements
from groupwork.core.access import Scope, allow
from groupwork.organisation.models import Role, User

# Those who run the session witness the agreement: its facilitators, or the programme manager.
RULES_WITNESSES = frozenset({Role.FACILITATOR, Role.PROGRAMME_MANAGER})


@allow(RULES_WITNESSES, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def session_rules(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    """The group's rules, the men at the session who have agreed to them, and a box for each
    man who has not agreed yet."""
    user = cast(User, request.user)
    session = get_session_for(user, group_id, session_id)
    group = session.group
    expected = [membership.referral for membership in members_at(session)]
    agreed = agreements_at(session, [man.pk for man in expected])
    still_to_agree = [man for man in expected if man.pk not in agreed]
    form = RulesAgreementForm(
        request.POST if request.method == "POST" else None, men=still_to_agree
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = record_rules_agreements(
                acting_user=user, session=session, referral_ids=[man.pk for man in form.chosen]
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            count = len(recorded)
            messages.success(
                request,
                f"Agreement to the rules recorded for {count} man."
                if count == 1
                else f"Agreement to the rules recorded for {count} men.",
            )
            return redirect("session-rules", group_id=group.pk, session_id=session.pk)
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=user,
                action=Action.PARTICIPANT_VIEWED,
                subject=session,
                participant=man.participant,
            )
            for man in expected
        ]
    )
    return render(
        request,
        "casework/rules.html",
        {
            "session": session,
            "group": group,
            "rules": group.definition.group_rules,
            "agreed": [(man, agreed[man.pk]) for man in expected if man.pk in agreed],
            "form": form,
            "errors": form.error_summary(),
            "can_record": bool(still_to_agree)
            and not session.is_cancelled
            and session.date <= timezone.localdate(),
        },
    )
