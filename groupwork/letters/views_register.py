"""The printable register of a session (PDF), for the same staff as the register page."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from groupwork.attendance.services import register_rows
from groupwork.attendance.views import REGISTER_TAKERS, get_session_for
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.core.access import Scope, allow
from groupwork.groups.models import SessionFacilitator
from groupwork.letters.register_sheet import register_sheet_pdf
from groupwork.organisation.models import User


@allow(REGISTER_TAKERS, scope=Scope.AREA_GROUPS)
@require_GET
def register_pdf(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    """The paper register: the group's facilitators or a programme manager of the area; every
    man it names is audited, as when the register page is opened."""
    user = cast(User, request.user)
    session = get_session_for(user, group_id, session_id)
    rows = register_rows(session)
    staffing = SessionFacilitator.objects.filter(session=session).select_related("facilitator")
    facilitators = [
        f"{seat.facilitator.get_full_name() or seat.facilitator.username}"
        + (" (cover)" if seat.is_cover else "")
        for seat in staffing.order_by("facilitator__last_name", "facilitator__first_name")
    ]
    pdf = register_sheet_pdf(
        session=session, rows=rows, facilitators=facilitators, today=timezone.localdate()
    )
    # One entry per man it names, marked as a printout: a paper copy now exists.
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=user,
                action=Action.REGISTER_VIEWED,
                subject=session,
                participant=row.referral.participant,
                detail={"printed": "register.pdf"},
            )
            for row in rows
        ]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="register-{session.group.pk}-session-{session.number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
