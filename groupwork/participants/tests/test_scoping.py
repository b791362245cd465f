"""Who sees which men: the rules behind every page that lists or opens a record."""

import pytest

from groupwork.core.tests.world import World
from groupwork.participants.models import Participant

pytestmark = pytest.mark.django_db


def visible(world: World, persona: str) -> set[Participant]:
    return set(Participant.objects.visible_to(world.users[persona]))


def test_offender_manager_sees_only_their_own_caseload(world: World) -> None:
    assert visible(world, "om.worcester") == {world.worcester_man, world.former_member}
    assert visible(world, "om.telford") == {world.telford_man}


def test_facilitator_sees_only_current_members_of_their_groups(world: World) -> None:
    assert visible(world, "fac.worcester") == {world.worcester_man}
    assert visible(world, "fac.shrewsbury") == {world.telford_man}


def test_manager_sees_their_teams_caseloads(world: World) -> None:
    assert visible(world, "spo.worcester") == {world.worcester_man, world.former_member}


def test_programme_manager_and_chief_officer_see_their_whole_area(world: World) -> None:
    everyone_in_area = {world.worcester_man, world.telford_man, world.former_member}
    assert visible(world, "pm.westmercia") == everyone_in_area
    assert visible(world, "chief.westmercia") == everyone_in_area


def test_nobody_sees_another_areas_men(world: World) -> None:
    assert visible(world, "om.otherarea") == {world.other_area_man}
    for persona in ["pm.westmercia", "chief.westmercia", "om.worcester", "spo.worcester"]:
        assert world.other_area_man not in visible(world, persona)


def test_system_administrator_sees_no_mens_records(world: World) -> None:
    assert visible(world, "admin") == set()


def test_manager_without_a_team_sees_nobody(world: World) -> None:
    manager = world.users["spo.worcester"]
    manager.team = None
    manager.save()
    assert visible(world, "spo.worcester") == set()
