"""Create (or refresh) the demo accounts and print how to sign in (demo only: prints passwords
and PINs). The work is done by securelogin.demo_accounts.create_demo_clients."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securelogin.demo_accounts import DevelopmentOnly, create_demo_clients


class Command(BaseCommand):
    help = "Create one demo client per security device kind (demo only: prints passwords and PINs)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = create_demo_clients()
        except DevelopmentOnly as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.WARNING(
                "Demo clients (DEMO ONLY – known passwords, never use on a real system):"
            )
        )
        for line in report.lines + report.second_factor:
            self.stdout.write(line)
