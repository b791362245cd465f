"""Sending the outbox: every message delivered once though the provider fails, never twice,
retried on a growing wait, given up after five attempts, and never against his wishes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from groupwork.attendance.models import CatchUpMode
from groupwork.attendance.services import book_catch_up
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World
from groupwork.notifications.backends import DeliveryUnknown, PermanentFailure
from groupwork.notifications.models import Channel, Message, MessageStatus
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.sending import (
    BACKOFF_MINUTES,
    MAX_ATTEMPTS,
    SendReport,
    send_due,
    stuck,
)
from groupwork.notifications.services import queue_for_participant, queue_for_staff
from groupwork.notifications.tests.outbox import (
    NOW,
    TODAY,
    BrokenBackend,
    RecordingBackend,
    reachable,
    reachable_world,
    sessions_tomorrow,
)

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def one_message(world: World, key: str = "test") -> Message:
    reachable(world.worcester_man)
    [message] = queue_for_participant(
        participant=world.worcester_man, kind="test", key=key, body="See you at 10am."
    )
    return message


def test_every_message_is_delivered_exactly_once_though_the_sender_fails_first(
    world: World,
) -> None:
    reachable_world(world)
    sessions_tomorrow(world)
    first_batch = queue_reminders(today=TODAY)
    # Two session reminders for the Worcester man (text and e-mail), one for the Telford man,
    # and the Worcester man's doctor's note due tomorrow, twice.
    assert first_batch == 5

    broken = BrokenBackend()
    report = send_due(backend=broken)
    assert report == SendReport(sent=0, retried=5, failed=0)
    assert broken.calls == 5
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert not AuditEvent.objects.filter(action=Action.MESSAGE_SENT).exists()

    # While it is down, more is queued: a catch-up booked and a notice to a member of staff.
    book_catch_up(
        acting_user=world.users["fac.worcester"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.ONE_TO_ONE,
        booked_for=datetime.date(2026, 12, 16),
        facilitator=world.users["fac.worcester"],
    )
    staff = world.users["om.worcester"]
    staff.email = "rachel.owens@example.org"
    staff.save(update_fields=["email"])
    queue_for_staff(user=staff, kind="notice", key="notice-1", subject="A task", body="See it.")
    # Queueing the same reminders again adds nothing.
    assert queue_reminders(today=TODAY) == 0
    queued = set(Message.objects.values_list("key", flat=True))
    assert len(queued) == 8

    # Too soon: the failed ones wait a minute, so only the new ones go.
    working = RecordingBackend()
    assert send_due(backend=working).sent == 3
    later = send_due(now=NOW + 2 * MINUTE, backend=working)
    assert later == SendReport(sent=5, retried=0, failed=0)
    assert send_due(now=NOW + datetime.timedelta(days=2), backend=working) == SendReport()

    assert len(working.keys) == len(set(working.keys))
    assert set(working.keys) == queued
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert AuditEvent.objects.filter(action=Action.MESSAGE_SENT).count() == 8


def test_a_message_left_sending_by_a_sender_that_died_is_never_sent_again(world: World) -> None:
    message = one_message(world)

    class Dies:
        def send(self, message: Message) -> str:
            raise SystemExit("killed mid-send")

    with pytest.raises(SystemExit):
        send_due(backend=Dies())
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert message.attempts == 1

    working = RecordingBackend()
    for later in [NOW, NOW + datetime.timedelta(hours=1), NOW + datetime.timedelta(days=30)]:
        assert send_due(now=later, backend=working) == SendReport()
    assert working.keys == []
    assert stuck(NOW + 5 * MINUTE) == 0  # it might still be in hand
    assert stuck(NOW + 11 * MINUTE) == 1


def test_failures_wait_longer_each_time_then_the_message_fails(world: World) -> None:
    message = one_message(world)
    broken = BrokenBackend()
    now = NOW
    for attempt, wait in enumerate(BACKOFF_MINUTES, start=1):
        assert send_due(now=now, backend=broken).retried == 1
        message.refresh_from_db()
        assert message.attempts == attempt
        assert message.status == MessageStatus.QUEUED
        assert message.next_attempt_at == now + wait * MINUTE
        assert message.last_error == "ConnectionError: Notify is not answering"
        # Not due until the wait is over.
        assert send_due(now=now + (wait - 0.5) * MINUTE, backend=broken) == SendReport()
        now += wait * MINUTE
    assert BACKOFF_MINUTES == (1, 5, 30, 120)
    assert send_due(now=now, backend=broken) == SendReport(failed=1)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS == 5
    assert broken.calls == 5
    assert send_due(now=now + datetime.timedelta(days=1), backend=broken) == SendReport()


def test_a_refusal_fails_at_once_and_an_unanswered_send_is_not_repeated(world: World) -> None:
    refused = one_message(world, key="refused")
    unsure = one_message(world, key="unsure")

    class Provider:
        calls = 0

        def send(self, message: Message) -> str:
            self.calls += 1
            if message.pk == refused.pk:
                raise PermanentFailure("400 - Not a UK mobile number")
            raise DeliveryUnknown("no answer in 30 seconds")

    provider = Provider()
    assert send_due(backend=provider) == SendReport(failed=1, unknown=1)
    refused.refresh_from_db()
    unsure.refresh_from_db()
    assert refused.status == MessageStatus.FAILED
    assert refused.last_error == "Refused: 400 - Not a UK mobile number"
    assert unsure.status == MessageStatus.SENDING
    assert "not tried again" in unsure.last_error
    assert send_due(now=NOW + datetime.timedelta(days=1), backend=provider) == SendReport()
    assert provider.calls == 2


def test_sending_is_audited_without_the_words_of_the_message(world: World) -> None:
    message = one_message(world)
    send_due(backend=RecordingBackend())
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at == NOW
    assert message.provider_reference == "recorded-1"
    event = AuditEvent.objects.get(action=Action.MESSAGE_SENT)
    assert event.participant == world.worcester_man
    assert event.actor is None
    assert event.subject_id == str(message.pk)
    assert event.detail == {"channel": "text", "kind": "test", "attempts": 1}
    assert "10am" not in str(event.detail) + str(event.new_values)


def test_the_oldest_due_messages_go_first_up_to_the_limit(world: World, time_machine: Any) -> None:
    reachable(world.worcester_man)
    for number in range(3):
        time_machine.move_to(NOW + number * MINUTE, tick=False)
        queue_for_participant(
            participant=world.worcester_man, kind="test", key=f"m{number}", body="Hello."
        )
    working = RecordingBackend()
    assert send_due(backend=working, limit=2).sent == 2
    assert working.keys == ["m0:text", "m1:text"]
    assert send_due(backend=working).sent == 1


# His wishes


def test_nothing_is_queued_without_his_agreement_or_after_he_opts_out(world: World) -> None:
    man = world.worcester_man
    reachable(man, texts=False, email=False)
    assert queue_for_participant(participant=man, kind="t", key="a", body="x") == []
    reachable(man, texts=False, email=True)
    [email] = queue_for_participant(participant=man, kind="t", key="b", body="x")
    assert email.channel == Channel.EMAIL
    assert email.subject == "Appointment reminder"
    man.opted_out_on = TODAY
    man.save()
    assert queue_for_participant(participant=man, kind="t", key="c", body="x") == []
    man.opted_out_on = None
    man.consents_to_texts = True
    man.phone = ""
    man.save()
    assert [
        m.channel for m in queue_for_participant(participant=man, kind="t", key="d", body="x")
    ] == [Channel.EMAIL]


def test_a_message_queued_before_he_opted_out_is_not_sent(world: World) -> None:
    reachable(world.worcester_man, texts=True, email=True)
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="x")
    man = world.worcester_man
    man.opted_out_on = TODAY
    man.save()
    working = RecordingBackend()
    assert send_due(backend=working) == SendReport(failed=2)
    assert working.keys == []
    assert set(Message.objects.values_list("last_error", flat=True)) == {
        "Not sent: he has asked for no more messages."
    }


def test_a_message_is_not_sent_once_he_withdraws_agreement_to_that_kind(world: World) -> None:
    reachable(world.worcester_man, texts=True, email=True)
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="x")
    man = world.worcester_man
    man.consents_to_texts = False
    man.save()
    working = RecordingBackend()
    assert send_due(backend=working) == SendReport(sent=1, failed=1)
    assert working.keys == ["k:email"]
    text = Message.objects.get(channel=Channel.TEXT)
    assert text.last_error == "Not sent: he no longer agrees to text messages."


def test_a_reminder_is_not_sent_once_its_appointment_has_passed(world: World) -> None:
    reachable(world.worcester_man, texts=True)
    appointment = NOW + datetime.timedelta(hours=15)
    queue_for_participant(
        participant=world.worcester_man, kind="t", key="k", body="x", send_before=appointment
    )
    working = RecordingBackend()
    assert send_due(now=appointment + datetime.timedelta(minutes=1), backend=working) == (
        SendReport(failed=1)
    )
    assert working.keys == []
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "Not sent: the appointment it was about has passed."


def test_queueing_a_message_is_audited_without_its_words(world: World) -> None:
    reachable(world.worcester_man, texts=True)
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="secret words")
    queue_for_participant(participant=world.worcester_man, kind="t", key="k", body="again")
    event = AuditEvent.objects.get(action=Action.MESSAGE_QUEUED)
    assert event.participant == world.worcester_man
    assert event.new_values == {"kind": "t", "channel": "text"}
    assert "secret" not in str(event.new_values) + str(event.detail)
