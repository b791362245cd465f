"""`python manage.py send_messages`: send the outbox's due messages. Safe to run at any time,
and by several processes at once: each message is claimed before it is sent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from groupwork.core.jobs import exclusive_job
from groupwork.notifications.sending import report_lines, send_due


class Command(BaseCommand):
    help = (
        "Sends the text messages and e-mails that are due, through GOV.UK Notify when "
        "NOTIFY_API_KEY is set (otherwise they stay in the local outbox). Failures are tried "
        "again later; no message is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=200, help="Send at most this many (default 200)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with exclusive_job("send_messages") as held:
            if not held:
                self.stdout.write("Another run is sending messages: this one did nothing.")
                return
            for line in report_lines(send_due(limit=options["limit"])):
                self.stdout.write(line)
