"""The first system administrator is made with Django's own `createsuperuser`."""

import pytest
from django.core.management import call_command

from groupwork.organisation.models import Role, User


@pytest.mark.django_db
def test_createsuperuser_makes_a_system_administrator_without_an_area(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-first-password-9")
    call_command(
        "createsuperuser", interactive=False, username="first.admin", email="admin@example.org"
    )
    admin = User.objects.get(username="first.admin")
    assert admin.role == Role.SYSTEM_ADMIN
    assert admin.area is None
    assert admin.is_superuser
    assert admin.check_password("a-long-first-password-9")
