"""Area-wide figures are kept for a while under their area and filters, never shared wider."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from groupwork.core.figures import area_figures
from groupwork.core.tests.world import World, client_for


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
