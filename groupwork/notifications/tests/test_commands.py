"""`send_messages` sends what is due and says so; `daily` queues tomorrow's reminders and
sends them."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from groupwork.core.tests.world import World
from groupwork.notifications.models import Message, MessageStatus
from groupwork.notifications.services import queue_for_participant
from groupwork.notifications.tests.outbox import NOW, reachable, reachable_world, sessions_tomorrow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_send_messages_sends_what_is_due_to_the_local_outbox(world: World) -> None:
    reachable(world.worcester_man, texts=True, email=True)
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="Hello.")

    assert run("send_messages") == "Messages: 2 sent, 0 to try again later, 0 failed.\n"
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert {m.provider_reference for m in Message.objects.all()} == {
        f"local-{m.pk}" for m in Message.objects.all()
    }
    assert run("send_messages") == "Messages: 0 sent, 0 to try again later, 0 failed.\n"


def test_send_messages_keeps_to_its_limit_and_reports_stuck_messages(world: World) -> None:
    reachable(world.worcester_man, texts=True, email=True)
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="Hello.")
    Message.objects.filter(key="k:email").update(
        status=MessageStatus.SENDING, next_attempt_at=NOW - datetime.timedelta(hours=1)
    )
    output = run("send_messages", "--limit", "1")
    assert output.splitlines() == [
        "Messages: 1 sent, 0 to try again later, 0 failed.",
        "1 stuck while being sent: check them on the Messages page.",
    ]


def test_daily_queues_tomorrows_reminders_and_sends_them(world: World) -> None:
    reachable_world(world)
    sessions_tomorrow(world)

    output = run("daily", "--date", "2026-12-13")

    assert "Reminders for tomorrow: 5 queued." in output
    assert "Messages: 5 sent, 0 to try again later, 0 failed." in output
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 5
    again = run("daily", "--date", "2026-12-13")
    assert "Reminders for tomorrow: 0 queued." in again
    assert "Messages: 0 sent" in again
