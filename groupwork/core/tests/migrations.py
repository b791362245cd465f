"""Migrations run back and forth inside a test, for the tests of a migration's data step."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Target = tuple[str, str]  # (app label, migration name)


def migrate(targets: list[Target]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@contextmanager
def migrated_back_to(targets: list[Target]) -> Iterator[None]:
    """The schema as it was at `targets` inside the block, then the latest again, whatever
    happened: the rest of the session needs it."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(targets)
    try:
        yield
    finally:
        migrate(latest)


def columns_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]
