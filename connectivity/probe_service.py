"""run_probe's work: the probe's options checked (defaults from settings), its listeners started
on every port, and served until Ctrl-C or SIGTERM."""

import os
import signal
import threading

from django.core.management.base import OutputWrapper

from connectivity.conf import app_settings
from connectivity.ports import parse_ports
from connectivity.probe import PROBE_PATH, PortBusyError, ProbeGroup, normalise_origin


class ProbeNotStarted(Exception):
    """The probe cannot start; the message says what to change. `returncode`: 2 for bad options,
    1 for a port it cannot open or an unreadable certificate."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


def run_probe(
    ports: str | None = None,
    host: str | None = None,
    origins: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    *,
    out: OutputWrapper,
) -> None:
    """Serve the probe on `ports` (comma-separated; default CONNECTIVITY_PROBE_PORTS) of `host`
    (default CONNECTIVITY_PROBE_BIND) for `origins` (comma-separated; default
    CONNECTIVITY_PROBE_ALLOWED_ORIGINS), over HTTPS with `certfile`, until SIGINT or SIGTERM.
    Bad ports raise PortInputError; anything else that stops the start, ProbeNotStarted."""
    port_numbers = parse_ports([ports] if ports else app_settings.PROBE_PORTS)
    host = host or app_settings.PROBE_BIND
    allowed = allowed_origins(origins)
    group = start_probe(host, port_numbers, allowed, certfile, keyfile)
    scheme = "https" if certfile else "http"
    display_host = f"[{host}]" if ":" in host else host
    urls = ", ".join(f"{scheme}://{display_host}:{port}{PROBE_PATH}" for port in group.ports)
    serve_until_stopped(
        group,
        f"Probe listening on {urls} (pid {os.getpid()}; Ctrl-C or kill {os.getpid()} stops it)",
        f"Allowed origins: {', '.join(allowed) or '(none)'}",
        out=out,
    )


def serve_until_stopped(group: ProbeGroup, *greeting: str, out: OutputWrapper) -> None:
    """Serve `group` (writing `greeting` once it listens) until SIGINT or SIGTERM, then close it
    and put the signals' handlers back."""
    stop = threading.Event()
    stopping = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_args: stop.set()) for sig in stopping}
    try:
        group.start()
        for line in greeting:
            out.write(line)
        out.flush()
        while not stop.wait(0.5):
            pass
    finally:
        group.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    out.write("Probe stopped.")


def allowed_origins(value: str | None) -> list[str]:
    """The origins in `value` (comma-separated), or CONNECTIVITY_PROBE_ALLOWED_ORIGINS; each must
    be an origin (scheme://host[:port])."""
    origins = list(app_settings.PROBE_ALLOWED_ORIGINS)
    if value:
        origins = [origin.strip() for origin in value.split(",") if origin.strip()]
    bad = [origin for origin in origins if not normalise_origin(origin)]
    if bad:
        raise ProbeNotStarted(
            f"Not an origin: {', '.join(bad)} "
            "(use scheme://host[:port], e.g. http://127.0.0.1:8000)",
            returncode=2,
        )
    return origins


def start_probe(
    host: str, ports: list[int], origins: list[str], certfile: str | None, keyfile: str | None
) -> ProbeGroup:
    """The probe's listeners, bound on every port (not serving yet)."""
    try:
        return ProbeGroup(host, ports, origins, certfile=certfile, keyfile=keyfile)
    except PortBusyError as exc:
        hint = (
            "Is another probe (or another program) using it? "
            "Stop it or choose other ports with --ports."
            if exc.in_use
            else "Check --host (an address of this machine) and that the port may be opened."
        )
        raise ProbeNotStarted(f"Cannot listen on {host} port {exc.port}: {exc.reason}. {hint}")
    except OSError as exc:  # bad address, unreadable certificate, …
        raise ProbeNotStarted(f"Cannot start the probe on {host}: {exc}")
