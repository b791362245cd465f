import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from groupwork.core.national import DEFAULT_SEED, FIRST_SLUG, already_generated, generate_national


class Command(BaseCommand):
    help = (
        "Builds a synthetic national data set (fictional areas, centres, men, groups, two years "
        "of sessions, registers and text reminders), repeatable from --seed. --scale 1.0 gives "
        "12 areas, 40 group centres, 50,000 men and 5,000 groups. Writes one area per "
        "transaction, with progress bars on stderr when it is a terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--replace", action="store_true", help="Replace an earlier generated data set."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        if already_generated():
            if options["replace"]:
                raise CommandError(
                    f"Replacing would need the generated areas ({FIRST_SLUG} onwards) and "
                    "everything in them deleting first; this command does not delete. Stopped."
                )
            raise CommandError(
                f"A generated data set is already loaded (area {FIRST_SLUG} exists). "
                "Use a fresh database."
            )
        started = time.monotonic()
        totals = generate_national(seed=options["seed"], scale=scale, progress=self.say)
        summary = ", ".join(f"{value:,} {key}" for key, value in totals.items())
        self.stdout.write(
            self.style.SUCCESS(f"Generated {summary} in {time.monotonic() - started:.1f}s.")
        )

    def say(self, message: str) -> None:
        """A line of output that the progress bars on stderr step around."""
        with tqdm.external_write_mode(file=sys.stdout):
            self.stdout.write(message)
