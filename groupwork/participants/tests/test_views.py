from typing import Any

import pytest

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_caseload_lists_only_the_officers_own_men(world: World) -> None:
    response = client_for(world, "om.worcester").get("/participants/")
    listed = set(response.context["page"].object_list)
    assert listed == {world.worcester_man, world.former_member}
    assert world.telford_man.last_name not in response.content.decode()


def test_caseload_is_audited(world: World) -> None:
    client_for(world, "om.worcester").get("/participants/")
    event = AuditEvent.objects.get(action=Action.CASELOAD_VIEWED)
    assert event.actor == world.users["om.worcester"]


def test_search_finds_by_name_and_reference_within_scope_and_is_audited(world: World) -> None:
    client = client_for(world, "om.worcester")
    by_name = client.get("/participants/", {"q": world.worcester_man.last_name})
    assert list(by_name.context["page"].object_list) == [world.worcester_man]
    out_of_scope = client.get("/participants/", {"q": world.telford_man.case_reference})
    assert list(out_of_scope.context["page"].object_list) == []
    searches = AuditEvent.objects.filter(action=Action.PARTICIPANTS_SEARCHED).order_by("id")
    assert [event.detail for event in searches] == [
        {"query": world.worcester_man.last_name, "results": 1},
        {"query": world.telford_man.case_reference, "results": 0},
    ]


# Session, user, two-factor device check, count, page, referrals, current group places (for
# the completion forecast), audit insert, and the
# session save (savepoint, update, release) that keeps the idle timeout sliding.
CASELOAD_QUERIES = 10  # the caseload pages by key, so it counts nothing


def test_caseload_query_count_does_not_grow_with_rows(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "pm.westmercia")
    with django_assert_num_queries(CASELOAD_QUERIES):
        assert client.get("/participants/").status_code == 200
    for _ in range(20):
        ReferralFactory(
            participant__area=world.area, responsible_officer=world.users["om.worcester"]
        )
    with django_assert_num_queries(CASELOAD_QUERIES):
        response = client.get("/participants/")
    assert len(response.context["page"].object_list) == 23


def test_opening_a_record_writes_an_audit_row(world: World) -> None:
    client = client_for(world, "om.worcester")
    response = client.get(f"/participants/{world.worcester_man.pk}/")
    assert response.status_code == 200
    assert world.worcester_man.case_reference in response.content.decode()
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.participant == world.worcester_man
    assert event.actor == world.users["om.worcester"]
    assert event.area == world.area


def test_a_record_out_of_scope_is_not_found_and_not_audited(world: World) -> None:
    response = client_for(world, "om.worcester").get(f"/participants/{world.telford_man.pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED).exists()


def test_other_area_officer_sees_no_west_mercia_record(world: World) -> None:
    client = client_for(world, "om.otherarea")
    caseload = client.get("/participants/")
    assert list(caseload.context["page"].object_list) == [world.other_area_man]
    for man in [world.worcester_man, world.telford_man, world.former_member]:
        assert client.get(f"/participants/{man.pk}/").status_code == 404


def test_unknown_participant_is_not_found(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/participants/{missing}/").status_code == 404


def test_wrong_method_is_refused(world: World) -> None:
    client = client_for(world, "om.worcester")
    assert client.post("/participants/").status_code == 405
    assert client.post(f"/participants/{world.worcester_man.pk}/").status_code == 405


def test_read_only_roles_cannot_change_details(world: World) -> None:
    for persona in ["fac.worcester", "spo.worcester", "chief.westmercia"]:
        client = client_for(world, persona)
        url = f"/participants/{world.worcester_man.pk}/edit/"
        assert client.post(url, {"first_name": "Changed"}).status_code == 403


def edit_data(world: World, **changes: str) -> dict[str, str]:
    man = world.worcester_man
    data = {
        "first_name": man.first_name,
        "last_name": man.last_name,
        "date_of_birth_day": str(man.date_of_birth.day),
        "date_of_birth_month": str(man.date_of_birth.month),
        "date_of_birth_year": str(man.date_of_birth.year),
        "case_reference": man.case_reference,
        "sex": "male",
        "available_daytime": "on",
    }
    data.update(changes)
    return data


def test_changing_details_saves_and_audits_old_and_new_values(world: World) -> None:
    client = client_for(world, "om.worcester")
    url = f"/participants/{world.worcester_man.pk}/edit/"
    response = client.post(url, edit_data(world, phone="07700 900999"))
    assert response.status_code == 302
    world.worcester_man.refresh_from_db()
    assert world.worcester_man.phone == "07700 900999"
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_CHANGED)
    assert event.old_values == {"phone": ""}
    assert event.new_values == {"phone": "07700 900999"}


def test_bad_date_of_birth_is_refused_with_a_clear_error(world: World) -> None:
    client = client_for(world, "om.worcester")
    url = f"/participants/{world.worcester_man.pk}/edit/"
    response = client.post(url, edit_data(world, date_of_birth_day="31", date_of_birth_month="2"))
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.PARTICIPANT_CHANGED).exists()
