"""The dashboard: the first page after sign-in, one for each role.

A system administrator has no area and no cases, so has no dashboard: they are sent to the
audit log from the home page, and `/dashboard/` answers them 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import ALL_STAFF, Scope, allow
from groupwork.dashboards import panels
from groupwork.organisation.models import Role, User

DASHBOARD_USERS = ALL_STAFF - {Role.SYSTEM_ADMIN}

# Each role's panels and template. A manager sees the officer's dashboard for their team.
DASHBOARDS: dict[Role, tuple[Callable[..., Any], str]] = {
    Role.OFFENDER_MANAGER: (panels.officer_dashboard, "dashboards/officer.html"),
    Role.MANAGER: (panels.officer_dashboard, "dashboards/officer.html"),
    Role.FACILITATOR: (panels.facilitator_dashboard, "dashboards/facilitator.html"),
    Role.PROGRAMME_MANAGER: (
        panels.programme_manager_dashboard,
        "dashboards/programme_manager.html",
    ),
    Role.CHIEF_OFFICER: (panels.chief_officer_dashboard, "dashboards/chief_officer.html"),
}


@allow(DASHBOARD_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts and short lists for the user's role, in a fixed number of queries; one audit
    entry for the page (it names men only in lists that link to their records)."""
    user = cast(User, request.user)
    gather, template = DASHBOARDS[Role(user.role)]
    today = timezone.localdate()
    board = gather(user, today)
    record_event(acting_user=user, action=Action.DASHBOARD_VIEWED, detail={"dashboard": user.role})
    return render(
        request,
        template,
        {"board": board, "today": today, "role_label": user.role_label, "area": user.area},
    )
