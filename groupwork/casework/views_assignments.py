"""Setting an assignment at a session, and marking it for every man in one submission."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from groupwork.attendance.views import get_session_for
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.assignments import (
    MarkRow,
    assignments_rule_text,
    default_due_on,
    mark_assignment,
    mark_rows,
    set_assignment,
)
from groupwork.casework.forms_assignments import AssignmentForm, AssignmentMarkForm, initial_for
from groupwork.casework.models import Assignment
from groupwork.core.access import Scope, allow
from groupwork.groups.models import Group
from groupwork.organisation.models import Role, User

# Facilitators set and mark assignments; the programme manager may too.
ASSIGNMENT_USERS = frozenset({Role.FACILITATOR, Role.PROGRAMME_MANAGER})


def get_assignment_for(user: User, assignment_id: int) -> Assignment:
    """An assignment set at a session of a group the user may see, or 404."""
    return get_object_or_404(
        Assignment.objects.filter(session__group__in=Group.objects.visible_to(user)).select_related(
            "session__group__version", "set_by"
        ),
        pk=assignment_id,
    )


@allow(ASSIGNMENT_USERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = get_session_for(user, group_id, session_id)
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        session_date=session.date,
        initial={"due_on": default_due_on(session)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = set_assignment(
                acting_user=user,
                session=session,
                title=form.cleaned_data["title"],
                instructions=form.cleaned_data["instructions"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Assignment set: {assignment.title}.")
            return redirect("assignment", assignment_id=assignment.pk)
    set_here = Assignment.objects.filter(session=session).order_by("pk")
    due_here = (
        Assignment.objects.filter(session__group_id=session.group_id, due_on=session.date)
        .exclude(session=session)
        .select_related("session")
    )
    return render(
        request,
        "casework/assignment_create.html",
        {
            "session": session,
            "group": session.group,
            "form": form,
            "errors": form.error_summary(),
            "set_here": set_here,
            "due_here": due_here,
        },
    )


def audit_marks_read(user: User, assignment: Assignment, rows: list[MarkRow]) -> None:
    """One entry per man whose mark the page shows, written in one query."""
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=user,
                action=Action.PARTICIPANT_VIEWED,
                subject=assignment,
                participant=row.referral.participant,
            )
            for row in rows
        ]
    )


@allow(ASSIGNMENT_USERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def assignment_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The assignment, and on time, late or not done for each man, saved in one go."""
    user = cast(User, request.user)
    assignment = get_assignment_for(user, assignment_id)
    session = assignment.session
    rows = mark_rows(assignment)
    data = request.POST if request.method == "POST" else None
    forms = [AssignmentMarkForm(data, row=row, initial=initial_for(row)) for row in rows]
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and all(form.is_valid() for form in forms):
        results = {
            form.row.referral.pk: form.cleaned_data["result"]
            for form in forms
            if form.cleaned_data["result"]
        }
        if not results:
            anchor = f"{forms[0]['result'].auto_id}_0" if forms else ""
            problems.append((anchor, "Choose on time, late or not done for at least one man"))
        else:
            try:
                mark_assignment(acting_user=user, assignment=assignment, results=results)
            except ValidationError as problem:
                problems.extend(("", message) for message in problem.messages)
            else:
                messages.success(request, f"Marks saved for {assignment.title}.")
                return redirect("assignment", assignment_id=assignment.pk)
    audit_marks_read(user, assignment, rows)
    return render(
        request,
        "casework/assignment.html",
        {
            "assignment": assignment,
            "session": session,
            "group": session.group,
            "rows": list(zip(rows, forms, strict=True)),
            "rule_text": assignments_rule_text(session.group.definition.group_rules),
            "errors": problems + [item for form in forms for item in form.error_summary()],
            "has_errors": bool(problems),
        },
    )
