"""What the notification tests share: backends that record or fail, and a world whose men can
be reached."""

from __future__ import annotations

import datetime

from groupwork.core.tests.world import World
from groupwork.groups.models import Session
from groupwork.groups.tests.factories import SessionFactory
from groupwork.notifications.models import Message
from groupwork.organisation.models import Office
from groupwork.participants.models import Participant

TODAY = datetime.date(2026, 12, 13)  # a Sunday
TOMORROW = datetime.date(2026, 12, 14)  # the world's doctor's note is due this Monday
NOW = datetime.datetime(2026, 12, 13, 18, 0, tzinfo=datetime.UTC)


class RecordingBackend:
    """Delivers every message, remembering each one's key in the order sent."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def send(self, message: Message) -> str:
        self.keys.append(message.key)
        return f"recorded-{len(self.keys)}"


class BrokenBackend:
    """A provider that is down: every send raises."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: Message) -> str:
        self.calls += 1
        raise ConnectionError("Notify is not answering")


def reachable(participant: Participant, *, texts: bool = True, email: bool = False) -> None:
    number = str(participant.pk.int)[-6:]
    participant.phone = f"07700 900{number[-3:]}"
    participant.email = f"man{number}@example.org"
    participant.consents_to_texts = texts
    participant.consents_to_email = email
    participant.save()


def reachable_world(world: World) -> None:
    """Both men in groups agree to messages, every centre has a phone number and an address,
    and the officers work at an office with one."""
    reachable(world.worcester_man, texts=True, email=True)
    reachable(world.telford_man)
    for group, town in [
        (world.worcester_group, "Worcester"),
        (world.shrewsbury_group, "Shrewsbury"),
    ]:
        centre = group.centre
        centre.town = town
        centre.address = f"1 Bridge Street\n{town}"
        centre.phone = "01905 613822"
        centre.save()
    office = Office.objects.get(area=world.area, name="Programmes Unit Worcester")
    office.town = "Worcester"
    office.address = "Stanley House\nWorcester"
    office.phone = "01905 000111"
    office.save()
    for officer in ["om.worcester", "om.telford"]:
        user = world.users[officer]
        user.office = office
        user.save(update_fields=["office"])


def sessions_tomorrow(world: World) -> list[Session]:
    return [
        SessionFactory.create(group=group, number=7, date=TOMORROW)
        for group in [world.worcester_group, world.shrewsbury_group]
    ]
