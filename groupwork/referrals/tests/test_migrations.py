"""The referral's area: copied by the migration, filled by the trigger, kept by the model."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from groupwork.core.tests.migrations import columns_of, migrated_back_to
from groupwork.core.tests.world import World, build_world
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

BEFORE_AREA = [("referrals", "0004_referral_pathway")]


def test_each_referral_takes_its_mans_area_when_the_column_is_added(
    transactional_db: None,
) -> None:
    world = build_world()
    here = ReferralFactory.create(participant__area=world.area)
    there = ReferralFactory.create(participant__area=world.other_area)

    with migrated_back_to(BEFORE_AREA):
        assert "area_id" not in columns_of("referrals_referral")

    assert Referral.objects.get(pk=here.pk).area == world.area
    assert Referral.objects.get(pk=there.pk).area == world.other_area
    assert not Referral.objects.exclude(area=F("participant__area")).exists()


def insert_as_the_previous_release(copied: Referral) -> uuid.UUID:
    """A copy of `copied`'s row inserted the way the release before the area column inserts a
    referral: every column but the area."""
    columns = [
        field.column for field in Referral._meta.concrete_fields if field.name not in {"id", "area"}
    ]
    listed = ", ".join(connection.ops.quote_name(column) for column in columns)
    new_id = uuid.uuid4()
    key = Referral._meta.pk
    assert key is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO referrals_referral (id, {listed}) "  # noqa: S608 (names from the model)
            f"SELECT %s, {listed} FROM referrals_referral WHERE id = %s",
            [
                key.get_db_prep_value(new_id, connection),
                key.get_db_prep_value(copied.pk, connection),
            ],
        )
    return new_id


def test_a_referral_inserted_by_the_previous_release_takes_his_area(world: World) -> None:
    # Old app servers run on the new schema while a release rolls out (docs/deployment.md).
    made = ReferralFactory.create(participant__area=world.other_area)
    if connection.vendor == "postgresql":
        copy = insert_as_the_previous_release(made)
        assert Referral.objects.get(pk=copy).area == world.other_area
    else:  # the demo database has no rolling upgrades, and no trigger: the row is refused
        with pytest.raises(IntegrityError), transaction.atomic():
            insert_as_the_previous_release(made)


def test_a_new_referral_takes_his_area_whatever_it_was_given(world: World) -> None:
    referral = ReferralFactory.create(participant__area=world.other_area, area=world.area)
    assert Referral.objects.get(pk=referral.pk).area == world.other_area
