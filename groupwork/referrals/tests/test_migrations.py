"""Migrations that move data: run back and forth over rows made at the latest schema."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from groupwork.core.tests.world import build_world
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

BEFORE_AREA = [("referrals", "0004_referral_pathway")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_each_referral_takes_its_mans_area_when_the_column_is_added(
    transactional_db: None,
) -> None:
    world = build_world()
    here = ReferralFactory.create(participant__area=world.area)
    there = ReferralFactory.create(participant__area=world.other_area)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    migrate(BEFORE_AREA)
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, "referrals_referral")
        ]
    assert "area_id" not in columns
    migrate(latest)

    assert Referral.objects.get(pk=here.pk).area == world.area
    assert Referral.objects.get(pk=there.pk).area == world.other_area
    assert not Referral.objects.exclude(area=F("participant__area")).exists()
