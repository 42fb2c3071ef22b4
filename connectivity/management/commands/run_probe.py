"""`manage.py run_probe`: answer the connectivity test page on ports 4000/4001 until stopped.
The work is done by connectivity.probe_service.run_probe."""

from argparse import ArgumentParser
from typing import Any

from connectivity import probe_service
from connectivity.ports import PortInputError
from portal.commands import AppCommand


class Command(AppCommand):
    help = (
        "Listen on the probe ports (default 4000 and 4001 on 127.0.0.1) and answer GET /probe, "
        "so the connectivity test page can check them from the browser. Stops on Ctrl-C or SIGTERM."
    )
    refusals = (PortInputError, probe_service.ProbeNotStarted)
    requires_system_checks = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--ports", help="Comma-separated ports (default: CONNECTIVITY_PROBE_PORTS or 4000,4001)"
        )
        parser.add_argument(
            "--host", help="Address to listen on (default: CONNECTIVITY_PROBE_BIND or 127.0.0.1)"
        )
        parser.add_argument(
            "--allowed-origins",
            help="Comma-separated origins whose pages may read the answer "
            "(default: CONNECTIVITY_PROBE_ALLOWED_ORIGINS or http://127.0.0.1:8000,http://localhost:8000)",
        )
        parser.add_argument(
            "--certfile", help="Serve HTTPS with this certificate chain (PEM), for HTTPS portals"
        )
        parser.add_argument("--keyfile", help="Private key for --certfile (PEM)")

    def run(self, **options: Any) -> None:
        probe_service.run_probe(
            options["ports"],
            options["host"],
            options["allowed_origins"],
            options["certfile"],
            options["keyfile"],
            out=self.stdout,
        )
