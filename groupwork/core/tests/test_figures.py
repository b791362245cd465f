"""Area-wide figures are kept for a while under their area and filters, never shared wider."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from groupwork.core.figures import area_figures
from groupwork.core.tests.world import World, client_for
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.reports.views import sections_html


@pytest.fixture
def kept_ten_minutes() -> Any:
    cache.clear()
    with override_settings(GROUPWORK_FIGURES_CACHE_SECONDS=600):
        yield
    cache.clear()


def counter() -> tuple[list[int], Any]:
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    return calls, count


@pytest.mark.usefixtures("kept_ten_minutes")
def test_the_same_figures_are_counted_once_and_each_area_apart() -> None:
    calls, count = counter()
    first = area_figures("report", ("area 1", "2026"), count)
    again = area_figures("report", ("area 1", "2026"), count)
    other_area = area_figures("report", ("area 2", "2026"), count)
    other_year = area_figures("report", ("area 1", "2025"), count)
    assert (first.value, again.value, other_area.value, other_year.value) == (1, 1, 2, 3)
    assert again.counted_at == first.counted_at
    assert first.kept_minutes == 10  # noqa: PLR2004


def test_with_no_time_to_keep_them_they_are_counted_every_time() -> None:
    calls, count = counter()
    with override_settings(GROUPWORK_FIGURES_CACHE_SECONDS=0):
        area_figures("report", ("area 1",), count)
        shown = area_figures("report", ("area 1",), count)
    assert len(calls) == 2  # noqa: PLR2004
    assert shown.kept_for == 0


@pytest.mark.usefixtures("kept_ten_minutes")
@pytest.mark.parametrize(
    ("persona", "address"),
    [
        ("chief.westmercia", "/dashboard/"),
        ("chief.westmercia", "/reports/"),
    ],
)
def test_the_pages_say_when_their_figures_were_counted(
    world: World, persona: str, address: str
) -> None:
    page = client_for(world, persona).get(address).content.decode()
    assert "These figures were counted at" in page
    assert "counted again after 10 minutes" in page


@pytest.mark.usefixtures("kept_ten_minutes")
def test_the_reports_tables_are_drawn_once_while_their_figures_are_kept(
    world: World, monkeypatch: pytest.MonkeyPatch, time_machine: Any
) -> None:
    # The clock stands still, so every area's figures are counted at the same moment: only
    # the area and the filters in the key keep their tables apart.
    time_machine.move_to(timezone.now(), tick=False)
    drawn: list[int] = []

    def counting(tables: Any) -> Any:
        drawn.append(len(tables))
        return sections_html(tables)

    monkeypatch.setattr("groupwork.reports.views.sections_html", counting)
    client = client_for(world, "chief.westmercia")
    first = tables_of(client.get("/reports/"))
    again = tables_of(client.get("/reports/"))
    other_period = {"date_from_day": "1", "date_from_month": "1", "date_from_year": "2026"}
    other = tables_of(client.get("/reports/", other_period))
    assert len(drawn) == 2  # noqa: PLR2004 (the first page, then the other filters)
    assert 'id="table-key-figures"' in again
    assert again == first
    assert 'id="table-key-figures"' in other
    # Another area's chief officer, with the same filters, gets tables drawn for his area.
    other_chief = UserFactory.create(role=Role.CHIEF_OFFICER, area=world.other_area)
    elsewhere = Client()
    elsewhere.force_login(other_chief)
    assert elsewhere.get("/reports/").status_code == 200  # noqa: PLR2004
    assert len(drawn) == 3  # noqa: PLR2004


def tables_of(response: Any) -> str:
    page: str = response.content.decode()
    return page[page.index('<h2 class="govuk-heading-l">Summary</h2>') :]
