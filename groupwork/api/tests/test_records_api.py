"""The records under /api/v1/: what each persona sees, the filters, the pages, the audit
entries and the number of queries. Who may use which address is in test_access_map.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupwork.api.tests.conftest import token_client
from groupwork.api.tests.records import REGISTER_NOTE, add_history, add_records
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import Complaint, ComplaintStage
from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db


def get(world: World, persona: str, url: str, **query: Any) -> Any:
    return token_client(world.users[persona]).get(url, query)


def ids(response: Any, key: str = "id") -> set[str]:
    assert response.status_code == 200, response.content
    return {str(row[key]) for row in response.json()["results"]}


def events(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Men


def test_an_officer_lists_his_own_men(world: World) -> None:
    listed = ids(get(world, "om.worcester", "/api/v1/participants/"))

    assert listed == {str(world.worcester_man.pk), str(world.former_member.pk)}


def test_a_programme_manager_lists_the_area_and_not_another(world: World) -> None:
    listed = ids(get(world, "pm.westmercia", "/api/v1/participants/"))

    assert str(world.telford_man.pk) in listed
    assert str(world.other_area_man.pk) not in listed


def test_a_list_of_men_is_audited_as_one_list_and_each_man(world: World) -> None:
    get(world, "om.worcester", "/api/v1/participants/", status="on_programme")

    (listed,) = events(Action.CASELOAD_VIEWED)
    assert listed.actor == world.users["om.worcester"]
    assert listed.detail == {
        "list": "api/participants",
        "page": 1,
        "filters": {"status": "on_programme"},
    }
    assert [event.participant_id for event in events(Action.PARTICIPANT_VIEWED)] == [
        world.worcester_man.pk
    ]


def test_his_details_with_his_referrals(world: World) -> None:
    response = get(world, "om.worcester", f"/api/v1/participants/{world.worcester_man.pk}/")

    man = response.json()
    assert man["case_reference"] == world.worcester_man.case_reference
    assert man["disability"] is None  # not given
    assert man["referrals"] == [
        {
            "id": str(world.worcester_referral.pk),
            "programme": "csogp",
            "status": "on_programme",
        }
    ]
    (read,) = events(Action.PARTICIPANT_VIEWED)
    assert read.participant_id == world.worcester_man.pk


def test_a_restricted_case_is_left_out_for_staff_it_does_not_name(world: World) -> None:
    world.telford_man.restricted_to.add(world.users["om.telford"])
    url = f"/api/v1/participants/{world.telford_man.pk}/"

    assert str(world.telford_man.pk) not in ids(
        get(world, "pm.westmercia", "/api/v1/participants/")
    )
    assert get(world, "pm.westmercia", url).status_code == 404
    assert get(world, "om.telford", url).status_code == 200
    referrals = ids(get(world, "pm.westmercia", "/api/v1/referrals/"))
    assert str(world.telford_referral.pk) not in referrals


# Referrals


def test_a_referral_shows_its_status_changes(world: World) -> None:
    add_history(world)

    referral = get(world, "om.worcester", f"/api/v1/referrals/{world.former_referral.pk}/").json()

    assert referral["status"] == "ended_early"
    assert referral["status_reason"] == "moved_away"
    assert referral["responsible_officer"]["username"] == "om.worcester"
    (change,) = referral["status_changes"]
    assert change["from_status"] == "on_programme"
    assert change["to_status"] == "ended_early"
    assert change["reason"] == "moved_away"
    assert change["changed_by"]["username"] == "om.worcester"


def test_referrals_by_status(world: World) -> None:
    listed = ids(get(world, "om.worcester", "/api/v1/referrals/", status="ended_early"))

    assert listed == {str(world.former_referral.pk)}


def test_another_officers_referral_is_not_found(world: World) -> None:
    response = get(world, "om.telford", f"/api/v1/referrals/{world.worcester_referral.pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert not events(Action.PARTICIPANT_VIEWED)


# Filters and pages


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "1 December 2026"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to"),
        ({"status": "lost"}, "status"),
        ({"group": "0"}, "group"),
        ({"group": "99999999999"}, "group"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(
    world: World, query: dict[str, str], field: str
) -> None:
    response = get(world, "pm.westmercia", "/api/v1/sessions/", **query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_sessions_by_day_status_and_group(world: World) -> None:
    day = world.worcester_session.date.isoformat()
    session = str(world.worcester_session.pk)
    url = "/api/v1/sessions/"

    assert ids(get(world, "pm.westmercia", url, **{"from": day, "to": day})) == {session}
    assert ids(get(world, "pm.westmercia", url, **{"from": "2027-01-01"})) == set()
    assert ids(get(world, "pm.westmercia", url, status="cancelled")) == set()
    assert ids(get(world, "pm.westmercia", url, group=world.worcester_group.pk)) == {session}
    assert ids(get(world, "pm.westmercia", url, group=world.shrewsbury_group.pk)) == set()


def test_pages(world: World) -> None:
    add_records(world, 3)
    url = "/api/v1/participants/"

    first = get(world, "om.worcester", url, page_size=2).json()
    last = get(world, "om.worcester", url, page_size=2, page=3).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"].endswith("/api/v1/participants/?page=2&page_size=2")
    assert first["previous"] is None
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert len(get(world, "om.worcester", url, page_size=0).json()["results"]) == 5


def test_a_page_past_the_last_is_not_found(world: World) -> None:
    response = get(world, "om.worcester", "/api/v1/participants/", page=2)

    assert response.status_code == 404
    assert "detail" in response.json()
    assert not events(Action.CASELOAD_VIEWED)


def test_a_list_of_another_page_audits_its_page_and_filters(world: World) -> None:
    add_records(world, 2)

    get(world, "om.worcester", "/api/v1/referrals/", page=2, page_size=2, **{"from": "2026-01-01"})

    (listed,) = events(Action.CASELOAD_VIEWED)
    assert listed.detail == {"list": "api/referrals", "page": 2, "filters": {"from": "2026-01-01"}}
    assert len(events(Action.PARTICIPANT_VIEWED)) == 2


def test_the_api_answers_json_at_an_address_it_does_not_have(world: World) -> None:
    response = get(world, "pm.westmercia", "/api/v1/participants/not-an-id/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_records_are_read_only(world: World) -> None:
    client = token_client(world.users["pm.westmercia"])

    assert client.post("/api/v1/participants/", {}, format="json").status_code == 405
    url = f"/api/v1/complaints/{world.worcester_complaint.pk}/"
    assert client.delete(url).status_code == 405


# Groups, sessions and registers


def test_a_facilitator_sees_her_own_groups(world: World) -> None:
    listed = ids(get(world, "fac.worcester", "/api/v1/groups/"))

    assert listed == {str(world.worcester_group.pk)}


def test_groups_and_sessions_name_no_man_and_are_not_audited(world: World) -> None:
    before = AuditEvent.objects.count()

    group = get(world, "pm.westmercia", f"/api/v1/groups/{world.worcester_group.pk}/").json()
    get(world, "pm.westmercia", "/api/v1/sessions/")

    assert group["facilitators"] == [
        {"username": "fac.worcester", "name": world.users["fac.worcester"].get_full_name()}
    ]
    assert AuditEvent.objects.count() == before


def test_a_register_shows_the_marks_of_the_men_she_may_see(world: World) -> None:
    add_history(world)  # worcester_man and the former member were marked late
    url = f"/api/v1/sessions/{world.worcester_session.pk}/register/"

    register = get(world, "fac.worcester", url).json()

    assert register["taken_by"]["username"] == "fac.worcester"
    (mark,) = register["marks"]  # the former member has left her group: not hers to see
    assert mark["participant"] == str(world.worcester_man.pk)
    assert mark["outcome"] == "failed_to_comply"
    assert mark["failures"] == ["late"]
    assert len(get(world, "pm.westmercia", url).json()["marks"]) == 2


def test_a_register_never_shows_the_session_note(world: World) -> None:
    add_history(world)

    response = get(
        world, "pm.westmercia", f"/api/v1/sessions/{world.worcester_session.pk}/register/"
    )

    assert "note" not in response.json()
    assert REGISTER_NOTE not in response.content.decode()


def test_reading_a_register_is_audited_per_man_shown(world: World) -> None:
    add_history(world)

    get(world, "pm.westmercia", f"/api/v1/sessions/{world.worcester_session.pk}/register/")

    shown = {event.participant_id for event in events(Action.REGISTER_VIEWED)}
    assert shown == {world.worcester_man.pk, world.former_member.pk}


# Absences, enforcement, one-to-ones


def test_another_officer_sees_none_of_his_absences_enforcement_or_meetings(
    world: World,
) -> None:
    for url in ("/api/v1/absences/", "/api/v1/enforcement-items/", "/api/v1/one-to-ones/"):
        assert ids(get(world, "om.telford", url)) == set(), url
        assert ids(get(world, "om.worcester", url)) != set(), url


def test_enforcement_items_open_or_decided(world: World) -> None:
    add_history(world)  # a decided warning before the open item
    url = "/api/v1/enforcement-items/"

    open_items = get(world, "om.worcester", url, status="open").json()["results"]
    decided = get(world, "om.worcester", url, status="decided").json()["results"]

    assert [item["id"] for item in open_items] == [world.worcester_enforcement.pk]
    assert open_items[0]["action_taken"] is None
    assert open_items[0]["status"] == "open"
    assert decided[0]["action_taken"] == "warning"
    assert decided[0]["decided_by"]["username"] == "om.worcester"


def test_absences_by_status(world: World) -> None:
    url = "/api/v1/absences/"

    assert ids(get(world, "om.worcester", url, status="pending")) == {
        str(world.worcester_absence.pk)
    }
    assert ids(get(world, "om.worcester", url, status="acceptable")) == set()


# Complaints


def test_a_manager_never_sees_a_complaint_that_names_him(world: World) -> None:
    other = Complaint.objects.create(
        referral=world.worcester_referral,
        summary="He says the room was cold.",
        received_on=world.worcester_complaint.received_on,
        recorded_by=world.users["om.worcester"],
    )
    url = f"/api/v1/complaints/{world.worcester_complaint.pk}/"

    assert ids(get(world, "spo.worcester", "/api/v1/complaints/")) == {str(other.pk)}
    assert get(world, "spo.worcester", url).status_code == 404
    assert get(world, "om.worcester", url).status_code == 200


def test_a_complaint_with_its_stages(world: World) -> None:
    add_history(world)  # stage 1 answered, stage 2 open

    complaint = get(
        world, "om.worcester", f"/api/v1/complaints/{world.worcester_complaint.pk}/"
    ).json()

    assert complaint["status"] == "open"
    assert [stage["number"] for stage in complaint["stages"]] == [1, 2]
    assert complaint["stages"][0]["outcome"] == "not_upheld"
    assert complaint["stages"][1]["outcome"] is None
    assert complaint["named_staff"][0]["username"] == "spo.worcester"


def test_complaints_open_or_answered(world: World) -> None:
    url = "/api/v1/complaints/"
    complaint = str(world.worcester_complaint.pk)

    assert ids(get(world, "om.worcester", url, status="open")) == {complaint}
    ComplaintStage.objects.update(responded_on=world.worcester_complaint.received_on)
    assert ids(get(world, "om.worcester", url, status="open")) == set()
    assert ids(get(world, "om.worcester", url, status="answered")) == {complaint}


# Queries


LISTS = [
    "/api/v1/participants/",
    "/api/v1/referrals/",
    "/api/v1/groups/",
    "/api/v1/sessions/",
    "/api/v1/absences/",
    "/api/v1/enforcement-items/",
    "/api/v1/one-to-ones/",
    "/api/v1/complaints/",
]


def queries(world: World, url: str) -> int:
    client = token_client(world.users["pm.westmercia"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [*LISTS, "register"])
def test_a_page_takes_the_same_queries_for_few_rows_or_many(
    world: World, url: str, django_assert_num_queries: Any
) -> None:
    if url == "register":
        url = f"/api/v1/sessions/{world.worcester_session.pk}/register/"
    add_history(world)
    few = queries(world, url)
    add_records(world, 8)
    client = token_client(world.users["pm.westmercia"])

    with django_assert_num_queries(few):
        response = client.get(url)

    body = response.json()
    assert len(body["results"] if "results" in body else body["marks"]) > 8
