"""His agreement to reminders and his opting out are recorded on his details, audited, and
decide what is queued."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.notifications.services import queue_for_participant
from groupwork.notifications.tests.outbox import NOW
from groupwork.participants.forms import ParticipantForm
from groupwork.participants.tests.test_views import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def edit(world: World, **changes: str) -> Any:
    url = f"/participants/{world.worcester_man.pk}/edit/"
    return client_for(world, "om.worcester").post(url, edit_data(world, **changes))


def test_the_form_records_his_agreement_and_an_address(world: World) -> None:
    response = edit(
        world,
        phone="07700 900123",
        email="man@example.org",
        consents_to_texts="on",
        consents_to_email="on",
    )
    assert response.status_code == 302
    man = world.worcester_man
    man.refresh_from_db()
    assert (man.email, man.consents_to_texts, man.consents_to_email) == (
        "man@example.org",
        True,
        True,
    )
    assert len(queue_for_participant(participant=man, kind="t", key="k", body="x")) == 2


def test_agreeing_without_a_number_or_address_is_refused(world: World) -> None:
    response = edit(world, consents_to_texts="on", consents_to_email="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter his mobile phone number for text message reminders" in page
    assert "Enter his e-mail address for e-mail reminders" in page


def test_opting_out_records_the_day_and_stops_messages_and_clearing_it_clears_it(
    world: World,
) -> None:
    agreed = {"phone": "07700 900123", "consents_to_texts": "on"}
    assert edit(world, **agreed).status_code == 302

    assert edit(world, **agreed, opted_out="on").status_code == 302
    man = world.worcester_man
    man.refresh_from_db()
    assert man.opted_out_on == datetime.date(2026, 12, 13)
    assert queue_for_participant(participant=man, kind="t", key="k", body="x") == []
    event = AuditEvent.objects.filter(action=Action.PARTICIPANT_CHANGED).latest("id")
    assert event.old_values == {"opted_out_on": None}
    assert event.new_values == {"opted_out_on": "2026-12-13"}

    # Saving again leaves the day he opted out as it was.
    assert edit(world, **agreed, opted_out="on").status_code == 302
    assert AuditEvent.objects.filter(action=Action.PARTICIPANT_CHANGED).count() == 2

    assert edit(world, **agreed).status_code == 302
    man.refresh_from_db()
    assert man.opted_out_on is None
    assert len(queue_for_participant(participant=man, kind="t", key="k", body="x")) == 1


def test_a_new_man_has_no_opt_out_box_but_may_agree_to_reminders(world: World) -> None:
    new = ParticipantForm(area_id=world.area.pk)
    assert "opted_out" not in new.fields
    assert {"email", "consents_to_texts", "consents_to_email"} <= set(new.fields)
    existing = ParticipantForm(instance=world.worcester_man, area_id=world.area.pk)
    assert existing.fields["opted_out"].label == "He has asked for no more messages"
