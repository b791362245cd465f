"""`python manage.py api_token USERNAME` prints the user's token, making it if needed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db


def api_token(username: str) -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def test_prints_a_new_token_that_works(world: World) -> None:
    key = api_token("om.worcester")

    assert Token.objects.get(user=world.users["om.worcester"]).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    assert client.get("/api/v1/schema/").status_code == 200


def test_prints_the_same_token_again(world: World) -> None:
    first = api_token("pm.westmercia")

    assert api_token("pm.westmercia") == first
    assert Token.objects.filter(user=world.users["pm.westmercia"]).count() == 1


def test_an_unknown_user_is_an_error(world: World) -> None:
    with pytest.raises(CommandError, match="nobody"):
        api_token("nobody")
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token(world: World) -> None:
    user = world.users["om.telford"]
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="not active"):
        api_token("om.telford")
    assert not Token.objects.filter(user=user).exists()
