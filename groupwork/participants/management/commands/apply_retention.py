"""`python manage.py apply_retention [--apply] [--area SLUG]`: report, or delete, the records
of closed cases past their area's retention (groupwork.participants.retention)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from groupwork.organisation.models import Area
from groupwork.participants.retention import apply_retention, plan_retention, report_lines


class Command(BaseCommand):
    help = (
        "Lists the closed cases whose records are past their area's retention, with what "
        "would be deleted for each (by case reference). With --apply, deletes them in one "
        "transaction and writes one audit entry per man. Safe to run again: a case already "
        "dealt with has nothing left to delete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="Delete the records (default: only report)."
        )
        parser.add_argument("--area", help="Only this area (its slug); default every area.")

    def handle(self, *args: Any, **options: Any) -> None:
        areas = Area.objects.order_by("name")
        if options["area"]:
            areas = areas.filter(slug=options["area"])
            if not areas.exists():
                raise CommandError(f"No area with the slug {options['area']!r}.")
        today = timezone.localdate()
        if options["apply"]:
            plans = apply_retention(today, areas)
        else:
            plans = plan_retention(today, areas)
        for line in report_lines(plans, applied=options["apply"]):
            self.stdout.write(line)
