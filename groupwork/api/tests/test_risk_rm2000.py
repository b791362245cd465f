"""POST /api/v1/risk/rm2000: a Risk Matrix 2000/S score from the items sent, and field errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from groupwork.api.tests.conftest import token_client
from groupwork.audit.models import AuditEvent
from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db
RM2000_URL = "/api/v1/risk/rm2000"
# 22 at commencement (2 points) + 2 sexual appearances (1) + 6 criminal (1) = 4: High;
# male and stranger victims are two aggravating factors, one level up: Very High.
BODY: dict[str, Any] = {
    "age_at_commencement_of_risk": 22,
    "sexual_appearances": 2,
    "criminal_appearances": 6,
    "male_victim": True,
    "stranger_victim": True,
    "single": False,
    "non_contact": False,
}


def score(world: World, body: dict[str, Any], persona: str = "om.worcester") -> Any:
    return token_client(world.users[persona]).post(RM2000_URL, body, format="json")


def test_a_score_with_both_steps(world: World) -> None:
    response = score(world, BODY)

    assert response.status_code == 200
    assert response.json() == {
        "step1_points": 4,
        "step1_category": "high",
        "aggravating_factors": 2,
        "category": "very high",
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # 40 (0) + 1 (0) + 4 (0) = 0: Low; no factors.
        (
            {
                "age_at_commencement_of_risk": 40,
                "sexual_appearances": 1,
                "criminal_appearances": 4,
                "male_victim": False,
                "stranger_victim": False,
            },
            {
                "step1_points": 0,
                "step1_category": "low",
                "aggravating_factors": 0,
                "category": "low",
            },
        ),
        # 0 points, all four factors: two levels up, Low to High.
        (
            {
                "age_at_commencement_of_risk": 35,
                "sexual_appearances": 1,
                "criminal_appearances": 0,
                "single": True,
                "non_contact": True,
            },
            {
                "step1_points": 0,
                "step1_category": "low",
                "aggravating_factors": 4,
                "category": "high",
            },
        ),
        # 18 (2) + 5 (3) + 5 (1) = 6: Very High, and it goes no higher.
        (
            {
                "age_at_commencement_of_risk": 18,
                "sexual_appearances": 5,
                "criminal_appearances": 5,
                "single": True,
                "non_contact": True,
            },
            {
                "step1_points": 6,
                "step1_category": "very high",
                "aggravating_factors": 4,
                "category": "very high",
            },
        ),
        # 25 (1) + 1 (0) + 0 (0) = 1: Medium; two factors: High.
        (
            {"age_at_commencement_of_risk": 25, "sexual_appearances": 1, "criminal_appearances": 0},
            {
                "step1_points": 1,
                "step1_category": "medium",
                "aggravating_factors": 2,
                "category": "high",
            },
        ),
    ],
)
def test_worked_cases(world: World, change: dict[str, Any], expected: dict[str, Any]) -> None:
    assert score(world, {**BODY, **change}).json() == expected


@pytest.mark.parametrize(
    "persona", ["fac.worcester", "spo.worcester", "pm.westmercia", "chief.westmercia"]
)
def test_every_role_with_an_area_may_score(world: World, persona: str) -> None:
    assert score(world, BODY, persona).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"age_at_commencement_of_risk": 17},
            "age_at_commencement_of_risk",
            "Age at commencement of risk must be 18 or more.",
        ),
        ({"sexual_appearances": 0}, "sexual_appearances", "Sexual appearances must be 1 or more."),
        (
            {"criminal_appearances": -1},
            "criminal_appearances",
            "Criminal appearances must be 0 or more.",
        ),
    ],
)
def test_inputs_outside_the_rules_are_400_naming_the_field(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    response = score(world, {**BODY, **change})

    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age_at_commencement_of_risk": "thirty"}, "age_at_commencement_of_risk"),
        ({"age_at_commencement_of_risk": 30.5}, "age_at_commencement_of_risk"),
        ({"sexual_appearances": None}, "sexual_appearances"),
        ({"criminal_appearances": [3]}, "criminal_appearances"),
        ({"male_victim": "perhaps"}, "male_victim"),
        ({"non_contact": None}, "non_contact"),
    ],
)
def test_wrong_kinds_of_value_are_400_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = score(world, {**BODY, **change})

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])


@pytest.mark.parametrize("missing", list(BODY))
def test_a_missing_field_is_400_naming_it(world: World, missing: str) -> None:
    body = {name: value for name, value in BODY.items() if name != missing}

    response = score(world, body)

    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}


def test_without_a_token_is_401() -> None:
    response = Client().post(RM2000_URL, BODY, content_type="application/json")

    assert response.status_code == 401


def test_a_system_administrator_is_403(world: World) -> None:
    assert score(world, BODY, "admin").status_code == 403


def test_get_is_405(world: World) -> None:
    assert token_client(world.users["om.worcester"]).get(RM2000_URL).status_code == 405


def test_a_score_saves_nothing(world: World) -> None:
    events = AuditEvent.objects.count()

    score(world, BODY)

    assert AuditEvent.objects.count() == events


def test_the_schema_shares_one_category_enum(world: World) -> None:
    schema = token_client(world.users["om.worcester"]).get("/api/v1/schema/", {"format": "json"})
    operation = schema.json()["paths"][RM2000_URL]["post"]
    components = schema.json()["components"]["schemas"]

    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert components["RiskCategoryEnum"]["enum"] == ["low", "medium", "high", "very high"]
    result = components["Rm2000Result"]["properties"]
    for name in ("step1_category", "category"):
        assert result[name]["allOf"] == [{"$ref": "#/components/schemas/RiskCategoryEnum"}]
