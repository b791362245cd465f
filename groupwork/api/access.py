"""Who may use each API view: the API's form of the `Access` declarations in `core/access.py`.

Every API view subclasses `DeclaredAccess` and names its `access`. Its `as_view()` refuses a
view without one and copies the declaration onto the view function the URLconf registers, where
the permission-map tests read it, as they read `@allow` on the pages.

Requests authenticate with a token only (`Authorization: Token KEY`): no token, or a wrong one,
is 401; a signed-in user whose role is not in `access.roles` is 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from groupwork.core.access import Access
from groupwork.organisation.models import Area, Role, User

if TYPE_CHECKING:  # only the type stubs name these
    from rest_framework.views import AsView, GenericView


class RolesAllowed(BasePermission):
    """Signed in (with a token) and holding one of `roles`."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return isinstance(user, User) and user.is_active and user.role in self.roles


class DeclaredAccess(APIView):
    """Base of every API view: its permissions are its `access` declaration."""

    access: ClassVar[Access]

    def get_permissions(self) -> list[BasePermission]:
        return [RolesAllowed(self.access.roles)]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> AsView[GenericView]:
        access = getattr(cls, "access", None)
        if not isinstance(access, Access):
            raise ImproperlyConfigured(f"{cls.__name__} declares no `access`.")
        if access.public:
            raise ImproperlyConfigured(f"{cls.__name__}: the API has no public views.")
        view = super().as_view(**initkwargs)
        view.access = access  # type: ignore[attr-defined]
        return view


def signed_in_user(request: Request) -> User:
    """The staff member the token belongs to (the permission check has already run)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def area_of(user: User) -> Area:
    """The user's area. Views bound to an area refuse a user without one (403)."""
    if user.area is None:
        raise PermissionDenied
    return user.area
