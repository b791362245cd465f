"""The home redirect (to the dashboard) and the health check."""

from typing import cast

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from groupwork.core.access import ALL_STAFF, Scope, allow, public
from groupwork.organisation.models import Role, User


@allow(ALL_STAFF, scope=Scope.NONE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    # A system administrator has no area and no cases, so no dashboard.
    if user.role == Role.SYSTEM_ADMIN:
        return redirect("audit-log")
    return redirect("dashboard")


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Answers 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001  (any database failure means unhealthy)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
