from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from groupwork.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Loads the fictional West Mercia demo area and its accounts. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo loader runs only with DEBUG on: its accounts share a published password."
            )
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo area loaded. Sign in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        for user in accounts:
            where = user.area.name if user.area else "all areas"
            self.stdout.write(f"  {user.username:<18} {user.role_label} ({where})")
