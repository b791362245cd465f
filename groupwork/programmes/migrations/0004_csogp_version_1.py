"""Loads the shipped C-SOGP definition as version 1, so every database has it."""

import hashlib
import json

from django.db import migrations

from groupwork.programmes.definition import DEFINITIONS_DIR


def load_csogp(apps, schema_editor):  # type: ignore[no-untyped-def]
    programme_model = apps.get_model("programmes", "Programme")
    version_model = apps.get_model("programmes", "ProgrammeVersion")
    data = json.loads((DEFINITIONS_DIR / "csogp.json").read_text(encoding="utf-8"))
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    programme, _ = programme_model.objects.get_or_create(
        code="csogp", defaults={"name": data["name"]}
    )
    if not version_model.objects.filter(programme=programme).exists():
        version_model.objects.create(
            programme=programme,
            number=1,
            definition=data,
            checksum=hashlib.sha256(canonical.encode()).hexdigest(),
        )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_programmeversion")]

    operations = [migrations.RunPython(load_csogp, migrations.RunPython.noop)]
