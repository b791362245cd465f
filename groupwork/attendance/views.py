"""The register page: the whole group marked and saved in one submission."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from groupwork.attendance.forms import RegisterForm, RegisterRowForm, initial_for
from groupwork.attendance.models import Attendance, Outcome, Register
from groupwork.attendance.services import (
    RegisterConflict,
    RegisterRow,
    register_rows,
    save_register,
)
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.core.access import Scope, allow
from groupwork.groups.models import Group, Session
from groupwork.organisation.models import Role, User

REGISTER_TAKERS = frozenset({Role.FACILITATOR, Role.PROGRAMME_MANAGER})


def get_session_for(user: User, group_id: int, session_id: int) -> Session:
    """A session of a group the user may see, or 404."""
    group = get_object_or_404(
        Group.objects.visible_to(user).select_related("version", "centre"), pk=group_id
    )
    session = get_object_or_404(Session.objects.filter(group=group), pk=session_id)
    session.group = group
    return session


def audit_register_read(user: User, session: Session, rows: list[RegisterRow]) -> None:
    """One entry per man whose attendance the page shows, written in one query."""
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=user,
                action=Action.REGISTER_VIEWED,
                subject=session,
                participant=row.referral.participant,
            )
            for row in rows
        ]
    )


@allow(REGISTER_TAKERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def session_register(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = get_session_for(user, group_id, session_id)
    register = Register.objects.filter(session=session).select_related("taken_by").first()
    rows = register_rows(session)
    rules = session.group.definition.group_rules
    data = request.POST if request.method == "POST" else None
    forms = [RegisterRowForm(data, row=row, rules=rules, initial=initial_for(row)) for row in rows]
    register_form = RegisterForm(
        data,
        initial={
            "version": register.version if register else 0,
            "note": register.note if register else "",
        },
    )
    conflict: Register | None = None
    if request.method == "POST" and register_form.is_valid() and all(f.is_valid() for f in forms):
        try:
            save_register(
                acting_user=user,
                session=session,
                version=register_form.cleaned_data["version"],
                marks=[form.mark() for form in forms],
                note=register_form.cleaned_data["note"],
            )
        except RegisterConflict as clash:
            conflict = clash.register
            # Keep what this person entered, and let them save it over the other version
            # only by submitting again now that both are in front of them.
            resubmit = request.POST.copy()
            resubmit["version"] = str(conflict.version)
            register_form = RegisterForm(resubmit)
            register_form.is_valid()
        except ValidationError as error:
            register_form.add_error(None, error)
        else:
            messages.success(request, f"Register saved for session {session.number}.")
            return redirect("session-register", group_id=group_id, session_id=session_id)
    audit_register_read(user, session, rows)
    return render(
        request,
        "attendance/register.html",
        {
            "session": session,
            "group": session.group,
            "register": register,
            "rows": list(zip(rows, forms, strict=True)),
            "register_form": register_form,
            "errors": register_form.error_summary()
            + [item for form in forms for item in form.error_summary()],
            "conflict": conflict,
            "saved_by_other": _saved_marks(session, rows) if conflict else [],
        },
    )


def _saved_marks(session: Session, rows: list[RegisterRow]) -> list[tuple[str, str]]:
    """The register as the other person saved it, to show beside this person's version."""
    saved = {
        a.referral_id: a
        for a in Attendance.objects.filter(
            session=session, referral_id__in=[r.referral.pk for r in rows]
        )
    }
    labels = dict(Outcome.choices)
    return [
        (
            row.referral.participant.full_name,
            labels[saved[row.referral.pk].outcome] if row.referral.pk in saved else "Not marked",
        )
        for row in rows
    ]
