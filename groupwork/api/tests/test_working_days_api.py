"""POST /api/v1/calendar/working-days: the day n working days after a date, for the user's area."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from groupwork.api.tests.conftest import token_client
from groupwork.audit.models import AuditEvent
from groupwork.core.tests.world import PERSONAS, World
from groupwork.organisation.models import ClosureDay

pytestmark = pytest.mark.django_db
WORKING_DAYS_URL = "/api/v1/calendar/working-days"
# Christmas Day is Friday 25 December 2026; Boxing Day (Saturday) is observed on Monday 28th.
BODY: dict[str, Any] = {"from": "2026-12-24", "working_days": 1}


def count(world: World, body: dict[str, Any], persona: str = "om.worcester") -> Any:
    return token_client(world.users[persona]).post(WORKING_DAYS_URL, body, format="json")


def test_counting_past_christmas(world: World) -> None:
    response = count(world, BODY)

    assert response.status_code == 200
    assert response.json() == {"date": "2026-12-29"}


@pytest.mark.parametrize(
    ("start", "working_days", "expected"),
    [
        ("2026-12-24", 0, "2026-12-24"),
        ("2026-12-25", 0, "2026-12-25"),  # no days: the day itself, holiday or not
        ("2026-12-31", 1, "2027-01-04"),  # New Year's Day 2027 is a Friday
        ("2027-03-25", 1, "2027-03-30"),  # Good Friday 26 March, Easter Monday 29 March
        ("2026-12-18", 10, "2027-01-06"),
        # The most allowed, from the last day allowed: about fourteen years of working days.
        ("2099-12-31", 3650, "2114-01-09"),
    ],
)
def test_worked_examples(world: World, start: str, working_days: int, expected: str) -> None:
    answer = count(world, {"from": start, "working_days": working_days}).json()

    assert answer == {"date": expected}


def test_the_users_own_area_closure_days_count_and_no_other_areas(world: World) -> None:
    ClosureDay.objects.create(area=world.area, date=datetime.date(2026, 12, 29), reason="Closed")
    ClosureDay.objects.create(
        area=world.other_area, date=datetime.date(2026, 12, 30), reason="Elsewhere"
    )

    assert count(world, BODY).json() == {"date": "2026-12-30"}
    assert count(world, BODY, "om.otherarea").json() == {"date": "2026-12-29"}


def test_a_user_without_an_area_counts_bank_holidays_only(world: World) -> None:
    ClosureDay.objects.create(area=world.area, date=datetime.date(2026, 12, 29), reason="Closed")

    response = count(world, BODY, "admin")

    assert response.status_code == 200
    assert response.json() == {"date": "2026-12-29"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_may_count(world: World, persona: str) -> None:
    assert count(world, BODY, persona).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"from": "2027-02-30"}, "from"),
        ({"from": "24/12/2026"}, "from"),
        ({"from": "2026-12-24T09:00"}, "from"),
        ({"from": "9999-12-30"}, "from"),
        ({"from": None}, "from"),
        ({"working_days": -1}, "working_days"),
        ({"working_days": 3651}, "working_days"),
        ({"working_days": 1.5}, "working_days"),
        ({"working_days": "ten"}, "working_days"),
        ({"working_days": None}, "working_days"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = count(world, {**BODY, **change})

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])


def test_a_date_out_of_range_says_which_years(world: World) -> None:
    response = count(world, {**BODY, "from": "1999-12-31"})

    assert response.json() == {"from": ["Enter a date from 2000 to 2099."]}


@pytest.mark.parametrize("missing", list(BODY))
def test_a_missing_field_is_400_naming_it(world: World, missing: str) -> None:
    body = {name: value for name, value in BODY.items() if name != missing}

    response = count(world, body)

    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}


def test_the_field_is_from_not_its_python_name(world: World) -> None:
    response = count(world, {"start": "2026-12-24", "working_days": 1})

    assert response.status_code == 400
    assert response.json() == {"from": ["This field is required."]}


def test_without_a_token_is_401() -> None:
    response = Client().post(WORKING_DAYS_URL, BODY, content_type="application/json")

    assert response.status_code == 401


def test_get_is_405(world: World) -> None:
    assert token_client(world.users["om.worcester"]).get(WORKING_DAYS_URL).status_code == 405


def test_it_saves_nothing(world: World) -> None:
    events = AuditEvent.objects.count()

    count(world, BODY)

    assert AuditEvent.objects.count() == events


def test_the_schema_names_the_field_from(world: World) -> None:
    schema = token_client(world.users["om.worcester"]).get("/api/v1/schema/", {"format": "json"})

    operation = schema.json()["paths"][WORKING_DAYS_URL]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert operation["tags"] == ["calendar"]
    body = schema.json()["components"]["schemas"]["WorkingDaysInputRequest"]
    assert list(body["properties"]) == ["from", "working_days"]
    assert body["required"] == ["from", "working_days"]
