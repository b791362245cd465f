"""The audit log's foreign keys lose their single-column indexes.

Each repeated the first column of a composite index (area, actor or man, then id) that serves
every lookup, and each was written on every page view. Only the indexes are dropped: letting
Django alter the fields would drop and re-add their constraints (a scan of the whole log under
lock on PostgreSQL) and rebuild the table on SQLite, losing its append-only triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's names for the foreign keys' indexes, the same on PostgreSQL and SQLite.
FOREIGN_KEY_INDEXES = {
    "actor_id": "audit_auditevent_actor_id_270bb4b7",
    "area_id": "audit_auditevent_area_id_d9b510d6",
    "participant_id": "audit_auditevent_participant_id_17428788",
}


def _index_statements() -> list[migrations.RunSQL]:
    return [
        migrations.RunSQL(
            sql=f'DROP INDEX IF EXISTS "{name}"',
            reverse_sql=f'CREATE INDEX "{name}" ON "audit_auditevent" ("{column}")',
        )
        for column, name in FOREIGN_KEY_INDEXES.items()
    ]


def _foreign_key(to: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_alter_auditevent_action"),
        ("organisation", "0005_staff_manager"),
        ("participants", "0005_participant_disability_participant_ethnicity_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=_index_statements(),
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=_foreign_key(settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="auditevent", name="area", field=_foreign_key("organisation.area")
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="participant",
                    field=_foreign_key("participants.participant"),
                ),
            ],
        )
    ]
