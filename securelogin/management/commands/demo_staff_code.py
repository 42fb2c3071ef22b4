"""Print the current admin code of the demo staff account (development only), so a
newcomer can try the staff journeys without an authenticator app."""

from typing import Any

from portal.commands import AppCommand
from securelogin.demo_accounts import DevelopmentOnly, demo_staff_code


class Command(AppCommand):
    help = "Print the demo staff account's current admin code (development only)."
    refusals = (DevelopmentOnly,)

    def run(self, **options: Any) -> None:
        self.stdout.write(demo_staff_code())
