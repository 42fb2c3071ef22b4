"""Print the current admin code of the demo staff account (development only), so a
newcomer can try the staff journeys without an authenticator app."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securelogin.demo_accounts import DevelopmentOnly, demo_staff_code


class Command(BaseCommand):
    help = "Print the demo staff account's current admin code (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(demo_staff_code())
        except DevelopmentOnly as refused:
            raise CommandError(str(refused)) from None
