"""Reminders queued the day before, and the message when a catch-up is booked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from groupwork.attendance.models import AbsenceReason, CatchUpMode, CatchUpStatus, HowReported
from groupwork.attendance.services import book_catch_up, report_absence
from groupwork.casework.models import OneToOneStatus
from groupwork.core.tests.world import World
from groupwork.groups.models import SessionStatus
from groupwork.groups.tests.factories import SessionFactory
from groupwork.notifications.models import Channel, Message
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.tests.outbox import (
    NOW,
    TODAY,
    TOMORROW,
    reachable_world,
    sessions_tomorrow,
)

pytestmark = pytest.mark.django_db

WORCESTER_SESSION_TEXT = (
    "Reminder: you have an appointment on Monday 14 December at 9:30am, at {centre}, "
    "1 Bridge Street, Worcester. If you cannot come, call 01905 613822 as soon as you can."
)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def reachable(world: World) -> World:
    reachable_world(world)
    return world


def texts_to(world: World, kind: str) -> dict[str, str]:
    return dict(
        Message.objects.filter(kind=kind, channel=Channel.TEXT).values_list(
            "participant__case_reference", "body"
        )
    )


def test_each_man_expected_tomorrow_is_reminded_of_the_time_place_and_number(
    reachable: World,
) -> None:
    world = reachable
    worcester, _ = sessions_tomorrow(world)
    SessionFactory.create(group=world.worcester_group, number=8, date=TOMORROW.replace(day=15))

    queue_reminders(today=TODAY)

    texts = texts_to(world, "session_reminder")
    # Not the man who left the group; not the day after tomorrow.
    assert set(texts) == {world.worcester_man.case_reference, world.telford_man.case_reference}
    centre = world.worcester_group.centre.name
    assert texts[world.worcester_man.case_reference] == WORCESTER_SESSION_TEXT.format(centre=centre)
    email = Message.objects.get(kind="session_reminder", channel=Channel.EMAIL)
    assert email.to == world.worcester_man.email
    assert email.subject == "Appointment reminder"
    assert email.key == (
        f"session-{worcester.pk}-{world.worcester_referral.pk}-20261214:{Channel.EMAIL}"
    )


def test_running_twice_queues_nothing_new_but_a_moved_session_is_reminded_again(
    reachable: World,
) -> None:
    world = reachable
    worcester, _ = sessions_tomorrow(world)
    first = queue_reminders(today=TODAY)
    assert first == 5  # 3 session reminders, the doctor's note twice
    assert queue_reminders(today=TODAY) == 0

    worcester.date = datetime.date(2026, 12, 21)
    worcester.save()
    assert queue_reminders(today=datetime.date(2026, 12, 20)) == 2  # text and e-mail
    assert "Monday 21 December" in Message.objects.latest("pk").body


def test_no_reminder_of_a_cancelled_session_or_one_he_said_he_would_miss(
    reachable: World,
) -> None:
    world = reachable
    worcester, shrewsbury = sessions_tomorrow(world)
    shrewsbury.status = SessionStatus.CANCELLED
    shrewsbury.save()
    report_absence(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        session=worcester,
        reason=AbsenceReason.WORK,
        how_reported=HowReported.PHONE,
        details="A shift he cannot move.",
    )

    queue_reminders(today=TODAY)

    assert not Message.objects.filter(kind="session_reminder").exists()


def test_no_reminder_without_a_phone_number_to_give(world: World) -> None:
    # The world's centres and offices have no phone number.
    reachable_world(world)
    for centre in [world.worcester_group.centre, world.shrewsbury_group.centre]:
        centre.phone = ""
        centre.save()
    office = world.users["om.worcester"].office
    assert office is not None
    office.phone = ""
    office.save()
    sessions_tomorrow(world)
    assert queue_reminders(today=TODAY) == 0


def test_a_doctors_note_due_tomorrow_is_reminded_with_his_officers_number(
    reachable: World,
) -> None:
    world = reachable
    queue_reminders(today=TODAY)
    texts = texts_to(world, "sick_note_due")
    assert texts == {
        world.worcester_man.case_reference: "Reminder: please get your doctor's note to "
        "us by Monday 14 December. Questions? Call 01905 000111."
    }
    assert Message.objects.get(kind="sick_note_due", channel=Channel.EMAIL).subject == "Reminder"


def test_no_note_reminder_once_the_note_came(reachable: World) -> None:
    world = reachable
    world.worcester_absence.evidence_received_on = TODAY
    world.worcester_absence.save()
    assert queue_reminders(today=TODAY) == 0


def test_booking_a_one_to_one_catch_up_tells_him_when_and_where(reachable: World) -> None:
    world = reachable
    book_catch_up(
        acting_user=world.users["fac.worcester"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.ONE_TO_ONE,
        booked_for=datetime.date(2026, 12, 16),
        facilitator=world.users["fac.worcester"],
    )
    text = Message.objects.get(kind="catch_up_booked", channel=Channel.TEXT)
    centre = world.worcester_group.centre.name
    assert text.body == (
        f"Reminder: you have an appointment on Wednesday 16 December at 9:30am, at {centre}, "
        "1 Bridge Street, Worcester. If you cannot come, call 01905 613822 as soon as you can."
    )
    assert text.key == f"catch-up-{world.worcester_catch_up.pk}-20261216:text"

    # Booked again for another day: he is told again; the day before, he is reminded.
    book_catch_up(
        acting_user=world.users["fac.worcester"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.ONE_TO_ONE,
        booked_for=datetime.date(2026, 12, 17),
        facilitator=world.users["fac.worcester"],
    )
    assert Message.objects.filter(kind="catch_up_booked", channel=Channel.TEXT).count() == 2
    queue_reminders(today=datetime.date(2026, 12, 16))
    reminder = Message.objects.get(kind="catch_up_reminder", channel=Channel.TEXT)
    assert "Thursday 17 December at 9:30am" in reminder.body


def test_a_catch_up_in_another_group_gives_that_sessions_time_and_place(
    reachable: World,
) -> None:
    world = reachable
    other = SessionFactory.create(
        group=world.shrewsbury_group,
        number=6,
        date=datetime.date(2026, 12, 16),
        starts=datetime.time(18, 0),
    )
    book_catch_up(
        acting_user=world.users["pm.westmercia"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.OTHER_GROUP,
        other_session=other,
    )
    text = Message.objects.get(kind="catch_up_booked", channel=Channel.TEXT)
    assert "Wednesday 16 December at 6pm" in text.body
    assert "1 Bridge Street, Shrewsbury" in text.body


def test_a_catch_up_booked_for_a_day_gone_by_sends_nothing(reachable: World) -> None:
    world = reachable
    book_catch_up(
        acting_user=world.users["fac.worcester"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.ONE_TO_ONE,
        booked_for=datetime.date(2026, 12, 10),
        facilitator=world.users["fac.worcester"],
    )
    world.worcester_catch_up.refresh_from_db()
    assert world.worcester_catch_up.status == CatchUpStatus.BOOKED
    assert not Message.objects.exists()


def test_a_one_to_one_tomorrow_is_reminded_at_his_officers_office(reachable: World) -> None:
    world = reachable
    meeting = world.worcester_one_to_one
    meeting.status = OneToOneStatus.BOOKED
    meeting.booked_for = datetime.datetime(2026, 12, 14, 14, 0, tzinfo=datetime.UTC)
    meeting.save()

    queue_reminders(today=TODAY)

    text = Message.objects.get(kind="one_to_one_reminder", channel=Channel.TEXT)
    # The office's own name says what it is, so its address is given instead.
    assert text.body == (
        "Reminder: you have an appointment on Monday 14 December at 2pm, at Stanley House, "
        "Worcester. If you cannot come, call 01905 000111 as soon as you can."
    )


def test_reminders_take_a_few_queries_a_message(
    reachable: World, django_assert_max_num_queries: Any
) -> None:
    sessions_tomorrow(reachable)
    # Each message is a get-or-create (4 queries with its savepoint) and its audit entry, each
    # session's men one query, and a fixed handful finds what is due tomorrow: nothing per man
    # beyond that.
    with django_assert_max_num_queries(5 * (4 + 1) + 2 + 7):
        assert queue_reminders(today=TODAY) == 5


def test_a_run_for_a_day_gone_by_reminds_nobody(reachable: World) -> None:
    sessions_tomorrow(reachable)
    assert queue_reminders(today=datetime.date(2026, 12, 6)) == 0
    SessionFactory.create(
        group=reachable.worcester_group, number=9, date=datetime.date(2026, 12, 7)
    )
    assert queue_reminders(today=datetime.date(2026, 12, 6)) == 0
