"""schemathesis checks every GET operation of the API against its OpenAPI schema: requests made
from the schema (valid and invalid) never get a server error, and every answer has a status,
a content type and a body the schema documents.

The schema is the one /api/v1/schema/ serves, built by drf-spectacular in the test process;
the requests go to the WSGI application, signed in with a programme manager's token, against a
database holding the test world (core/tests/world.py) with a history behind its records, so
that they exist, are in scope and fill every field. Generated ids rarely find a record, so a
second test asks for each of the world's records by its id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from groupwork.api.tests.records import add_history
from groupwork.core.tests.world import World

CHECKS = [
    schemathesis.checks.not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def served_schema() -> dict[str, Any]:
    """The schema as /api/v1/schema/?format=json serves it (no database needed to build it)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    loaded: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return loaded


def api_schema() -> schemathesis.BaseSchema:
    loaded = schemathesis.openapi.from_dict(served_schema())
    loaded.app = get_wsgi_application()  # requests go to the application, not a server
    return loaded.include(method="GET")


schema = api_schema()


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Django's WSGI handler closes "old" database connections as each request starts and
    ends; inside the test's transaction that would close the test's own. The test client
    stops it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def pm_token(world: World, in_test_transaction: None) -> str:
    add_history(world)
    token, _ = Token.objects.get_or_create(user=world.users["pm.westmercia"])
    key: str = token.key
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    # The world is built once per operation, not per example: the requests only read it
    # (their audit entries add up, which changes no answer).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case: Any, pm_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {pm_token}"}, checks=CHECKS)


# Every GET operation, with the path parameters that find one of the world's records.
RECORDS: dict[str, Callable[[World], dict[str, Any]]] = {
    "/api/v1/participants/": lambda world: {},
    "/api/v1/participants/{participant_id}/": lambda world: {
        "participant_id": str(world.worcester_man.pk)
    },
    "/api/v1/referrals/": lambda world: {},
    "/api/v1/referrals/{referral_id}/": lambda world: {
        "referral_id": str(world.former_referral.pk)  # ended early, with a reason
    },
    "/api/v1/groups/": lambda world: {},
    "/api/v1/groups/{group_id}/": lambda world: {"group_id": world.worcester_group.pk},
    "/api/v1/sessions/": lambda world: {},
    "/api/v1/sessions/{session_id}/": lambda world: {"session_id": world.worcester_session.pk},
    "/api/v1/sessions/{session_id}/register/": lambda world: {
        "session_id": world.worcester_session.pk
    },
    "/api/v1/absences/": lambda world: {},
    "/api/v1/absences/{absence_id}/": lambda world: {"absence_id": world.worcester_absence.pk},
    "/api/v1/enforcement-items/": lambda world: {},
    "/api/v1/enforcement-items/{item_id}/": lambda world: {
        "item_id": world.worcester_enforcement.pk
    },
    "/api/v1/one-to-ones/": lambda world: {},
    "/api/v1/one-to-ones/{one_to_one_id}/": lambda world: {
        "one_to_one_id": world.worcester_one_to_one.pk
    },
    "/api/v1/complaints/": lambda world: {},
    "/api/v1/complaints/{complaint_id}/": lambda world: {
        "complaint_id": world.worcester_complaint.pk
    },
}


def test_every_get_operation_has_a_record() -> None:
    assert set(RECORDS) == {operation.path for operation in operations()}


def operations() -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the schema describes wrongly
        found.append(result.ok())
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("path", RECORDS)
def test_each_record_keeps_to_its_schema(path: str, world: World, pm_token: str) -> None:
    case = schema[path]["GET"].Case(path_parameters=RECORDS[path](world))

    response = case.call_and_validate(headers={"Authorization": f"Token {pm_token}"}, checks=CHECKS)

    assert response.status_code == 200
