"""GET /api/v1/schema/: the OpenAPI 3 schema, for any token holder."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from groupwork.api.tests.conftest import token_client
from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db
SCHEMA_URL = "/api/v1/schema/"


def test_the_schema_is_openapi_3_yaml(world: World) -> None:
    response = token_client(world.users["om.worcester"]).get(SCHEMA_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/timetables/preview" in schema["paths"]


def test_the_schema_as_json_describes_the_preview(world: World) -> None:
    response = token_client(world.users["admin"]).get(SCHEMA_URL, {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/v1/timetables/preview"]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert "/api/v1/schema/" not in schema["paths"]


def test_the_schema_needs_a_token() -> None:
    assert APIClient().get(SCHEMA_URL).status_code == 401
