"""Sending the outbox: each due message at most once, failures tried again later.

A message is claimed before it is sent: in its own short transaction its status becomes
"sending" and its attempts go up by one, and only then, outside any transaction, is it handed
to the backend. So:

- two senders never send the same message (the claim is a row lock that skips locked rows,
  and an update that only succeeds while the row is still queued);
- a sender that dies between the claim and recording the outcome leaves the message
  "sending" for good. It is never sent again, because it may already have gone: the Messages
  page shows it as stuck, for someone to check. Sending twice is worse than not at all here,
  since a second text about an appointment draws attention to it.

A failure puts the message back in the queue after a wait that grows with each attempt
(1, 5, 30 then 120 minutes); after the fifth failed attempt it is marked failed. A man who
has since opted out, or withdrawn his agreement to that kind of message, is not sent it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.notifications.backends import (
    Backend,
    DeliveryUnknown,
    PermanentFailure,
    get_backend,
)
from groupwork.notifications.models import Channel, Message, MessageStatus

logger = logging.getLogger(__name__)

# Minutes to wait after the first, second, third and fourth failed attempt.
BACKOFF_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# A message "sending" for longer than this is stuck: its sender died or lost its answer.
STUCK_AFTER = datetime.timedelta(minutes=10)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0  # left "sending": the provider may have them


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after this many failed attempts (attempts < MAX_ATTEMPTS)."""
    return datetime.timedelta(minutes=BACKOFF_MINUTES[attempts - 1])


def send_due(
    *,
    now: datetime.datetime | None = None,
    backend: Backend | None = None,
    limit: int = 200,
) -> SendReport:
    """Send up to `limit` messages that are due, oldest first."""
    now = now or timezone.now()
    backend = backend or get_backend()
    report = SendReport()
    for _ in range(limit):
        message = _claim_next(now)
        if message is None:
            break
        _send_one(message, backend=backend, now=now, report=report)
    return report


def _claim_next(now: datetime.datetime) -> Message | None:
    """The oldest due message, marked "sending" and committed, or None when none is due."""
    while True:
        with transaction.atomic():
            message = (
                Message.objects.due(now)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if message is None:
                return None
            # Only while it is still queued: on SQLite, which has no row locks, a second
            # sender may have read the same row, and then exactly one of them claims it.
            claimed = Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
                status=MessageStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
            )
        if claimed:
            message.status = MessageStatus.SENDING
            message.attempts += 1
            message.next_attempt_at = now
            return message


def _send_one(
    message: Message, *, backend: Backend, now: datetime.datetime, report: SendReport
) -> None:
    refusal = _refusal(message, now)
    if refusal:
        _give_up(message, refusal)
        report.failed += 1
        return
    try:
        reference = backend.send(message)
    except DeliveryUnknown as error:
        logger.warning("Message %s may have been sent: left for a person to check", message.pk)
        _record_error(message, f"May have been sent, so not tried again: {error}")
        report.unknown += 1
    except PermanentFailure as error:
        _give_up(message, f"Refused: {error}")
        report.failed += 1
    except Exception as error:  # any other failure of the provider is worth retrying
        if message.attempts >= MAX_ATTEMPTS:
            _give_up(message, _describe(error))
            report.failed += 1
        else:
            _retry(message, _describe(error), at=now + backoff(message.attempts))
            report.retried += 1
    else:
        _mark_sent(message, reference)
        report.sent += 1


def _refusal(message: Message, now: datetime.datetime) -> str:
    """Why the message must not go now: its appointment has passed, or he opted out or
    withdrew his agreement."""
    if message.send_before is not None and now >= message.send_before:
        return "Not sent: the appointment it was about has passed."
    if message.participant_id is None:
        return ""
    participant = message.participant
    assert participant is not None  # noqa: S101  (narrows the type)
    if participant.opted_out_on is not None:
        return "Not sent: he has asked for no more messages."
    agreed = (
        participant.consents_to_texts
        if message.channel == Channel.TEXT
        else participant.consents_to_email
    )
    if not agreed:
        return f"Not sent: he no longer agrees to {message.get_channel_display().lower()}s."
    return ""


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _mark_sent(message: Message, reference: str) -> None:
    with transaction.atomic():
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.provider_reference = reference[:100]
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "provider_reference", "last_error"])
        record_event(
            acting_user=None,
            action=Action.MESSAGE_SENT,
            subject=message,
            participant=message.participant,
            detail={"channel": message.channel, "kind": message.kind, "attempts": message.attempts},
        )


def _retry(message: Message, error: str, *, at: datetime.datetime) -> None:
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = at
    message.last_error = error[:300]
    message.save(update_fields=["status", "next_attempt_at", "last_error"])


def _give_up(message: Message, error: str) -> None:
    message.status = MessageStatus.FAILED
    message.last_error = error[:300]
    message.save(update_fields=["status", "last_error"])


def _record_error(message: Message, error: str) -> None:
    message.last_error = error[:300]
    message.save(update_fields=["last_error"])


def stuck(now: datetime.datetime | None = None) -> int:
    """How many messages have been "sending" too long to be still in hand."""
    since = (now or timezone.now()) - STUCK_AFTER
    return Message.objects.filter(status=MessageStatus.SENDING, next_attempt_at__lt=since).count()


def report_lines(report: SendReport) -> list[str]:
    """What a sending run did, for a command to print."""
    lines = [
        f"Messages: {report.sent} sent, {report.retried} to try again later, "
        f"{report.failed} failed."
    ]
    if report.unknown:
        lines.append(
            f"{report.unknown} may have been sent without an answer, so will not be tried again."
        )
    stuck_now = stuck()
    if stuck_now:
        lines.append(f"{stuck_now} stuck while being sent: check them on the Messages page.")
    return lines
