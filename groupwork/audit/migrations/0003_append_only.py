"""The audit log is append-only: the database itself refuses UPDATE and DELETE on it."""

from django.db import migrations

from groupwork.audit.append_only import install_triggers, remove_triggers


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_triggers(schema_editor.connection)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
