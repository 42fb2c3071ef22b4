"""`manage.py run_probe`: answer the connectivity test page on ports 4000/4001 until stopped."""

import os
import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from connectivity.conf import app_settings
from connectivity.ports import PortInputError, parse_ports
from connectivity.probe import PROBE_PATH, PortBusyError, ProbeGroup, normalise_origin


class Command(BaseCommand):
    help = (
        "Listen on the probe ports (default 4000 and 4001 on 127.0.0.1) and answer GET /probe, "
        "so the connectivity test page can check them from the browser. Stops on Ctrl-C or SIGTERM."
    )
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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ports = parse_ports(
                [options["ports"]] if options["ports"] else app_settings.PROBE_PORTS
            )
        except PortInputError as exc:
            raise CommandError(str(exc), returncode=2)
        host = options["host"] or app_settings.PROBE_BIND
        origins = list(app_settings.PROBE_ALLOWED_ORIGINS)
        if options["allowed_origins"]:
            origins = [o.strip() for o in options["allowed_origins"].split(",") if o.strip()]
        bad = [o for o in origins if not normalise_origin(o)]
        if bad:
            raise CommandError(
                f"Not an origin: {', '.join(bad)} (use scheme://host[:port], e.g. http://127.0.0.1:8000)",
                returncode=2,
            )

        try:
            group = ProbeGroup(
                host, ports, origins, certfile=options["certfile"], keyfile=options["keyfile"]
            )
        except PortBusyError as exc:
            hint = (
                "Is another probe (or another program) using it? "
                "Stop it or choose other ports with --ports."
                if exc.in_use
                else "Check --host (an address of this machine) and that the port may be opened."
            )
            raise CommandError(
                f"Cannot listen on {host} port {exc.port}: {exc.reason}. {hint}", returncode=1
            )
        except OSError as exc:  # bad address, unreadable certificate, …
            raise CommandError(f"Cannot start the probe on {host}: {exc}", returncode=1)

        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda *_args: stop.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            group.start()
            scheme = "https" if options["certfile"] else "http"
            display_host = f"[{host}]" if ":" in host else host
            urls = ", ".join(
                f"{scheme}://{display_host}:{port}{PROBE_PATH}" for port in group.ports
            )
            self.stdout.write(
                f"Probe listening on {urls} "
                f"(pid {os.getpid()}; Ctrl-C or kill {os.getpid()} stops it)"
            )
            self.stdout.write(f"Allowed origins: {', '.join(origins) or '(none)'}")
            self.stdout.flush()
            while not stop.wait(0.5):
                pass
        finally:
            group.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Probe stopped.")
