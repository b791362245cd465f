"""`manage.py load_programme`: a new programme from its file alone, versions, refusals."""

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from groupwork.core.tests.world import World
from groupwork.groups import services
from groupwork.groups.models import SessionStatus
from groupwork.organisation.tests.factories import OfficeFactory
from groupwork.programmes.models import Programme, ProgrammeVersion

pytestmark = pytest.mark.django_db
SECOND_PROGRAMME = Path(__file__).parent / "data" / "twice_weekly.json"


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_programme", str(path), stdout=out)
    return out.getvalue()


def test_a_second_programme_loads_and_is_timetabled_with_no_code(world: World) -> None:
    assert "Loaded thinking-skills version 1" in load(SECOND_PROGRAMME)
    version = Programme.objects.get(code="thinking-skills").current_version()
    definition = version.parsed
    module = definition.modules[0]
    pattern_code = next(iter(module.meetings))
    centre = OfficeFactory.create(area=world.area, name="Centre", is_group_centre=True)
    group = services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=version,
        module_code=module.code,
        pattern_code=pattern_code,
        name="Thinking skills, March 2027",
        centre=centre,
        room=None,
        start=datetime.date(2027, 3, 1),
        weekday=0,
        facilitators=[world.users["fac.worcester"], world.users["fac.shrewsbury"]][
            : definition.facilitators_per_session
        ],
    )
    dates = [s.date for s in group.sessions.filter(status=SessionStatus.SCHEDULED)]
    assert len(dates) == 20
    assert {day.weekday() for day in dates} == {0, 3}
    assert datetime.date(2027, 3, 29) not in dates  # Easter Monday
    assert (definition.group_size_minimum, definition.group_size_maximum) == (6, 12)


def test_loading_the_same_file_again_makes_no_new_version(world: World) -> None:
    load(SECOND_PROGRAMME)
    assert "already holds this definition" in load(SECOND_PROGRAMME)
    assert ProgrammeVersion.objects.filter(programme__code="thinking-skills").count() == 1


def test_a_changed_file_makes_the_next_version(world: World, tmp_path: Path) -> None:
    load(SECOND_PROGRAMME)
    data = json.loads(SECOND_PROGRAMME.read_text())
    data["group_size"]["maximum"] = 10
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    assert "version 2" in load(changed)


def test_a_malformed_file_is_refused_naming_the_field_and_nothing_is_loaded(
    world: World, tmp_path: Path
) -> None:
    data = json.loads(SECOND_PROGRAMME.read_text())
    data["group_size"]["minimum"] = 20
    data["pathways"][0]["modules"][0]["module"] = "no-such-module"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CommandError) as refused:
        load(bad)
    assert "group_size.minimum" in str(refused.value)
    assert "pathways[0].modules[0].module" in str(refused.value)
    assert not Programme.objects.filter(code="thinking-skills").exists()


def test_a_stored_definition_is_decoded_once_and_shared_by_the_rows_that_bring_it(
    world: World,
) -> None:
    load(SECOND_PROGRAMME)
    first, second = (
        ProgrammeVersion.objects.get(programme__code="thinking-skills") for _ in range(2)
    )
    assert first is not second
    assert first.definition is second.definition
    assert first.definition == json.loads(SECOND_PROGRAMME.read_text())


def test_a_programme_object_reads_its_current_version_once(
    world: World, django_assert_num_queries: Any
) -> None:
    load(SECOND_PROGRAMME)
    programme = Programme.objects.get(code="thinking-skills")
    with django_assert_num_queries(1):
        first = programme.current_version()
        assert programme.current_version() is first
