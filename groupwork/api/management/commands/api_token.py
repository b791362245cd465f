from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from groupwork.organisation.models import User


class Command(BaseCommand):
    help = (
        "Prints a staff member's API token (for `Authorization: Token KEY`), making it if needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is not active: an API token would not work.")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
