"""Steps that migrations share."""

from collections.abc import Callable
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def run_on_postgresql(sql: str) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    """A RunPython step that runs `sql` on PostgreSQL and nothing elsewhere: the triggers that
    keep a copied column filled for a previous release during a rolling upgrade, which SQLite,
    the single-process demo database, never has."""

    def run(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run
