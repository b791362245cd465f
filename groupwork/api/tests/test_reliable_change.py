"""POST /api/v1/assessment/reliable-change: the Reliable Change Index between two scores."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from groupwork.api.tests.conftest import token_client
from groupwork.audit.models import AuditEvent
from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db
RCI_URL = "/api/v1/assessment/reliable-change"
# SD 7.5, r .75: SEm = 7.5 * sqrt(.25) = 3.75; S_diff = sqrt(2 * 3.75^2) = 5.303301;
# 30 -> 19: RCI = -11 / 5.303301 = -2.074180, reliable; lower is better here: improved.
BODY: dict[str, Any] = {
    "pre": 30,
    "post": 19,
    "sd": 7.5,
    "reliability": 0.75,
    "higher_is_better": False,
}


def work_out(world: World, body: dict[str, Any], persona: str = "om.worcester") -> Any:
    return token_client(world.users[persona]).post(RCI_URL, body, format="json")


def test_a_reliable_improvement(world: World) -> None:
    response = work_out(world, BODY)

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"rci", "reliable", "direction"}
    assert answer["rci"] == pytest.approx(-2.074180, abs=1e-6)
    assert (answer["reliable"], answer["direction"]) == (True, "improved")


@pytest.mark.parametrize(
    ("change", "rci", "reliable", "direction"),
    [
        # The same fall where higher is better.
        ({"higher_is_better": True}, -2.074180, True, "deteriorated"),
        # 30 -> 20: RCI = -10 / 5.303301 = -1.885618, not more than 1.96.
        ({"post": 20}, -1.885618, False, "no reliable change"),
        # SD 10, r .84: S_diff = sqrt(2 * 4^2) = 5.656854; 50 -> 62: 12 / 5.656854 = 2.121320.
        (
            {"pre": 50, "post": 62, "sd": 10, "reliability": 0.84, "higher_is_better": True},
            2.121320,
            True,
            "improved",
        ),
        # Scores with decimals (a mean-scored scale): 2.5 -> 3.75, SD 0.5, r 0 (allowed):
        # S_diff = 0.5 * sqrt(2) = 0.707107; RCI = 1.25 / 0.707107 = 1.767767.
        (
            {"pre": 2.5, "post": 3.75, "sd": 0.5, "reliability": 0, "higher_is_better": True},
            1.767767,
            False,
            "no reliable change",
        ),
    ],
)
def test_worked_cases(
    world: World, change: dict[str, Any], rci: float, reliable: bool, direction: str
) -> None:
    answer = work_out(world, {**BODY, **change}).json()

    assert answer["rci"] == pytest.approx(rci, abs=1e-6)
    assert (answer["reliable"], answer["direction"]) == (reliable, direction)


@pytest.mark.parametrize(
    "persona", ["fac.worcester", "spo.worcester", "pm.westmercia", "chief.westmercia"]
)
def test_every_role_with_an_area_may_use_it(world: World, persona: str) -> None:
    assert work_out(world, BODY, persona).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"sd": 0}, "sd", "The standard deviation must be more than 0."),
        ({"sd": -2.5}, "sd", "The standard deviation must be more than 0."),
        ({"reliability": 1}, "reliability", "The reliability must be at least 0 and less than 1."),
        (
            {"reliability": -0.1},
            "reliability",
            "The reliability must be at least 0 and less than 1.",
        ),
        ({"pre": -1e308, "post": 1e308}, "post", "The change is too large to work out."),
    ],
)
def test_inputs_outside_the_rules_are_400_naming_the_field(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    response = work_out(world, {**BODY, **change})

    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pre": "thirty"}, "pre"),
        ({"post": None}, "post"),
        ({"sd": "1e400"}, "sd"),  # infinite
        ({"reliability": [0.8]}, "reliability"),
        ({"higher_is_better": "sometimes"}, "higher_is_better"),
    ],
)
def test_wrong_kinds_of_value_are_400_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = work_out(world, {**BODY, **change})

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])


def test_an_infinite_number_in_the_json_is_400(world: World) -> None:
    # Python's JSON reader turns 1e400 into infinity; the API must not answer with it.
    client = token_client(world.users["om.worcester"])
    text = '{"pre": 1e400, "post": 19, "sd": 7.5, "reliability": 0.75, "higher_is_better": false}'

    response = client.post(RCI_URL, text, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["pre"]


@pytest.mark.parametrize("missing", list(BODY))
def test_a_missing_field_is_400_naming_it(world: World, missing: str) -> None:
    body = {name: value for name, value in BODY.items() if name != missing}

    response = work_out(world, body)

    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}


def test_without_a_token_is_401() -> None:
    response = Client().post(RCI_URL, BODY, content_type="application/json")

    assert response.status_code == 401


def test_a_system_administrator_is_403(world: World) -> None:
    assert work_out(world, BODY, "admin").status_code == 403


def test_get_is_405(world: World) -> None:
    assert token_client(world.users["om.worcester"]).get(RCI_URL).status_code == 405


def test_it_saves_nothing(world: World) -> None:
    events = AuditEvent.objects.count()

    work_out(world, BODY)

    assert AuditEvent.objects.count() == events


def test_the_schema_describes_it(world: World) -> None:
    schema = token_client(world.users["om.worcester"]).get("/api/v1/schema/", {"format": "json"})

    operation = schema.json()["paths"][RCI_URL]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
