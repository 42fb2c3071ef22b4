"""The connectivity app's settings (CONNECTIVITY_*), declared once.

Each is a Django setting of the full name or an environment variable of the same name (lists
comma-separated), read by portal/settings.py; the app reads `app_settings.NAME`. The rules that
need more than a type (ports in range, origins, timeout, scheme) are the validators below, run by
the system check portal.E010 (`manage.py check`), not met first by the test page or the probe.
"""

from __future__ import annotations

from django.core import checks

from connectivity.probe import normalise_origin
from portal.app_settings import AppSettings, Setting

SCHEMES = ("", "http", "https")
MAX_TIMEOUT = 60.0


def check_ports(app: AppSettings) -> list[checks.CheckMessage]:
    ports = app.PROBE_PORTS
    if ports and all(1 <= port <= 65535 for port in ports):
        return []
    return [
        checks.Error(
            "CONNECTIVITY_PROBE_PORTS must list port numbers from 1 to 65535, e.g. 4000,4001.",
            id="connectivity.E001",
        )
    ]


def check_origins(app: AppSettings) -> list[checks.CheckMessage]:
    bad = [origin for origin in app.PROBE_ALLOWED_ORIGINS if not normalise_origin(origin)]
    if not bad:
        return []
    return [
        checks.Error(
            "CONNECTIVITY_PROBE_ALLOWED_ORIGINS has entries that are not origins: "
            f"{', '.join(bad)}.",
            hint="Use scheme://host[:port], e.g. http://127.0.0.1:8000.",
            id="connectivity.E002",
        )
    ]


def check_timeout(app: AppSettings) -> list[checks.CheckMessage]:
    if 0 < app.PROBE_TIMEOUT <= MAX_TIMEOUT:
        return []
    return [
        checks.Error(
            "CONNECTIVITY_PROBE_TIMEOUT must be a number of seconds above 0 and at most 60.",
            id="connectivity.E003",
        )
    ]


def check_scheme(app: AppSettings) -> list[checks.CheckMessage]:
    if app.PROBE_SCHEME in SCHEMES:
        return []
    return [
        checks.Error(
            'CONNECTIVITY_PROBE_SCHEME must be "", "http" or "https".', id="connectivity.E004"
        )
    ]


app_settings = AppSettings(
    "CONNECTIVITY_",
    {
        "PROBE_PORTS": Setting(
            (4000, 4001), "ports the trading platform needs (test page, run_probe, check_ports)"
        ),
        "PROBE_BIND": Setting("127.0.0.1", "address run_probe listens on"),
        "PROBE_ALLOWED_ORIGINS": Setting(
            ("http://127.0.0.1:8000", "http://localhost:8000"),
            "origins whose pages may read the probe's answer",
        ),
        "PROBE_HOST": Setting("", "host the test page probes; empty: the host of the page"),
        "PROBE_SCHEME": Setting("", '"http" or "https"; empty: the scheme of the page'),
        "PROBE_TIMEOUT": Setting(3.0, "seconds the test page and check_ports wait per port"),
        "PORTAL_URL": Setting(
            "http://127.0.0.1:8000", "public address of this portal, for check_ports' help link"
        ),
    },
    validators=(check_ports, check_origins, check_timeout, check_scheme),
)
