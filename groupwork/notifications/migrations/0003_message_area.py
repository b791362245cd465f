"""A message carries its recipient's area, so that an area's outbox is read by its own index.

The area is copied from the man, or from the member of staff for a notice. On PostgreSQL a
trigger fills it for a message inserted without it: the previous release, still running while
this one rolls out (docs/deployment.md), does not write the column. SQLite, the single-process
demo database, has no rolling upgrades; the model fills the area there.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from groupwork.core.migration_steps import run_on_postgresql

INSTALL = """
CREATE OR REPLACE FUNCTION notifications_message_take_recipients_area() RETURNS trigger AS $$
BEGIN
    IF NEW.area_id IS NULL AND NEW.participant_id IS NOT NULL THEN
        SELECT area_id INTO NEW.area_id FROM participants_participant
            WHERE id = NEW.participant_id;
    ELSIF NEW.area_id IS NULL AND NEW.staff_id IS NOT NULL THEN
        SELECT area_id INTO NEW.area_id FROM organisation_user WHERE id = NEW.staff_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS notifications_message_takes_recipients_area ON notifications_message;
CREATE TRIGGER notifications_message_takes_recipients_area
    BEFORE INSERT ON notifications_message
    FOR EACH ROW EXECUTE FUNCTION notifications_message_take_recipients_area();
"""
REMOVE = """
DROP TRIGGER IF EXISTS notifications_message_takes_recipients_area ON notifications_message;
DROP FUNCTION IF EXISTS notifications_message_take_recipients_area();
"""


def copy_the_recipients_area(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Participant = apps.get_model("participants", "Participant")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Message.objects.filter(participant__isnull=False).update(
        area_id=Subquery(
            Participant.objects.filter(pk=OuterRef("participant_id")).values("area_id")[:1]
        )
    )
    Message.objects.filter(participant__isnull=True, staff__isnull=False).update(
        area_id=Subquery(User.objects.filter(pk=OuterRef("staff_id")).values("area_id")[:1])
    )



class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_message_send_before"),
        ("organisation", "0005_staff_manager"),
        ("participants", "0005_participant_disability_participant_ethnicity_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.area",
            ),
        ),
        migrations.RunPython(copy_the_recipients_area, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                fields=["area", "-created_at", "-id"], name="notificatio_area_id_d4e829_idx"
            ),
        ),
        migrations.RunPython(run_on_postgresql(INSTALL), run_on_postgresql(REMOVE)),
    ]
