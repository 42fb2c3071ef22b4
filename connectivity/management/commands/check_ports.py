"""`manage.py check_ports HOST [PORTS ...]`: can this computer open TCP connections to the
platform's ports?"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from connectivity import advice
from connectivity.conf import app_settings
from connectivity.ports import PortInputError, check_port, parse_ports, resolve_host

EXIT_BLOCKED = 1
EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Try a TCP connection to each port of HOST (default ports: 4000 4001) and say whether it "
        "is reachable or blocked, with what to do. Exits with 1 when a port is blocked, 2 on bad "
        "input."
    )
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

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            self.check_ports(options)

    def check_ports(self, options: dict[str, Any]) -> None:
        try:
            ports = parse_ports(options["ports"] or app_settings.PROBE_PORTS)
            timeout = self.parse_timeout(options["timeout"])
            host, _infos = resolve_host(options["host"])
        except PortInputError as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_INPUT)

        self.stdout.write(
            _("Checking %(host)s (waiting up to %(seconds)s s per port)…")
            % {"host": host, "seconds": f"{timeout:g}"}
        )
        blocked = []
        for port in ports:
            result = check_port(host, port, timeout)
            if result.reachable:
                verdict = self.style.SUCCESS(_("reachable (%(ms)s ms)") % {"ms": result.millis})
            else:
                blocked.append(port)
                verdict = self.style.ERROR(
                    _("blocked (%(reason)s)") % {"reason": self.reason_text(result.reason, timeout)}
                )
            self.stdout.write(
                _("  Port %(port)s: %(verdict)s") % {"port": port, "verdict": verdict}
            )

        if not blocked:
            self.stdout.write(_("All ports are reachable."))
            return
        self.stdout.write("")
        self.stdout.write(advice.blocked_heading(blocked))
        for line in advice.remedies(blocked):
            self.stdout.write(f"  - {line}")
        self.stdout.write(
            _("  - More help: %(url)s")
            % {"url": app_settings.PORTAL_URL.rstrip("/") + advice.situation_path()}
        )
        raise CommandError(
            _("Not every port is reachable from here: %(ports)s blocked.")
            % {"ports": advice.join_ports(blocked)},
            returncode=EXIT_BLOCKED,
        )

    @staticmethod
    def parse_timeout(value: str | None) -> float:
        if value is None:
            return app_settings.PROBE_TIMEOUT
        try:
            seconds = float(value)
        except ValueError:
            seconds = 0
        if not 0 < seconds <= 60:
            raise PortInputError(_("The timeout must be a number of seconds from 0.1 to 60."))
        return seconds

    @staticmethod
    def reason_text(reason: str, timeout: float) -> str:
        if reason == "refused":
            return _("the connection was refused")
        if reason == "timeout":
            return _("no answer within %(seconds)s s") % {"seconds": f"{timeout:g}"}
        return _("the network cannot reach the host")
