"""Who may use each view, and for which records.

Every view carries an `Access` declaration. The permission-map test walks every URL and checks
each persona's answer against these declarations, so a view without one fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from groupwork.organisation.models import Role

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


class Scope(StrEnum):
    """Which records a view touches, and how they are limited to the user."""

    NONE = "no participant records"
    OWN_ACCOUNT = "the signed-in user's own account"
    VISIBLE_PARTICIPANTS = "men the user may see (Participant.objects.visible_to)"
    AREA_AUDIT = "audit events of the user's area (all areas for a system administrator)"
    AREA_GROUPS = "groups of the user's area; a facilitator's own groups (Group.objects.visible_to)"
    PROGRAMMES = "programme definitions, which hold no personal data"
    KIOSK = "the one questionnaire the kiosk was opened for (kept in the session)"
    CALENDAR_FEED = "the sessions of the calendar feed whose secret address was given"
    AREA_MESSAGES = "messages to men and staff of the user's area (all areas for a system admin)"
    AREA_AGGREGATES = "counts over the user's area, restricted cases included; no man named"


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    scope: Scope
    public: bool = False


ALL_STAFF = frozenset(Role)
CASE_READERS = frozenset(
    {
        Role.OFFENDER_MANAGER,
        Role.FACILITATOR,
        Role.MANAGER,
        Role.PROGRAMME_MANAGER,
        Role.CHIEF_OFFICER,
    }
)
CASE_WRITERS = frozenset({Role.OFFENDER_MANAGER, Role.PROGRAMME_MANAGER})
AUDIT_READERS = frozenset({Role.CHIEF_OFFICER, Role.SYSTEM_ADMIN})
ENFORCEMENT_READERS = frozenset(
    {Role.OFFENDER_MANAGER, Role.MANAGER, Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}
)
# The local message outbox (groupwork.notifications.views).
MESSAGE_READERS = frozenset({Role.PROGRAMME_MANAGER, Role.SYSTEM_ADMIN})
# Complaints of the men they may see, never one that names them (casework.complaints).
COMPLAINT_READERS = frozenset(
    {Role.OFFENDER_MANAGER, Role.MANAGER, Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}
)
# An officer decides for their own men, a manager for their team's (enforcement.services).
ENFORCEMENT_DECIDERS = frozenset({Role.OFFENDER_MANAGER, Role.MANAGER})
# The area's measures (groupwork.reports.views): counts over every case of the area, which a
# manager, who sees only their team's men, does not get (a small count could point to a man).
REPORT_READERS = frozenset({Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER})


def public(view: ViewFunc) -> ViewFunc:
    """A view anyone may use without signing in (sign-in page, health check)."""
    view.access = Access(roles=ALL_STAFF, scope=Scope.NONE, public=True)  # type: ignore[attr-defined]
    return view


def allow(roles: frozenset[Role], *, scope: Scope) -> Callable[[ViewFunc], ViewFunc]:
    """Let signed-in staff with one of `roles` use the view; refuse everyone else with 403."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access = Access(roles=roles, scope=scope)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
