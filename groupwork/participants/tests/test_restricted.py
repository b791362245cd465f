"""A restricted case is seen only by the staff it names."""

import pytest

from groupwork.core.tests.world import World, client_for
from groupwork.participants.models import Participant

pytestmark = pytest.mark.django_db


def test_a_restricted_case_is_hidden_from_everyone_it_does_not_name(world: World) -> None:
    man = world.worcester_man
    man.restricted_to.add(world.users["pm.westmercia"])
    assert man in Participant.objects.visible_to(world.users["pm.westmercia"])
    for persona in ["om.worcester", "fac.worcester", "spo.worcester", "chief.westmercia"]:
        assert man not in Participant.objects.visible_to(world.users[persona])
        response = client_for(world, persona).get(f"/participants/{man.pk}/")
        assert response.status_code == 404, persona


def test_a_restricted_case_is_left_out_of_the_caseload_and_search(world: World) -> None:
    man = world.worcester_man
    man.restricted_to.add(world.users["pm.westmercia"])
    link = f"/participants/{man.pk}/"
    officer = client_for(world, "om.worcester")
    assert link not in officer.get("/participants/").content.decode()
    assert link not in officer.get(f"/participants/?q={man.last_name}").content.decode()
    named = client_for(world, "pm.westmercia")
    assert link in named.get(f"/participants/?q={man.last_name}").content.decode()


def test_an_unrestricted_case_is_unchanged(world: World) -> None:
    assert world.worcester_man in Participant.objects.visible_to(world.users["om.worcester"])
