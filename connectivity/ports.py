"""Parsing and checking TCP ports: shared by the check_ports and run_probe commands."""

import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


class PortInputError(ValueError):
    """Input that names no valid port or host; the message is translated and shown as is. The
    commands exit with status 2."""

    returncode = 2


def parse_ports(values: str | Iterable[str | int]) -> list[int]:
    """Turn ["4000", "4001"], ["4000,4001"] or "4000,4001" into [4000, 4001]; reject anything else
    clearly (also a mistyped CONNECTIVITY_PROBE_PORTS setting, which commands meet before
    checks)."""
    ports: list[int] = []
    for value in [values] if isinstance(values, str) else values:
        for item in str(value).split(","):
            item = item.strip()
            if not item:
                continue
            if not item.isdecimal():
                raise PortInputError(
                    _("“%(value)s” is not a port number. Use whole numbers such as 4000.")
                    % {"value": item}
                )
            port = int(item)
            if not 1 <= port <= 65535:
                raise PortInputError(
                    _("Port %(port)s is out of range: use a number from 1 to 65535.")
                    % {"port": port}
                )
            if port not in ports:
                ports.append(port)
    if not ports:
        raise PortInputError(_("Give at least one port number, for example 4000."))
    return ports


def resolve_host(host: str) -> tuple[str, list[tuple[Any, ...]]]:
    """The addresses of host (for a clear message before any port is tried)."""
    host = host.strip().strip("[]")
    if not host:
        raise PortInputError(_("Give the host name or address to check, for example 127.0.0.1."))
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise PortInputError(
            _(
                "The host “%(host)s” cannot be found. "
                "Check the spelling and your internet connection."
            )
            % {"host": host}
        )
    return host, infos


@dataclass
class PortResult:
    port: int
    reachable: bool
    millis: int | None = None
    reason: str = ""  # "refused", "timeout" or "unreachable" when blocked


def check_port(host: str, port: int, timeout: float) -> PortResult:
    """Try one TCP connection; report whether it opened and how long it took."""
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except ConnectionRefusedError:
        return PortResult(port, False, reason="refused")
    except TimeoutError:
        return PortResult(port, False, reason="timeout")
    except OSError:
        return PortResult(port, False, reason="unreachable")
    return PortResult(port, True, millis=max(0, round((time.perf_counter() - started) * 1000)))
