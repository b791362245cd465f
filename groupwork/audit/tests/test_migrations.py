"""The audit log's indexes: the foreign keys' own indexes dropped, the log still append-only."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from groupwork.audit.models import AuditEvent
from groupwork.core.tests.migrations import migrated_back_to
from groupwork.core.tests.world import build_world

BEFORE = [("audit", "0011_alter_auditevent_action")]
DROPPED = importlib.import_module(
    "groupwork.audit.migrations.0012_audit_foreign_keys_use_the_composite_indexes"
).FOREIGN_KEY_INDEXES


def indexes_by_columns() -> dict[str, tuple[str, ...]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "audit_auditevent")
    return {name: tuple(c["columns"]) for name, c in found.items() if c["index"]}


def assert_append_only() -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")


def test_the_foreign_keys_own_indexes_go_and_the_log_stays_append_only(
    transactional_db: None,
) -> None:
    build_world()

    with migrated_back_to(BEFORE):
        assert set(DROPPED.values()) <= set(indexes_by_columns())

    indexes = indexes_by_columns()
    assert not set(DROPPED.values()) & set(indexes)
    for column in DROPPED:  # every lookup by the key still starts an index
        assert any(columns[0] == column for columns in indexes.values()), column
    assert_append_only()
    assert AuditEvent.objects.exists()
