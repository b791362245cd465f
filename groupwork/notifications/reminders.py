"""The daily reminders, queued the day before: a group session, a catch-up or a one-to-one
tomorrow, and a doctor's note due tomorrow.

Each reminder's key names the record and its day, so running the job twice queues nothing
new, and a session moved to another day is reminded of again for its new day. A man is sent
only what he agreed to (`queue_for_participant`); a man who has told us he will miss a session
is not reminded of it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from groupwork.attendance.models import MEDICAL_REASONS, Absence, CatchUp, CatchUpStatus
from groupwork.attendance.services import members_at
from groupwork.casework.models import OneToOne, OneToOneStatus
from groupwork.groups.models import Session, SessionStatus
from groupwork.notifications.services import (
    appointment_text,
    at_local_time,
    catch_up_appointment,
    note_due_text,
    officer_office,
    phone_for,
    place_for,
    queue_for_participant,
)

ONE_DAY = datetime.timedelta(days=1)
# His officer's office or, failing that, their team's: the number he calls (officer_office).
OFFICER_OFFICES = (
    "referral__responsible_officer__office",
    "referral__responsible_officer__team__office",
)


def queue_reminders(*, today: datetime.date) -> int:
    """Queue tomorrow's reminders; the number of messages queued."""
    tomorrow = today + ONE_DAY
    with transaction.atomic():
        return (
            _sessions(tomorrow)
            + _catch_ups(tomorrow)
            + _one_to_ones(tomorrow)
            + _notes_due(tomorrow)
        )


def _sessions(day: datetime.date) -> int:
    sessions = list(
        Session.objects.filter(date=day, status=SessionStatus.SCHEDULED).select_related(
            "group__centre"
        )
    )
    told_us = set(
        Absence.objects.filter(session__in=sessions).values_list("session_id", "referral_id")
    )
    queued = 0
    for session in sessions:
        centre = session.group.centre
        when = at_local_time(session.date, session.starts)
        if when <= timezone.now():  # a run for a day gone by (`daily --date`)
            continue
        for place in members_at(session).select_related(*OFFICER_OFFICES):
            referral = place.referral
            phone = phone_for(centre, officer_office(referral.responsible_officer))
            if (session.pk, referral.pk) in told_us or not phone:
                continue
            queued += len(
                queue_for_participant(
                    participant=referral.participant,
                    kind="session_reminder",
                    key=f"session-{session.pk}-{referral.pk}-{session.date:%Y%m%d}",
                    body=appointment_text(when=when, place=place_for(centre), phone=phone),
                    send_before=when,
                )
            )
    return queued


def _catch_ups(day: datetime.date) -> int:
    catch_ups = CatchUp.objects.filter(status=CatchUpStatus.BOOKED, booked_for=day).select_related(
        "referral__participant",
        *OFFICER_OFFICES,
        "missed_session__group__centre",
        "missed_session__group__version",
        "other_session__group__centre",
    )
    queued = 0
    for catch_up in catch_ups:
        appointment = catch_up_appointment(catch_up)
        if appointment is None:
            continue
        when, centre = appointment
        phone = phone_for(centre, officer_office(catch_up.referral.responsible_officer))
        if not phone or when <= timezone.now():
            continue
        queued += len(
            queue_for_participant(
                participant=catch_up.referral.participant,
                kind="catch_up_reminder",
                key=f"catch-up-reminder-{catch_up.pk}-{day:%Y%m%d}",
                body=appointment_text(when=when, place=place_for(centre), phone=phone),
                send_before=when,
            )
        )
    return queued


def _one_to_ones(day: datetime.date) -> int:
    """A one-to-one is with his officer, at their office."""
    meetings = OneToOne.objects.filter(
        status=OneToOneStatus.BOOKED, booked_for__date=day
    ).select_related("referral__participant", *OFFICER_OFFICES)
    queued = 0
    for meeting in meetings:
        office = officer_office(meeting.referral.responsible_officer)
        if office is None or meeting.booked_for is None or not office.phone:
            continue
        if meeting.booked_for <= timezone.now():
            continue
        queued += len(
            queue_for_participant(
                participant=meeting.referral.participant,
                kind="one_to_one_reminder",
                key=f"one-to-one-reminder-{meeting.pk}-{day:%Y%m%d}",
                body=appointment_text(
                    when=meeting.booked_for, place=place_for(office), phone=office.phone
                ),
                send_before=meeting.booked_for,
            )
        )
    return queued


def _notes_due(day: datetime.date) -> int:
    """A doctor's note due tomorrow that has not come: the number is his officer's office."""
    if day < timezone.localdate():
        return 0
    absences = (
        Absence.objects.pending()
        .filter(reason__in=MEDICAL_REASONS, evidence_due=day, evidence_received_on__isnull=True)
        .select_related("referral__participant", *OFFICER_OFFICES, "session__group__centre")
    )
    queued = 0
    for absence in absences:
        officer = absence.referral.responsible_officer
        phone = phone_for(officer_office(officer), absence.session.group.centre)
        if not phone:
            continue
        queued += len(
            queue_for_participant(
                participant=absence.referral.participant,
                kind="sick_note_due",
                key=f"sick-note-{absence.pk}-{day:%Y%m%d}",
                body=note_due_text(due=day, phone=phone),
                subject="Reminder",
            )
        )
    return queued
