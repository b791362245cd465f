"""`python manage.py daily`: raise the tasks that are due today. Safe to run more than once."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from groupwork.core.jobs import exclusive_job
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.sending import report_lines, send_due
from groupwork.tasks.daily import raise_due_tasks
from groupwork.tasks.models import TaskKind


class Command(BaseCommand):
    help = (
        "Raises the tasks that are due: sick notes overdue, enforcement deadlines within two "
        "working days, catch-ups not booked before the man's next session, one-to-ones due "
        "within a week and not booked (after planning each man's from his timetable). "
        "Running it again "
        "on the same day raises nothing new. Then queues tomorrow's reminders and sends the "
        "messages that are due."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Run as if today were this day (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with exclusive_job("daily") as held:
            if not held:
                self.stdout.write("Another daily run is going on: this one did nothing.")
                return
            self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        today: datetime.date = options["date"] or timezone.localdate()
        counts = raise_due_tasks(today=today)
        labels = dict(TaskKind.choices)
        self.stdout.write(f"Daily run for {today:%-d %B %Y}:")
        for kind, count in counts.items():
            self.stdout.write(f"{labels[kind]}: {count} task{'' if count == 1 else 's'} raised")
        self.stdout.write(f"{sum(counts.values())} tasks raised in all.")
        reminders = queue_reminders(today=today)
        self.stdout.write(f"Reminders for tomorrow: {reminders} queued.")
        for line in report_lines(send_due()):
            self.stdout.write(line)
