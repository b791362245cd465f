"""Who may see a restricted case: the programme manager's page and `set_restriction`."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.participants.models import Participant
from groupwork.participants.services import set_restriction

pytestmark = pytest.mark.django_db


def url(man: Participant) -> str:
    return f"/participants/{man.pk}/restriction/"


def names(man: Participant) -> set[str]:
    return set(man.restricted_to.values_list("username", flat=True))


def label(world: World, persona: str) -> str:
    user = world.users[persona]
    return f"{user.get_full_name()} ({user.username})"


def test_the_page_lists_the_areas_staff_with_what_they_do_for_him(world: World) -> None:
    response = client_for(world, "pm.westmercia").get(url(world.worcester_man))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "His case is not restricted" in text
    officer, facilitator = world.users["om.worcester"], world.users["fac.worcester"]
    assert f"{officer.get_full_name()}, Offender manager, his offender manager" in text
    assert f"{facilitator.get_full_name()}, Facilitator, facilitates his group" in text
    assert "manages his officer's team" in text
    assert world.users["om.otherarea"].get_full_name() not in text
    assert response.context["form"]["staff"].initial == [world.users["pm.westmercia"]]


def test_restricting_names_the_chosen_staff_and_the_manager_and_is_audited(world: World) -> None:
    officer = world.users["om.worcester"]
    response = client_for(world, "pm.westmercia").post(
        url(world.worcester_man), {"staff": [officer.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/participants/{world.worcester_man.pk}/"
    assert names(world.worcester_man) == {"om.worcester", "pm.westmercia"}
    event = AuditEvent.objects.get(action=Action.CASE_RESTRICTED)
    assert event.participant == world.worcester_man
    assert event.actor == world.users["pm.westmercia"]
    assert event.old_values == {"restricted_to": []}
    assert event.new_values == {
        "restricted_to": sorted([label(world, "om.worcester"), label(world, "pm.westmercia")])
    }
    record = f"/participants/{world.worcester_man.pk}/"
    assert client_for(world, "spo.worcester").get(record).status_code == 404


def test_choosing_nobody_is_an_error(world: World) -> None:
    response = client_for(world, "pm.westmercia").post(url(world.worcester_man), {})
    assert response.status_code == 200
    assert "Select the staff who may see his case" in response.content.decode()
    assert names(world.worcester_man) == set()


def test_staff_of_another_area_cannot_be_chosen(world: World) -> None:
    outsider = world.users["om.otherarea"]
    response = client_for(world, "pm.westmercia").post(
        url(world.worcester_man), {"staff": [outsider.pk]}
    )
    assert response.status_code == 200
    assert names(world.worcester_man) == set()


def test_lifting_the_restriction(world: World) -> None:
    world.worcester_man.restricted_to.set([world.users["pm.westmercia"]])
    client = client_for(world, "pm.westmercia")
    text = client.get(url(world.worcester_man)).content.decode()
    assert "Lift the restriction" in text
    response = client.post(url(world.worcester_man), {"lift": "1"})
    assert response.status_code == 302
    assert names(world.worcester_man) == set()
    event = AuditEvent.objects.get(action=Action.CASE_RESTRICTED)
    assert event.new_values == {"restricted_to": []}
    record = f"/participants/{world.worcester_man.pk}/"
    assert client_for(world, "om.worcester").get(record).status_code == 200


def test_only_a_programme_manager_may_restrict(world: World) -> None:
    for persona in ["om.worcester", "spo.worcester", "chief.westmercia", "fac.worcester"]:
        client = client_for(world, persona)
        assert client.get(url(world.worcester_man)).status_code == 403, persona
        assert client.post(url(world.worcester_man), {"lift": "1"}).status_code == 403, persona


def test_a_case_restricted_to_others_is_not_found(world: World) -> None:
    world.worcester_man.restricted_to.set([world.users["chief.westmercia"]])
    client = client_for(world, "pm.westmercia")
    assert client.get(url(world.worcester_man)).status_code == 404
    assert client.post(url(world.worcester_man), {"lift": "1"}).status_code == 404
    assert names(world.worcester_man) == {"chief.westmercia"}


def test_another_areas_man_an_unknown_id_and_the_wrong_method(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    assert client.get(url(world.other_area_man)).status_code == 404
    unknown = "/participants/00000000-0000-0000-0000-000000000000/restriction/"
    assert client.get(unknown).status_code == 404
    assert client.put(url(world.worcester_man)).status_code == 405


def test_the_record_page_links_here_for_a_programme_manager_only(world: World) -> None:
    record = f"/participants/{world.worcester_man.pk}/"
    manager = client_for(world, "pm.westmercia")
    assert url(world.worcester_man) in manager.get(record).content.decode()
    for persona in ["chief.westmercia", "om.worcester"]:
        text = client_for(world, persona).get(record).content.decode()
        assert url(world.worcester_man) not in text, persona


def test_the_service_keeps_the_acting_user_named(world: World) -> None:
    manager = world.users["pm.westmercia"]
    named = set_restriction(
        acting_user=manager, participant=world.worcester_man, staff=[world.users["om.worcester"]]
    )
    assert {user.username for user in named} == {"om.worcester", "pm.westmercia"}
    assert world.worcester_man in Participant.objects.visible_to(manager)


def test_the_service_refuses_staff_of_another_area(world: World) -> None:
    with pytest.raises(ValidationError):
        set_restriction(
            acting_user=world.users["pm.westmercia"],
            participant=world.worcester_man,
            staff=[world.users["om.otherarea"]],
        )
    assert names(world.worcester_man) == set()


def test_saving_the_same_names_again_writes_no_audit_entry(world: World) -> None:
    manager = world.users["pm.westmercia"]
    for _ in range(2):
        set_restriction(acting_user=manager, participant=world.worcester_man, staff=[manager])
    assert AuditEvent.objects.filter(action=Action.CASE_RESTRICTED).count() == 1


def test_lifting_an_unrestricted_case_changes_nothing(world: World) -> None:
    set_restriction(
        acting_user=world.users["pm.westmercia"], participant=world.worcester_man, staff=[]
    )
    assert not AuditEvent.objects.filter(action=Action.CASE_RESTRICTED).exists()
