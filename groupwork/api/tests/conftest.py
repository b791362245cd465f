from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from groupwork.core.tests.world import World
from groupwork.organisation.models import Office, User
from groupwork.organisation.tests.factories import OfficeFactory

PREVIEW_URL = "/api/v1/timetables/preview"


def token_client(user: User) -> APIClient:
    """An API client that sends the user's token, as a real caller would."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + token.key)
    return client


@pytest.fixture
def centre(world: World) -> Office:
    office: Office = OfficeFactory.create(
        area=world.area, name="Worcester Group Centre", slug="worcester", is_group_centre=True
    )
    return office


@pytest.fixture
def preview_body(centre: Office) -> dict[str, Any]:
    """A good request: C-SOGP induction, full days, from Monday 11 January 2027."""
    return {
        "programme": "csogp",
        "module": "induction",
        "start": "2027-01-11",
        "pattern": "full-days",
        "centre": centre.slug,
    }
