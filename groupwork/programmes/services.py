"""Loading programme definitions as new versions."""

from __future__ import annotations

from typing import Any

from groupwork.audit.models import Action
from groupwork.core.versioning import store_version
from groupwork.organisation.models import User
from groupwork.programmes.definition import parse_definition
from groupwork.programmes.models import Programme, ProgrammeVersion


def load_definition(
    *, acting_user: User | None, data: dict[str, Any]
) -> tuple[ProgrammeVersion, bool]:
    """Check a definition and store it as the programme's next version.

    Raises DefinitionError (nothing stored) when the file is wrong. Loading the same content
    again stores nothing and returns the version that has it, with False.
    """
    definition = parse_definition(data)
    return store_version(
        acting_user=acting_user,
        owner_model=Programme,
        version_model=ProgrammeVersion,
        owner_field="programme",
        code=definition.code,
        name=definition.name,
        data=data,
        action=Action.PROGRAMME_LOADED,
    )
