"""Groups made before programme versions existed take C-SOGP version 1."""

from django.db import migrations, models


def attach_version(apps, schema_editor):  # type: ignore[no-untyped-def]
    version_model = apps.get_model("programmes", "ProgrammeVersion")
    group_model = apps.get_model("groups", "Group")
    for group in group_model.objects.filter(version__isnull=True):
        group.version = version_model.objects.filter(programme_id=group.programme_id).order_by(
            "number"
        )[0]
        group.save(update_fields=["version"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_calendarfeed_session_sessionfacilitator_group_kind_and_more"),
        ("programmes", "0004_csogp_version_1"),
    ]

    operations = [
        migrations.RunPython(attach_version, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="group",
            name="version",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="groups",
                to="programmes.programmeversion",
            ),
        ),
        migrations.AlterField(
            model_name="group",
            name="module",
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name="group",
            name="pattern",
            field=models.CharField(max_length=40),
        ),
    ]
