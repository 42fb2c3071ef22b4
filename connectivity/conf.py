"""Connectivity settings, read from Django settings first, then the environment.

CONNECTIVITY_PROBE_PORTS            ports the trading platform needs (page, probe, check_ports): 4000, 4001
CONNECTIVITY_PROBE_BIND             address the probe service listens on: 127.0.0.1
CONNECTIVITY_PROBE_ALLOWED_ORIGINS  origins whose pages may read the probe's answer
CONNECTIVITY_PROBE_HOST             host the test page probes; empty = the host the page was loaded from
CONNECTIVITY_PROBE_SCHEME           "http" or "https"; empty = the scheme of the page
CONNECTIVITY_PROBE_TIMEOUT          seconds the page and check_ports wait per port: 3
CONNECTIVITY_PORTAL_URL             public address of this portal, for links printed by check_ports
Environment variables of the same names take comma-separated lists.
"""

import os

from django.conf import settings

DEFAULT_PORTS = (4000, 4001)
DEFAULT_BIND = "127.0.0.1"
DEFAULT_ALLOWED_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")
DEFAULT_TIMEOUT = 3.0
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


def _setting(name, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def _as_list(value):
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return list(value)


def probe_ports_raw():
    """The configured ports as given (strings or numbers), for commands that validate them with a clear message."""
    return [str(port) for port in _as_list(_setting("CONNECTIVITY_PROBE_PORTS", DEFAULT_PORTS))]


def probe_ports():
    return [int(port) for port in probe_ports_raw()]


def probe_bind():
    return str(_setting("CONNECTIVITY_PROBE_BIND", DEFAULT_BIND))


def allowed_origins():
    return _as_list(_setting("CONNECTIVITY_PROBE_ALLOWED_ORIGINS", DEFAULT_ALLOWED_ORIGINS))


def probe_host():
    return str(_setting("CONNECTIVITY_PROBE_HOST", "") or "")


def probe_scheme():
    return str(_setting("CONNECTIVITY_PROBE_SCHEME", "") or "")


def timeout():
    return float(_setting("CONNECTIVITY_PROBE_TIMEOUT", DEFAULT_TIMEOUT))


def portal_url():
    return str(_setting("CONNECTIVITY_PORTAL_URL", DEFAULT_PORTAL_URL)).rstrip("/")
