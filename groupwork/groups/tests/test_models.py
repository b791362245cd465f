"""What the group queries add to each group."""

import datetime

import pytest

from groupwork.groups.models import Group, current_members
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_groups_members_are_the_men_in_it_now() -> None:
    full = GroupFactory.create()
    MembershipFactory.create_batch(2, group=full)
    MembershipFactory.create(group=full, left_on=datetime.date(2026, 10, 5))
    empty = GroupFactory.create()
    MembershipFactory.create(group=empty, left_on=datetime.date(2026, 10, 5))
    never_filled = GroupFactory.create()

    counted = {
        group.pk: current_members(group)
        for group in Group.objects.with_current_members().filter(
            pk__in=[full.pk, empty.pk, never_filled.pk]
        )
    }

    assert counted == {full.pk: 2, empty.pk: 0, never_filled.pk: 0}
