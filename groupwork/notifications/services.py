"""Queueing messages in the outbox. Call these inside the transaction of the event that causes
the message, so that a message exists if and only if its event does; `send_messages` sends.

A message to a man says only the time, the place and a phone number: never what the
appointment is for, since others may read his phone.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from groupwork.notifications.models import Channel, Message

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.participants.models import Participant


def appointment_text(*, when: datetime.datetime, place: str, phone: str) -> str:
    local = timezone.localtime(when)
    clock = local.strftime("%-I:%M%p").lower().replace(":00", "")
    return (
        f"Reminder: you have an appointment on {local:%A %-d %B} at {clock}, at {place}. "
        f"If you cannot come, call {phone} as soon as you can."
    )


def note_due_text(*, due: datetime.date, phone: str) -> str:
    return (
        f"Reminder: please get your doctor's note to your officer by {due:%A %-d %B}. "
        f"Questions? Call {phone}."
    )


def queue_for_participant(
    *, participant: Participant, kind: str, key: str, body: str
) -> list[Message]:
    """A text and or an e-mail, as far as he has agreed to them and not opted out. Queueing
    the same key again adds nothing."""
    if participant.opted_out_on is not None:
        return []
    wanted = []
    if participant.consents_to_texts and participant.phone:
        wanted.append((Channel.TEXT, participant.phone))
    if participant.consents_to_email and participant.email:
        wanted.append((Channel.EMAIL, participant.email))
    queued = []
    for channel, address in wanted:
        message, created = Message.objects.get_or_create(
            key=f"{key}:{channel}"[:120],
            defaults={
                "participant": participant,
                "channel": channel,
                "to": address,
                "kind": kind,
                "subject": "Appointment reminder" if channel == Channel.EMAIL else "",
                "body": body,
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            queued.append(message)
    return queued


def queue_for_staff(*, user: User, kind: str, key: str, subject: str, body: str) -> Message | None:
    """An e-mail to a member of staff; nothing when they have no address."""
    if not user.email:
        return None
    message, created = Message.objects.get_or_create(
        key=f"{key}:staff-{user.pk}"[:120],
        defaults={
            "staff": user,
            "channel": Channel.EMAIL,
            "to": user.email,
            "kind": kind,
            "subject": subject,
            "body": body,
            "next_attempt_at": timezone.now(),
        },
    )
    return message if created else None
