from django.db import migrations

from groupwork.referrals.status_machine import install_status_machine


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_status_machine(apps)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
