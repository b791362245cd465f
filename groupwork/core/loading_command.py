"""The shared shape of the commands that load a definition file as a new version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groupwork.programmes.definition import DefinitionError, read_definition_file

Loader = Callable[..., tuple[Any, bool]]


class LoadDefinitionCommand(BaseCommand):
    """Subclasses name what they load (`noun`) and the service that stores it (`loader`)."""

    noun = "definition"

    def loader(self) -> Loader:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=f"The {self.noun}, a JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            version, created = self.loader()(acting_user=None, data=read_definition_file(path))
        except DefinitionError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{path} was not loaded:\n{problems}") from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {version}."))
        else:
            self.stdout.write(f"{version} already holds this {self.noun}; nothing loaded.")
