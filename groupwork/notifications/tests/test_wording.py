"""No message to a man says what his appointment is for: each kind the project queues is built
here from test data, and none names the programme, its modules, an offence or probation."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest

from groupwork.attendance.models import CatchUp, CatchUpMode
from groupwork.attendance.services import book_catch_up
from groupwork.casework.one_to_ones import book_one_to_one
from groupwork.core.tests.world import World
from groupwork.groups.tests.factories import SessionFactory
from groupwork.notifications.models import Message
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.services import appointment_text, note_due_text, place_for
from groupwork.notifications.tests.outbox import (
    NOW,
    TODAY,
    TOMORROW,
    reachable_world,
    sessions_tomorrow,
)
from groupwork.organisation.models import Office
from groupwork.programmes.models import Programme

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2]
ALWAYS_FORBIDDEN = ["sex", "offen", "groupwork", "probation", "csogp", "c-sogp", "programme"]


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def forbidden_words() -> list[str]:
    words = list(ALWAYS_FORBIDDEN)
    for programme in Programme.objects.all():
        definition = programme.current_version().parsed
        words += [definition.name, definition.code]
        words += [module.title for module in definition.modules]
    return [word.lower() for word in words]


def giveaways(text: str) -> list[str]:
    return [word for word in forbidden_words() if word in text.lower()]


def give_the_buildings_telling_names(world: World) -> None:
    """The worst case: every building's own name says what it is."""
    names = {
        world.worcester_group.centre: "Worcester Probation Office",
        world.shrewsbury_group.centre: "Shrewsbury Sex Offender Groupwork Centre",
    }
    for office, name in names.items():
        office.name = name
        office.save()
    assert Office.objects.filter(name="Programmes Unit Worcester").exists()  # officers' office


def queued_kinds_in_the_code() -> set[str]:
    """The kinds of message the project's code queues for a man."""
    kinds = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for call in re.findall(r"queue_for_participant\((.*?)\n\s*\)", path.read_text(), re.S):
            kinds.update(re.findall(r'kind="([a-z_]+)"', call))
    return kinds


def test_the_plain_texts_say_only_time_place_and_number() -> None:
    office = Office(name="Telford Probation Office", town="Telford", address="4 Hall Court")
    texts = [
        appointment_text(
            when=datetime.datetime(2026, 12, 14, 9, 30, tzinfo=datetime.UTC),
            place=place_for(office),
            phone="01952 000000",
        ),
        note_due_text(due=TOMORROW, phone="01952 000000"),
    ]
    assert "4 Hall Court, Telford" in texts[0]
    for text in texts:
        assert [word for word in ALWAYS_FORBIDDEN if word in text.lower()] == []


def test_no_message_the_project_queues_gives_the_programme_away(world: World) -> None:
    reachable_world(world)
    give_the_buildings_telling_names(world)
    sessions_tomorrow(world)
    book_one_to_one(
        acting_user=world.users["om.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=datetime.datetime(2026, 12, 14, 14, 0, tzinfo=datetime.UTC),
    )
    # A catch-up in another group's session, and one on his own the day after tomorrow.
    other = SessionFactory.create(group=world.shrewsbury_group, number=6, date=TOMORROW)
    book_catch_up(
        acting_user=world.users["pm.westmercia"],
        catch_up=world.worcester_catch_up,
        mode=CatchUpMode.OTHER_GROUP,
        other_session=other,
    )
    second_catch_up = CatchUp.objects.create(
        referral=world.telford_referral,
        missed_session=SessionFactory.create(group=world.shrewsbury_group, number=5),
        module="induction",
        content=[5],
    )
    book_catch_up(
        acting_user=world.users["fac.shrewsbury"],
        catch_up=second_catch_up,
        mode=CatchUpMode.ONE_TO_ONE,
        booked_for=TOMORROW,
        facilitator=world.users["fac.shrewsbury"],
    )
    queue_reminders(today=TODAY)

    messages = list(Message.objects.filter(participant__isnull=False))
    kinds = {message.kind for message in messages}
    assert kinds == {
        "session_reminder",
        "sick_note_due",
        "catch_up_booked",
        "catch_up_reminder",
        "one_to_one_booked",
        "one_to_one_reminder",
    }
    assert queued_kinds_in_the_code() <= kinds, "a new kind of message: add it to this test"
    for message in messages:
        assert giveaways(f"{message.subject} {message.body}") == [], message.body
    assert "Shrewsbury Sex" not in " ".join(m.body for m in messages)
    assert any("1 Bridge Street, Worcester" in m.body for m in messages)


def test_an_address_line_that_names_the_service_is_left_out() -> None:
    office = Office(
        name="Stourbank House",
        town="Kidderminster",
        address="National Probation Service\n90 Mill Street",
    )
    assert place_for(office) == "Stourbank House, 90 Mill Street, Kidderminster"
