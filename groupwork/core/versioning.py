"""Definitions loaded from files as numbered versions (programmes, questionnaires).

Records that used a version keep it; loading unchanged content stores nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

from groupwork.audit.models import Action
from groupwork.audit.services import record_event

if TYPE_CHECKING:
    from groupwork.organisation.models import User

VersionT = TypeVar("VersionT", bound=models.Model)


def definition_checksum(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_version(  # noqa: PLR0913  (keyword-only: what is stored, for whom, under which name)
    *,
    acting_user: User | None,
    owner_model: type[models.Model],
    version_model: type[VersionT],
    owner_field: str,
    code: str,
    name: str,
    data: dict[str, Any],
    action: Action,
) -> tuple[VersionT, bool]:
    """Store checked `data` as the next version of the owner called `code`; the same content
    as the latest version stores nothing and returns that version with False."""
    checksum = definition_checksum(data)
    with transaction.atomic():
        owner: Any
        owner, _ = owner_model._default_manager.select_for_update().get_or_create(
            code=code, defaults={"name": name}
        )
        versions = version_model._default_manager.filter(**{owner_field: owner})
        latest: Any = versions.order_by("-number").first()
        if latest is not None and latest.checksum == checksum:
            return latest, False
        if owner.name != name:
            owner.name = name
            owner.save(update_fields=["name"])
        version = version_model._default_manager.create(
            **{owner_field: owner},
            number=(latest.number + 1) if latest else 1,
            definition=data,
            checksum=checksum,
        )
        record_event(
            acting_user=acting_user,
            action=action,
            subject=version,
            new_values={owner_field: code, "version": version.number},  # type: ignore[attr-defined]
        )
    return version, True


_PARSED: dict[str, Any] = {}
_DECODED: dict[str, Any] = {}
_DECODED_LIMIT = 64  # distinct texts kept: an area has a handful of versions in use


class DefinitionField(models.JSONField):
    """A stored definition never changes (a changed file makes a new version), yet every row
    that joins to its version brings the whole text again: a caseload of 25 men placed in
    groups brought it 25 times. Each distinct text is decoded once a process and the content
    shared, as the parsed form already is; nothing edits it."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not isinstance(value, str):
            return super().from_db_value(value, expression, connection)
        decoded = _DECODED.get(value)
        if decoded is None:  # held in a local: another thread may clear the dict meanwhile
            decoded = super().from_db_value(value, expression, connection)
            if len(_DECODED) >= _DECODED_LIMIT:
                _DECODED.clear()
            _DECODED[value] = decoded
        return decoded


class DefinitionOwner(models.Model):
    """What a definition file describes (a programme, a questionnaire), by its stable code.
    Subclasses' version models point back with related_name="versions"."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> Any:
        return self.versions.order_by("-number")[0]  # type: ignore[attr-defined]


class DefinitionVersion(models.Model):
    """The stored fields of a loaded definition. Subclasses add the owner and say how the
    content is parsed; each content is parsed once a process, since a version never changes."""

    number = models.PositiveIntegerField()
    definition = DefinitionField()
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @staticmethod
    def parse(data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def parsed_content(self) -> Any:
        if self.checksum not in _PARSED:
            _PARSED[self.checksum] = self.parse(self.definition)
        return _PARSED[self.checksum]
