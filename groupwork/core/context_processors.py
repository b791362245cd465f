"""Navigation links for the signed-in user, by role."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from groupwork.core.access import (
    AUDIT_READERS,
    CASE_READERS,
    CASE_WRITERS,
    COMPLAINT_READERS,
    ENFORCEMENT_READERS,
    MESSAGE_READERS,
    REPORT_READERS,
)
from groupwork.organisation.models import Role

# The roles of the to-do list (groupwork.attendance.views_absences.todo).
TODO_USERS = frozenset(
    {Role.OFFENDER_MANAGER, Role.FACILITATOR, Role.MANAGER, Role.PROGRAMME_MANAGER}
)


def navigation(request: HttpRequest) -> dict[str, Any]:  # noqa: PLR0912  (a branch an entry)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or "kiosk_administration" in request.session:
        return {}
    items = []
    if user.role != Role.SYSTEM_ADMIN:  # the administrator has no dashboard
        items.append(("dashboard", "Dashboard"))
    if user.role in TODO_USERS:
        items.append(("todo", "To do"))
    if user.role in CASE_READERS:
        items.append(("caseload", "Caseload"))
    if user.role in CASE_WRITERS:
        items.append(("referral-create", "New referral"))
    if user.role in CASE_READERS:
        items.append(("group-list", "Groups"))
    if user.role in ENFORCEMENT_READERS:
        items.append(("enforcement-list", "Enforcement"))
    if user.role in COMPLAINT_READERS:
        items.append(("complaint-list", "Complaints"))
    if user.role in {Role.MANAGER, Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}:
        items.append(("incident-list", "Incidents"))
    if user.role in {Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}:
        items.append(("waiting-list", "Waiting list"))
    if user.role in REPORT_READERS:
        items.append(("reports", "Reports"))
    if user.role == Role.FACILITATOR:
        items.append(("my-calendar", "My calendar"))
    items.append(("programme-list", "Programmes"))
    if user.role in AUDIT_READERS:
        items.append(("audit-log", "Audit log"))
    if user.role in MESSAGE_READERS:
        items.append(("message-list", "Messages"))
    nav_items = []
    for name, label in items:
        url = reverse(name)
        nav_items.append({"url": url, "label": label, "active": request.path == url})
    return {"nav_items": nav_items}
