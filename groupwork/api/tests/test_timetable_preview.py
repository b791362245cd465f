"""POST /api/v1/timetables/preview: the timetable a group would have, and field errors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from groupwork.api.tests.conftest import PREVIEW_URL, token_client
from groupwork.audit.models import AuditEvent
from groupwork.core.tests.world import World
from groupwork.groups.models import Group
from groupwork.organisation.models import ClosureDay
from groupwork.organisation.tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def preview(world: World, body: dict[str, Any], persona: str = "om.worcester") -> Any:
    return token_client(world.users[persona]).post(PREVIEW_URL, body, format="json")


def test_full_days_from_a_monday(world: World, preview_body: dict[str, Any]) -> None:
    response = preview(world, preview_body)

    assert response.status_code == 200
    answer = response.json()
    assert answer["start"] == "2027-01-11"
    assert answer["start_moved_from"] is None
    assert answer["start_reason"] is None
    sessions = answer["sessions"]
    assert [s["number"] for s in sessions] == list(range(1, 11))
    assert [s["kind"] for s in sessions] == ["block"] * 5 + ["weekly"] * 5
    assert [s["date"] for s in sessions] == [
        # The block week, Monday to Friday...
        "2027-01-11",
        "2027-01-12",
        "2027-01-13",
        "2027-01-14",
        "2027-01-15",
        # ...then a full day each Monday from the week after.
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
        "2027-02-15",
    ]
    assert {(s["starts"], s["ends"]) for s in sessions} == {("09:30", "16:00")}
    assert sessions[0] == {
        "number": 1,
        "date": "2027-01-11",
        "starts": "09:30",
        "ends": "16:00",
        "kind": "block",
        "moved_from": None,
        "reason": None,
    }


def test_a_start_in_christmas_week_moves_to_the_next_clear_week(
    world: World, preview_body: dict[str, Any]
) -> None:
    # Christmas Day is Friday 25 December 2026 and Boxing Day is observed on Monday 28th,
    # so neither week has five clear days: the block week is the week of 4 January 2027.
    response = preview(world, {**preview_body, "start": "2026-12-21"})

    assert response.status_code == 200
    answer = response.json()
    assert answer["start"] == "2027-01-04"
    assert answer["start_moved_from"] == "2026-12-21"
    assert answer["start_reason"] == "Christmas Day (bank holiday)"
    assert [s["date"] for s in answer["sessions"][:5]] == [
        "2027-01-04",
        "2027-01-05",
        "2027-01-06",
        "2027-01-07",
        "2027-01-08",
    ]
    assert answer["sessions"][5]["date"] == "2027-01-11"


def test_a_start_that_is_not_a_monday_moves_to_the_next_monday(
    world: World, preview_body: dict[str, Any]
) -> None:
    answer = preview(world, {**preview_body, "start": "2027-01-13"}).json()

    assert answer["start"] == "2027-01-18"
    assert answer["start_moved_from"] == "2027-01-13"
    assert answer["start_reason"] == "The block week starts on a Monday"


def test_a_weekly_meeting_on_a_bank_holiday_moves_a_week_on(
    world: World, preview_body: dict[str, Any]
) -> None:
    # Block week from 8 March 2027; Mondays from the 15th; Easter Monday is 29 March.
    sessions = preview(world, {**preview_body, "start": "2027-03-08"}).json()["sessions"]

    weekly = [(s["number"], s["date"], s["moved_from"], s["reason"]) for s in sessions[5:]]
    assert weekly == [
        (6, "2027-03-15", None, None),
        (7, "2027-03-22", None, None),
        (8, "2027-04-05", "2027-03-29", "Easter Monday (bank holiday)"),
        (9, "2027-04-12", None, None),
        (10, "2027-04-19", None, None),
    ]


def test_the_users_own_area_closure_days_count_and_no_other_areas(
    world: World, preview_body: dict[str, Any]
) -> None:
    ClosureDay.objects.create(area=world.area, date=datetime.date(2027, 1, 25), reason="Training")
    ClosureDay.objects.create(
        area=world.other_area, date=datetime.date(2027, 2, 1), reason="Elsewhere"
    )

    sessions = preview(world, preview_body).json()["sessions"]

    assert sessions[6]["date"] == "2027-02-01"
    assert sessions[6]["moved_from"] == "2027-01-25"
    assert sessions[6]["reason"] == "Training (area closed)"
    assert [s["date"] for s in sessions[7:]] == ["2027-02-08", "2027-02-15", "2027-02-22"]


def test_evening_meetings_never_fall_in_the_block_week(
    world: World, preview_body: dict[str, Any]
) -> None:
    sessions = preview(world, {**preview_body, "pattern": "evenings"}).json()["sessions"]

    block = [s for s in sessions if s["kind"] == "block"]
    evenings = [s for s in sessions if s["kind"] == "weekly"]
    assert len(block) == 5
    assert len(evenings) == 10
    assert {(s["starts"], s["ends"]) for s in block} == {("09:30", "16:00")}
    assert {(s["starts"], s["ends"]) for s in evenings} == {("18:00", "20:30")}
    last_block_day = max(s["date"] for s in block)
    assert all(s["date"] > last_block_day for s in evenings)
    assert evenings[0]["date"] == "2027-01-18"


@pytest.mark.parametrize("persona", ["fac.worcester", "spo.worcester", "pm.westmercia"])
def test_every_role_with_an_area_may_preview(
    world: World, preview_body: dict[str, Any], persona: str
) -> None:
    assert preview(world, preview_body, persona).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2027-02-30"}, "start"),
        ({"start": "11/01/2027"}, "start"),
        ({"start": "2027-01-11T09:00"}, "start"),
        ({"start": "9999-12-27"}, "start"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"module": "no-such-module"}, "module"),
        ({"module": "longer-term", "pattern": "full-days"}, "pattern"),
        ({"pattern": "weekends"}, "pattern"),
        ({"centre": "nowhere"}, "centre"),
        ({"centre": ""}, "centre"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    world: World, preview_body: dict[str, Any], change: dict[str, str], field: str
) -> None:
    response = preview(world, {**preview_body, **change})

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert isinstance(errors[field], list)
    assert all(isinstance(message, str) and message for message in errors[field])


@pytest.mark.parametrize("missing", ["programme", "module", "start", "pattern", "centre"])
def test_a_missing_field_is_400_naming_it(
    world: World, preview_body: dict[str, Any], missing: str
) -> None:
    body = {name: value for name, value in preview_body.items() if name != missing}

    response = preview(world, body)

    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}


def test_another_areas_centre_is_no_such_centre(world: World, preview_body: dict[str, Any]) -> None:
    OfficeFactory.create(area=world.other_area, slug="northmoor", is_group_centre=True)

    theirs = preview(world, {**preview_body, "centre": "northmoor"})
    nowhere = preview(world, {**preview_body, "centre": "nowhere"})

    assert theirs.status_code == 400
    assert theirs.json() == nowhere.json() == {"centre": ["No such centre."]}


def test_our_centre_is_no_such_centre_to_another_area(
    world: World, preview_body: dict[str, Any]
) -> None:
    response = preview(world, preview_body, "om.otherarea")

    assert response.status_code == 400
    assert response.json() == {"centre": ["No such centre."]}


def test_an_office_that_runs_no_groups_is_no_such_centre(
    world: World, preview_body: dict[str, Any]
) -> None:
    OfficeFactory.create(area=world.area, slug="hereford", is_group_centre=False)

    response = preview(world, {**preview_body, "centre": "hereford"})

    assert response.json() == {"centre": ["No such centre."]}


def test_planning_errors_say_what_the_module_offers(
    world: World, preview_body: dict[str, Any]
) -> None:
    response = preview(world, {**preview_body, "module": "longer-term", "pattern": "full-days"})

    assert response.json() == {
        "pattern": ["Longer-term group runs as half-days, evenings, not 'full-days'"]
    }


def test_without_a_token_is_401(preview_body: dict[str, Any]) -> None:
    response = Client().post(PREVIEW_URL, preview_body, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401(preview_body: dict[str, Any]) -> None:
    response = Client().post(
        PREVIEW_URL,
        preview_body,
        content_type="application/json",
        headers={"Authorization": "Token " + "0" * 40},
    )

    assert response.status_code == 401


def test_a_signed_in_session_is_not_enough(world: World, preview_body: dict[str, Any]) -> None:
    # The API takes tokens only: a browser session (and its cookies) does not authenticate.
    client = Client()
    client.force_login(world.users["om.worcester"])

    response = client.post(PREVIEW_URL, preview_body, content_type="application/json")

    assert response.status_code == 401


def test_an_inactive_users_token_is_401(world: World, preview_body: dict[str, Any]) -> None:
    user = world.users["om.worcester"]
    client = token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.post(PREVIEW_URL, preview_body, format="json").status_code == 401


def test_a_system_administrator_is_403(world: World, preview_body: dict[str, Any]) -> None:
    assert preview(world, preview_body, "admin").status_code == 403


def test_get_is_405(world: World) -> None:
    response = token_client(world.users["om.worcester"]).get(PREVIEW_URL)

    assert response.status_code == 405


def test_only_json_is_read(world: World, preview_body: dict[str, Any]) -> None:
    client = token_client(world.users["om.worcester"])

    response = client.post(PREVIEW_URL, preview_body)  # a form post, not JSON

    assert response.status_code == 415


def test_a_preview_saves_nothing(world: World, preview_body: dict[str, Any]) -> None:
    groups, events = Group.objects.count(), AuditEvent.objects.count()

    preview(world, preview_body)

    assert (Group.objects.count(), AuditEvent.objects.count()) == (groups, events)
