"""Queueing messages in the outbox. Call these inside the transaction of the event that causes
the message, so that a message exists if and only if its event does; `send_messages` sends.

A message to a man says only the time, the place and a phone number: never what the
appointment is for, since others may read his phone. A place is named by its address when
the office's own name would say what it is (e.g. "Shrewsbury Probation Office").
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.utils import timezone

from groupwork.attendance.models import CatchUpMode
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.notifications.models import Channel, Message

if TYPE_CHECKING:
    from groupwork.attendance.models import CatchUp
    from groupwork.organisation.models import Office, User
    from groupwork.participants.models import Participant

# Words that would tell whoever reads his phone what the appointment is for.
GIVES_AWAY = re.compile(
    r"probation|offend|offence|sex|programme|groupwork|c-?sogp|prison|court|justice|police",
    re.IGNORECASE,
)
# Narrower for address lines, where "Court" is often a street and "sex" part of Essex.
GIVES_AWAY_IN_ADDRESS = re.compile(
    r"\bprobation\b|offend|\bprogrammes?\b|groupwork|\bprison\b|\bjustice\b", re.IGNORECASE
)


def appointment_text(*, when: datetime.datetime, place: str, phone: str) -> str:
    local = timezone.localtime(when)
    clock = local.strftime("%-I:%M%p").lower().replace(":00", "")
    return (
        f"Reminder: you have an appointment on {local:%A %-d %B} at {clock}, at {place}. "
        f"If you cannot come, call {phone} as soon as you can."
    )


def note_due_text(*, due: datetime.date, phone: str) -> str:
    return (
        f"Reminder: please get your doctor's note to us by {due:%A %-d %B}. "
        f"Questions? Call {phone}."
    )


def at_local_time(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A day and a wall-clock time where the service is, as an aware date and time."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def place_for(office: Office) -> str:
    """Where to come, in words safe for his phone: the building's name unless it gives the
    service away, then its address on one line, then its town if the address leaves it out."""
    parts = [] if GIVES_AWAY.search(office.name) else [office.name]
    parts += [
        line.strip(" ,")
        for line in office.address.splitlines()
        if line.strip(" ,") and not GIVES_AWAY_IN_ADDRESS.search(line)
    ]
    if not any(office.town.lower() in part.lower() for part in parts):
        parts.append(office.town)
    return ", ".join(parts)


def phone_for(*offices: Office | None) -> str:
    """The first of these offices' phone numbers that is set ("" when none is)."""
    return next((office.phone for office in offices if office is not None and office.phone), "")


def officer_office(officer: User) -> Office | None:
    """Where an officer works: their own office, else their team's."""
    if officer.office is not None:
        return officer.office
    return officer.team.office if officer.team is not None else None


def queue_for_participant(  # noqa: PLR0913  (keyword-only: the message, named)
    *,
    participant: Participant,
    kind: str,
    key: str,
    body: str,
    subject: str = "",
    send_before: datetime.datetime | None = None,
) -> list[Message]:
    """A text and or an e-mail, as far as he has agreed to them and not opted out. Queueing
    the same key again adds nothing. An e-mail's subject is "Appointment reminder" unless
    another is given."""
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
                "subject": (subject or "Appointment reminder") if channel == Channel.EMAIL else "",
                "body": body,
                "next_attempt_at": timezone.now(),
                "send_before": send_before,
            },
        )
        if created:
            _audit_queued(message)
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
    if not created:
        return None
    _audit_queued(message)
    return message


def _audit_queued(message: Message) -> None:
    """Who a message is for and why, never its words; written with the event that caused it."""
    record_event(
        acting_user=None,
        action=Action.MESSAGE_QUEUED,
        subject=message,
        participant=message.participant,
        new_values={"kind": message.kind, "channel": message.channel},
    )


def catch_up_appointment(catch_up: CatchUp) -> tuple[datetime.datetime, Office] | None:
    """When and where a booked catch-up happens: the other group's session, or a one-to-one
    at the missed group's centre at the time the group usually starts. None when unbooked."""
    if catch_up.mode == CatchUpMode.OTHER_GROUP and catch_up.other_session is not None:
        session = catch_up.other_session
        return at_local_time(session.date, session.starts), session.group.centre
    if catch_up.booked_for is None:
        return None
    group = catch_up.missed_session.group
    return at_local_time(catch_up.booked_for, group.pattern_definition.starts), group.centre


def queue_catch_up_booked(*, catch_up: CatchUp) -> list[Message]:
    """Tell him when and where his catch-up is, when it has not happened yet. Booking it
    again for another day tells him again."""
    appointment = catch_up_appointment(catch_up)
    if appointment is None or catch_up.booked_for is None:
        return []
    when, centre = appointment
    phone = phone_for(centre, officer_office(catch_up.referral.responsible_officer))
    if when <= timezone.now() or not phone:
        return []
    return queue_for_participant(
        participant=catch_up.referral.participant,
        kind="catch_up_booked",
        key=f"catch-up-{catch_up.pk}-{catch_up.booked_for:%Y%m%d}",
        body=appointment_text(when=when, place=place_for(centre), phone=phone),
        send_before=when,
    )
