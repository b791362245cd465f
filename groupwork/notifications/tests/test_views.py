"""The Messages page: the outbox for programme managers (their area) and system administrators
(every area), newest first, with each message's status."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.notifications.models import Channel, Message, MessageStatus
from groupwork.notifications.tests.outbox import NOW
from groupwork.participants.models import Participant

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def to_man(man: Participant, key: str, **extra: Any) -> Message:
    values: dict[str, Any] = {
        "participant": man,
        "channel": Channel.TEXT,
        "to": "07700 900001",
        "kind": "session_reminder",
        "key": key,
        "body": f"Reminder {key}: you have an appointment.",
        "next_attempt_at": NOW,
    }
    values.update(extra)
    return Message.objects.create(**values)


def messages_in(world: World) -> dict[str, Message]:
    staff = world.users["om.worcester"]
    return {
        "worcester": to_man(world.worcester_man, "w1"),
        "sent": to_man(
            world.telford_man,
            "t1",
            status=MessageStatus.SENT,
            attempts=1,
            sent_at=NOW,
            provider_reference="local-1",
        ),
        "failed": to_man(
            world.worcester_man,
            "w2",
            status=MessageStatus.FAILED,
            attempts=5,
            last_error="ConnectionError: Notify is not answering",
        ),
        "stuck": to_man(
            world.worcester_man,
            "w3",
            status=MessageStatus.SENDING,
            attempts=1,
            next_attempt_at=NOW - 20 * MINUTE,
        ),
        "staff": Message.objects.create(
            staff=staff,
            channel=Channel.EMAIL,
            to="rachel@example.org",
            kind="complaint_named",
            key="staff-1",
            subject="A complaint names you",
            body="Read it on Groupwork.",
            next_attempt_at=NOW,
        ),
        "other_area": to_man(world.other_area_man, "o1"),
    }


def test_a_programme_manager_sees_the_messages_of_their_area_newest_first(world: World) -> None:
    made = messages_in(world)

    response = client_for(world, "pm.westmercia").get("/messages/")

    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    expected = ["staff", "stuck", "failed", "sent", "worcester"]
    assert shown == [made[name] for name in expected]
    page = response.content.decode()
    assert "Reminder o1" not in page
    assert world.worcester_man.full_name in page
    assert "A complaint names you" in page
    assert '<strong class="govuk-tag govuk-tag--red">Stuck</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Failed</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Sent</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--grey">Waiting</strong>' in page
    assert "5 attempts: ConnectionError: Notify is not answering" in page
    assert response.context["counts"] == {"waiting": 2, "failed": 1, "stuck": 1}


def test_a_system_administrator_sees_every_area_by_case_reference_only(world: World) -> None:
    made = messages_in(world)

    response = client_for(world, "admin").get("/messages/")

    assert set(response.context["page"].object_list) == set(made.values())
    page = response.content.decode()
    assert world.other_area_man.case_reference in page
    assert world.worcester_man.case_reference in page
    assert world.worcester_man.full_name not in page


def test_a_message_being_sent_just_now_is_not_called_stuck(world: World) -> None:
    to_man(world.worcester_man, "w1", status=MessageStatus.SENDING, attempts=1)
    page = client_for(world, "pm.westmercia").get("/messages/").content.decode()
    assert "Being sent" in page
    assert "govuk-tag--red" not in page


def test_other_roles_may_not_read_the_outbox(world: World) -> None:
    for persona in ["om.worcester", "fac.worcester", "spo.worcester", "chief.westmercia"]:
        assert client_for(world, persona).get("/messages/").status_code == 403


def test_the_page_only_answers_get(world: World) -> None:
    assert client_for(world, "pm.westmercia").post("/messages/").status_code == 405


def test_reading_the_outbox_is_audited(world: World) -> None:
    client_for(world, "pm.westmercia").get("/messages/")
    event = AuditEvent.objects.get(action=Action.MESSAGES_VIEWED)
    assert event.actor == world.users["pm.westmercia"]
    assert event.area == world.area
    assert event.detail == {"first_page": True}


def test_the_messages_menu_item_is_for_those_who_may_read_it(world: World) -> None:
    for persona, shown in [("pm.westmercia", True), ("admin", True), ("om.worcester", False)]:
        page = client_for(world, persona).get("/programmes/").content.decode()
        assert ('href="/messages/"' in page) is shown, persona


def test_fifty_a_page(world: World) -> None:
    for number in range(51):
        to_man(world.worcester_man, f"m{number:02d}")
    client = client_for(world, "pm.westmercia")
    first = client.get("/messages/")
    assert len(first.context["page"].object_list) == 50
    assert "Older" in first.content.decode()
    second = client.get(f"/messages/?{first.context['page'].next_query}")
    assert [m.key for m in second.context["page"].object_list] == ["m00"]
    assert "Newer" in second.content.decode()


def test_the_page_takes_the_same_number_of_queries_however_many_messages(
    world: World, django_assert_num_queries: Any
) -> None:
    messages_in(world)
    client = client_for(world, "pm.westmercia")
    with CaptureQueriesContext(connection) as few:
        client.get("/messages/")
    for number in range(30):
        to_man(world.telford_man, f"t-{number}")
        Message.objects.create(
            staff=world.users["pm.westmercia"],
            channel=Channel.EMAIL,
            to="helen@example.org",
            kind="notice",
            key=f"s-{number}",
            body="Hello.",
            next_attempt_at=NOW,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/messages/")
