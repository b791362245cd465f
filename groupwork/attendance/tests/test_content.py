"""Which content each group meeting covers."""

import pytest

from groupwork.attendance.content import content_numbers, content_titles
from groupwork.groups.models import GroupKind
from groupwork.groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_block_week_days_then_weekly_half_days_cover_one_session_each() -> None:
    group = GroupFactory.create(module="induction", pattern="half-days")
    assert [content_numbers(group, n) for n in (1, 5, 6, 15)] == [[1], [5], [6], [15]]
    assert content_numbers(group, 16) == []


def test_a_full_day_covers_two_half_day_sessions() -> None:
    group = GroupFactory.create(module="induction", pattern="full-days")
    assert content_numbers(group, 6) == [6, 7]
    assert content_numbers(group, 10) == [14, 15]


def test_a_rolling_group_goes_round_its_content_again() -> None:
    group = GroupFactory.create(module="longer-term", pattern="evenings", kind=GroupKind.ROLLING)
    assert content_numbers(group, 81) == content_numbers(group, 1) == [1]
    assert content_numbers(group, 160) == [80]
    titles = content_titles(group.module_definition, content_numbers(group, 82))
    assert titles == ["Thinking patterns 2"]
