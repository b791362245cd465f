"""The Django admin is for system administrators only, behind the same sign-in as the app."""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from groupwork.organisation.models import Role


def protect_admin_site(site: AdminSite) -> None:
    def has_permission(request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "role", "") == Role.SYSTEM_ADMIN
        )

    def login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The admin's own sign-in form would bypass two-factor sign-in: use the app's.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"))

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login = login  # type: ignore[method-assign]
    site.site_header = "Groupwork administration"
