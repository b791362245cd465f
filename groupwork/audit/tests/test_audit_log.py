from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import record_event
from groupwork.core.tests.world import World, client_for

pytestmark = pytest.mark.django_db


def an_event(world: World) -> AuditEvent:
    return record_event(
        acting_user=world.users["om.worcester"],
        action=Action.PARTICIPANT_VIEWED,
        subject=world.worcester_man,
        participant=world.worcester_man,
    )


def test_the_database_refuses_to_update_an_audit_row(world: World) -> None:
    event = an_event(world)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.SIGNED_IN)
    event.refresh_from_db()
    assert event.action == Action.PARTICIPANT_VIEWED


def test_the_database_refuses_to_delete_an_audit_row(world: World) -> None:
    event = an_event(world)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_delete_either(world: World) -> None:
    an_event(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.exists()


def test_chief_officer_reads_their_areas_log_only(world: World) -> None:
    an_event(world)
    record_event(acting_user=world.users["om.otherarea"], action=Action.CASELOAD_VIEWED)
    response = client_for(world, "chief.westmercia").get("/audit/")
    assert response.status_code == 200
    shown = response.context["events"]
    assert shown
    assert {event.area_id for event in shown} == {world.area.pk}
    assert world.worcester_man.case_reference in response.content.decode()


def test_system_administrator_reads_every_area(world: World) -> None:
    an_event(world)
    record_event(acting_user=world.users["om.otherarea"], action=Action.CASELOAD_VIEWED)
    shown = client_for(world, "admin").get("/audit/").context["events"]
    assert {world.area.pk, world.other_area.pk} <= {event.area_id for event in shown}


def test_filters_narrow_the_log(world: World) -> None:
    an_event(world)
    record_event(acting_user=world.users["om.telford"], action=Action.CASELOAD_VIEWED)
    client = client_for(world, "chief.westmercia")
    by_actor = client.get("/audit/", {"actor": "om.telford"}).context["events"]
    assert [event.action for event in by_actor] == [Action.CASELOAD_VIEWED]
    by_man = client.get(
        "/audit/", {"case_reference": world.worcester_man.case_reference.lower()}
    ).context["events"]
    assert [event.action for event in by_man] == [Action.PARTICIPANT_VIEWED]
    by_action = client.get("/audit/", {"action": Action.PARTICIPANT_VIEWED}).context["events"]
    assert {event.action for event in by_action} == {Action.PARTICIPANT_VIEWED}


def test_a_bad_filter_date_shows_an_error(world: World) -> None:
    client = client_for(world, "chief.westmercia")
    response = client.get("/audit/", {"since_day": "40", "since_month": "1", "since_year": "2026"})
    assert "From must be a real date" in response.content.decode()


def test_reading_the_log_is_itself_audited(world: World) -> None:
    client_for(world, "chief.westmercia").get("/audit/", {"actor": "om.worcester"})
    event = AuditEvent.objects.get(action=Action.AUDIT_LOG_VIEWED)
    assert event.detail == {"actor": "om.worcester"}


# Session, user, device check, page of events, audit insert, session save (3).
AUDIT_LOG_QUERIES = 8


def test_the_log_pages_by_id_with_a_steady_query_count(
    world: World, django_assert_num_queries: Any
) -> None:
    for _ in range(60):
        an_event(world)
    client = client_for(world, "chief.westmercia")
    with django_assert_num_queries(AUDIT_LOG_QUERIES):
        first = client.get("/audit/")
    assert len(first.context["events"]) == 50
    assert first.context["next_query"]
    with django_assert_num_queries(AUDIT_LOG_QUERIES):
        second = client.get(f"/audit/?{first.context['next_query']}")
    first_ids = {event.pk for event in first.context["events"]}
    second_ids = {event.pk for event in second.context["events"]}
    assert first_ids.isdisjoint(second_ids)
    assert max(second_ids) < min(first_ids)


def test_an_event_names_its_action_in_words_even_one_no_longer_in_the_code() -> None:
    assert AuditEvent(action=Action.SIGNED_IN).action_label == "Signed in"
    assert AuditEvent(action="retired_action").action_label == "retired_action"
