"""The home redirect and the health check."""

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
    if user.role == Role.SYSTEM_ADMIN:
        return redirect("audit-log")
    return redirect("caseload")


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
