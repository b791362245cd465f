from django.db import migrations


def add_csogp(apps, schema_editor):  # type: ignore[no-untyped-def]
    programme = apps.get_model("programmes", "Programme")
    programme.objects.update_or_create(
        code="csogp", defaults={"name": "Community Sex Offender Groupwork Programme"}
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(add_csogp, migrations.RunPython.noop)]
