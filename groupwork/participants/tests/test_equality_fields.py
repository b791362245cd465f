"""The self-declared equality fields on a man's details: optional, from short lists, and an
answer recorded in other words is kept."""

from __future__ import annotations

import pytest

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.participants.equality import ETHNIC_GROUPS, RELIGIONS
from groupwork.participants.forms import ParticipantForm
from groupwork.participants.tests.test_views import edit_data

pytestmark = pytest.mark.django_db


def url(world: World) -> str:
    return f"/participants/{world.worcester_man.pk}/edit/"


def test_the_form_offers_them_all_optional(world: World) -> None:
    page = client_for(world, "om.worcester").get(url(world)).content.decode()
    assert "Ethnic group (optional)" in page
    assert "Religion or belief (optional)" in page
    assert "Does he consider himself disabled? (optional)" in page
    assert "He does not have to answer." in page
    form = ParticipantForm(instance=world.worcester_man, area_id=world.area.pk)
    assert [value for value, _ in form.fields["ethnicity"].choices] == ["", *ETHNIC_GROUPS]  # type: ignore[attr-defined]
    assert [value for value, _ in form.fields["religion"].choices] == ["", *RELIGIONS]  # type: ignore[attr-defined]


def test_saving_his_answers_is_audited_and_no_answer_is_fine(world: World) -> None:
    client = client_for(world, "om.worcester")
    assert client.post(url(world), edit_data(world)).status_code == 302  # nothing chosen
    assert not AuditEvent.objects.filter(action=Action.PARTICIPANT_CHANGED).exists()
    answers = {"ethnicity": "White", "religion": "Prefers not to say", "disability": "no"}
    assert client.post(url(world), edit_data(world, **answers)).status_code == 302
    man = world.worcester_man
    man.refresh_from_db()
    assert (man.ethnicity, man.religion, man.disability) == ("White", "Prefers not to say", "no")
    assert AuditEvent.objects.get(action=Action.PARTICIPANT_CHANGED).new_values == answers


def test_an_answer_in_other_words_is_kept(world: World) -> None:
    man = world.worcester_man
    man.religion = "Pagan"
    man.save(update_fields=["religion"])
    form = ParticipantForm(instance=man, area_id=world.area.pk)
    assert ("Pagan", "Pagan") in form.fields["religion"].choices  # type: ignore[attr-defined]
    client_for(world, "om.worcester").post(url(world), edit_data(world, religion="Pagan"))
    man.refresh_from_db()
    assert man.religion == "Pagan"


def test_a_value_outside_the_lists_is_refused(world: World) -> None:
    response = client_for(world, "om.worcester").post(
        url(world), edit_data(world, ethnicity="Martian", disability="maybe")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
