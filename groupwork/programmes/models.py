"""Accredited programmes and the versions of their definitions (data loaded from files)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db import models

from groupwork.programmes.definition import ProgrammeDefinition, parse_definition


class Programme(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> ProgrammeVersion:
        return self.versions.order_by("-number")[0]


class ProgrammeVersion(models.Model):
    """One loaded definition. Loading a changed file makes a new version; groups keep theirs."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} version {self.number}"

    @cached_property
    def parsed(self) -> ProgrammeDefinition:
        return _parsed_by_checksum(self.checksum, self.definition)


_PARSED: dict[str, ProgrammeDefinition] = {}


def _parsed_by_checksum(checksum: str, data: dict[str, Any]) -> ProgrammeDefinition:
    """Parse each stored definition once a process: a version's content never changes."""
    if checksum not in _PARSED:
        _PARSED[checksum] = parse_definition(data)
    return _PARSED[checksum]
