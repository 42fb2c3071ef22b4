"""`manage.py check_ports HOST [PORTS ...]`: can this computer open TCP connections to the
platform's ports? The work is done by connectivity.report.check_ports."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings

from connectivity import report
from connectivity.ports import PortInputError
from portal.commands import AppCommand


class Command(AppCommand):
    help = (
        "Try a TCP connection to each port of HOST (default ports: 4000 4001) and say whether it "
        "is reachable or blocked, with what to do. Exits with 1 when a port is blocked, 2 on bad "
        "input."
    )
    refusals = (PortInputError, report.PortsBlocked)
    requires_system_checks = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("host", help="Host name or IP address to check, e.g. 127.0.0.1")
        parser.add_argument(
            "ports", nargs="*", help="Ports to check (default: 4000 4001); also 4000,4001"
        )
        parser.add_argument("--timeout", default=None, help="Seconds to wait per port (default: 3)")
        parser.add_argument(
            "--language",
            default=None,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the report (default: the active language or LANGUAGE_CODE)",
        )

    def run(self, **options: Any) -> None:
        report.check_ports(
            options["host"],
            options["ports"],
            options["timeout"],
            options["language"],
            write=self.stdout.write,
            reachable=self.style.SUCCESS,
            blocked=self.style.ERROR,
        )
