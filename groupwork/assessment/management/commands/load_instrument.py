from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groupwork.assessment.services import load_instrument
from groupwork.programmes.definition import DefinitionError, read_definition_file


class Command(BaseCommand):
    help = "Checks a questionnaire file and loads it as the questionnaire's next version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The questionnaire, a JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            version, created = load_instrument(acting_user=None, data=read_definition_file(path))
        except DefinitionError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{path} was not loaded:\n{problems}") from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {version}."))
        else:
            self.stdout.write(f"{version} already holds this questionnaire; nothing loaded.")
