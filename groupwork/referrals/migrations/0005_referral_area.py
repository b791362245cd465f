"""A referral carries its man's area, so that an area's lists start from its own referrals."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
import django.db.models.deletion


def copy_the_mans_area(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.update(
        area_id=Subquery(
            Participant.objects.filter(pk=OuterRef("participant_id")).values("area_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("organisation", "0001_initial"),
        ("participants", "0001_initial"),
        ("referrals", "0004_referral_pathway"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.area",
            ),
        ),
        migrations.RunPython(copy_the_mans_area, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="referral",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.area",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["area", "status"], name="referrals_r_area_id_42959a_idx"),
        ),
    ]
