"""POST /api/v1/enforcement/advice: what the officer must do about a failure, and by when."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from groupwork.api.tests.conftest import token_client
from groupwork.audit.models import AuditEvent
from groupwork.core.tests.world import World
from groupwork.organisation.models import ClosureDay

pytestmark = pytest.mark.django_db
ADVICE_URL = "/api/v1/enforcement/advice"
BODY: dict[str, Any] = {
    "sentence_type": "community_order",
    "failure_date": "2026-11-10",
    "previous_warnings": ["2026-03-03"],
}


def ask(world: World, body: dict[str, Any], persona: str = "om.worcester") -> Any:
    return token_client(world.users[persona]).post(ADVICE_URL, body, format="json")


def test_a_failure_after_a_recent_warning_must_be_referred(world: World) -> None:
    response = ask(world, BODY)

    assert response.status_code == 200
    assert response.json() == {
        "action": "refer_for_breach",
        "must_act_by": "2026-11-24",
        "explanation": "He was warned on 3 March 2026, within the 12 months before this "
        "failure on 10 November 2026. The Sentencing Act 2020, Schedule 10 says you must refer "
        "him back to court for breach. Act by 24 November 2026.",
    }


@pytest.mark.parametrize(
    ("change", "action"),
    [
        ({"previous_warnings": []}, "warn_or_refer"),
        ({"previous_warnings": ["2025-11-09"]}, "warn_or_refer"),  # 12 months and a day
        ({"previous_warnings": ["2025-11-10"]}, "refer_for_breach"),  # exactly 12 months
        ({"previous_warnings": ["2026-11-12"]}, "warn_or_refer"),  # after the failure
        ({"previous_warnings": ["2024-01-05", "2026-10-01"]}, "refer_for_breach"),
        ({"sentence_type": "licence"}, "recall_review"),
    ],
)
def test_the_action(world: World, change: dict[str, Any], action: str) -> None:
    assert ask(world, {**BODY, **change}).json()["action"] == action


def test_a_first_failure_says_so(world: World) -> None:
    answer = ask(world, {**BODY, "previous_warnings": []}).json()

    assert answer["explanation"].startswith("No warning in the 12 months before this failure.")


def test_the_deadline_counts_past_christmas_and_new_year(world: World) -> None:
    answer = ask(world, {**BODY, "failure_date": "2026-12-18"}).json()

    assert answer["must_act_by"] == "2027-01-06"


def test_the_users_own_area_closure_days_count_and_no_other_areas(world: World) -> None:
    ClosureDay.objects.create(area=world.area, date=datetime.date(2026, 11, 16), reason="Closed")
    for date in (18, 19):
        ClosureDay.objects.create(
            area=world.other_area, date=datetime.date(2026, 11, date), reason="Elsewhere"
        )

    # Without closures the answer is 24 November: one closure day makes it the 25th, two the
    # 26th, all three the 27th.
    assert ask(world, BODY).json()["must_act_by"] == "2026-11-25"
    assert ask(world, BODY, "om.otherarea").json()["must_act_by"] == "2026-11-26"


@pytest.mark.parametrize(
    "persona", ["fac.worcester", "spo.worcester", "pm.westmercia", "chief.westmercia"]
)
def test_every_role_with_an_area_may_ask(world: World, persona: str) -> None:
    assert ask(world, BODY, persona).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sentence_type": "suspended_sentence"}, "sentence_type"),
        ({"sentence_type": ""}, "sentence_type"),
        ({"failure_date": "2026-02-30"}, "failure_date"),
        ({"failure_date": "10/11/2026"}, "failure_date"),
        ({"failure_date": "9999-12-30"}, "failure_date"),
        ({"previous_warnings": "2026-03-03"}, "previous_warnings"),
        ({"previous_warnings": ["2026-03-32"]}, "previous_warnings"),
        ({"previous_warnings": [None]}, "previous_warnings"),
        ({"previous_warnings": ["1999-12-31"]}, "previous_warnings"),
        ({"previous_warnings": ["2026-03-03"] * 101}, "previous_warnings"),
        ({"previous_warnings": None}, "previous_warnings"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = ask(world, {**BODY, **change})

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("missing", list(BODY))
def test_a_missing_field_is_400_naming_it(world: World, missing: str) -> None:
    # Even no warnings must be said (`[]`): leaving them out could hide a recent one.
    body = {name: value for name, value in BODY.items() if name != missing}

    response = ask(world, body)

    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}


def test_without_a_token_is_401() -> None:
    response = Client().post(ADVICE_URL, BODY, content_type="application/json")

    assert response.status_code == 401


def test_a_system_administrator_is_403(world: World) -> None:
    assert ask(world, BODY, "admin").status_code == 403


def test_get_is_405(world: World) -> None:
    assert token_client(world.users["om.worcester"]).get(ADVICE_URL).status_code == 405


def test_it_saves_nothing(world: World) -> None:
    events = AuditEvent.objects.count()

    ask(world, BODY)

    assert AuditEvent.objects.count() == events


def test_the_schema_describes_it(world: World) -> None:
    schema = token_client(world.users["om.worcester"]).get("/api/v1/schema/", {"format": "json"})

    operation = schema.json()["paths"][ADVICE_URL]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert operation["tags"] == ["enforcement"]
    components = schema.json()["components"]["schemas"]
    assert components["SentenceTypeEnum"]["enum"] == ["community_order", "licence"]
    assert set(components["Advice"]["properties"]) == {"action", "must_act_by", "explanation"}
