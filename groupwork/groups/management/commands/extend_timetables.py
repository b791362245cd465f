from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from groupwork.groups.models import Group, GroupKind
from groupwork.groups.services import ROLLING_WEEKS_AHEAD, extend_rolling_timetable


class Command(BaseCommand):
    help = "Timetables every rolling group some weeks ahead. Safe to run daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=ROLLING_WEEKS_AHEAD)

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for group in Group.objects.filter(kind=GroupKind.ROLLING).order_by("pk"):
            added = extend_rolling_timetable(group, weeks_ahead=options["weeks"])
            if added:
                self.stdout.write(f"{group.name}: {added} sessions added")
            total += added
        self.stdout.write(f"{total} sessions added in all.")
