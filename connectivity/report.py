"""check_ports' work: try a TCP connection to each port of a host and report, in the chosen
language, what is reachable, what is blocked and what to do (advice.py's wording)."""

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from connectivity import advice
from connectivity.conf import app_settings
from connectivity.ports import PortInputError, check_port, parse_ports, resolve_host

Paint = Callable[[str], str]  # colours a verdict (the command's style); plain by default


class PortsBlocked(Exception):
    """Not every port is reachable; the message (translated) says which. Exit status 1."""

    returncode = 1


def check_ports(
    host: str,
    ports: list[str] | None = None,
    timeout: str | None = None,
    language: str | None = None,
    *,
    write: Callable[[str], object],
    reachable: Paint = str,
    blocked: Paint = str,
) -> None:
    """Check `ports` of `host` (default: CONNECTIVITY_PROBE_PORTS), writing the report line by line
    as each port answers or times out. Bad input raises PortInputError (exit status 2) before any
    port is tried; blocked ports raise PortsBlocked after the report and its advice."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        _report(host, ports or app_settings.PROBE_PORTS, timeout, write, reachable, blocked)


def _report(
    host: str,
    ports: list[str] | tuple[int, ...],
    timeout: str | None,
    write: Callable[[str], object],
    reachable: Paint,
    blocked: Paint,
) -> None:
    port_numbers = parse_ports(ports)
    seconds = parse_timeout(timeout)
    host, _infos = resolve_host(host)
    write(
        _("Checking %(host)s (waiting up to %(seconds)s s per port)…")
        % {"host": host, "seconds": f"{seconds:g}"}
    )
    closed = []
    for port in port_numbers:
        result = check_port(host, port, seconds)
        if result.reachable:
            verdict = reachable(_("reachable (%(ms)s ms)") % {"ms": result.millis})
        else:
            closed.append(port)
            reason = reason_text(result.reason, seconds)
            verdict = blocked(_("blocked (%(reason)s)") % {"reason": reason})
        write(_("  Port %(port)s: %(verdict)s") % {"port": port, "verdict": verdict})
    if not closed:
        write(_("All ports are reachable."))
        return
    write("")
    write(advice.blocked_heading(closed))
    for line in advice.remedies(closed):
        write(f"  - {line}")
    write(
        _("  - More help: %(url)s")
        % {"url": app_settings.PORTAL_URL.rstrip("/") + advice.situation_path()}
    )
    raise PortsBlocked(
        _("Not every port is reachable from here: %(ports)s blocked.")
        % {"ports": advice.join_ports(closed)}
    )


def parse_timeout(value: str | None) -> float:
    """Seconds to wait per port: `value` (0.1 to 60), or CONNECTIVITY_PROBE_TIMEOUT."""
    if value is None:
        return app_settings.PROBE_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 60:
        raise PortInputError(_("The timeout must be a number of seconds from 0.1 to 60."))
    return seconds


def reason_text(reason: str, timeout: float) -> str:
    """Why a port counts as blocked (check_port's reason), in words."""
    if reason == "refused":
        return _("the connection was refused")
    if reason == "timeout":
        return _("no answer within %(seconds)s s") % {"seconds": f"{timeout:g}"}
    return _("the network cannot reach the host")
