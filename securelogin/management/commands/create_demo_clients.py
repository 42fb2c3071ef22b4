"""Create (or refresh) the demo accounts and print how to sign in (demo only: prints passwords
and PINs). The work is done by securelogin.demo_accounts.create_demo_clients."""

from typing import Any

from portal.commands import AppCommand
from securelogin.demo_accounts import DevelopmentOnly, create_demo_clients


class Command(AppCommand):
    help = "Create one demo client per security device kind (demo only: prints passwords and PINs)."
    refusals = (DevelopmentOnly,)

    def run(self, **options: Any) -> None:
        report = create_demo_clients()
        self.stdout.write(
            self.style.WARNING(
                "Demo clients (DEMO ONLY – known passwords, never use on a real system):"
            )
        )
        for line in report.lines + report.second_factor:
            self.stdout.write(line)
