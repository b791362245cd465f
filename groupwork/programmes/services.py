"""Loading programme definitions as new versions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.organisation.models import User
from groupwork.programmes.definition import parse_definition
from groupwork.programmes.models import Programme, ProgrammeVersion


def definition_checksum(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_definition(
    *, acting_user: User | None, data: dict[str, Any]
) -> tuple[ProgrammeVersion, bool]:
    """Check a definition and store it as the programme's next version.

    Raises DefinitionError (nothing stored) when the file is wrong. Loading the same content
    again stores nothing and returns the version that has it, with False.
    """
    definition = parse_definition(data)
    checksum = definition_checksum(data)
    with transaction.atomic():
        programme, _ = Programme.objects.select_for_update().get_or_create(
            code=definition.code, defaults={"name": definition.name}
        )
        latest = programme.versions.order_by("-number").first()
        if latest is not None and latest.checksum == checksum:
            return latest, False
        if programme.name != definition.name:
            programme.name = definition.name
            programme.save(update_fields=["name"])
        version = ProgrammeVersion.objects.create(
            programme=programme,
            number=(latest.number + 1) if latest else 1,
            definition=data,
            checksum=checksum,
        )
        record_event(
            acting_user=acting_user,
            action=Action.PROGRAMME_LOADED,
            subject=version,
            new_values={"programme": programme.code, "version": version.number},
        )
    return version, True
