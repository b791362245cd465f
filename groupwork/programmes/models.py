"""Accredited programmes and the versions of their definitions (data loaded from files)."""

from __future__ import annotations

from functools import cached_property

from django.db import models

from groupwork.core.versioning import DefinitionOwner, DefinitionVersion
from groupwork.programmes.definition import ProgrammeDefinition, parse_definition


class Programme(DefinitionOwner):
    class Meta(DefinitionOwner.Meta):
        pass

    _current_version: ProgrammeVersion | None = None  # read once for this instance

    def current_version(self) -> ProgrammeVersion:
        """The latest loaded version, read once for this instance (the length of a request):
        a man's record asks it of his programme for his assessment and his timeline."""
        if self._current_version is None:
            self._current_version = self.latest_version()
        return self._current_version


class ProgrammeVersion(DefinitionVersion):
    """One loaded definition. Loading a changed file makes a new version; groups keep theirs."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")
    parse = staticmethod(parse_definition)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} version {self.number}"

    @cached_property
    def parsed(self) -> ProgrammeDefinition:
        definition: ProgrammeDefinition = self.parsed_content()
        return definition
