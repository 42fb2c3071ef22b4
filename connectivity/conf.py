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


def check_values(app: AppSettings) -> list[checks.CheckMessage]:
    """The rules beyond each setting's type: one error (with its id) per rule broken."""
    ports = app.PROBE_PORTS
    bad_origins = [origin for origin in app.PROBE_ALLOWED_ORIGINS if not normalise_origin(origin)]
    rules = [
        (
            bool(ports) and all(1 <= port <= 65535 for port in ports),
            "CONNECTIVITY_PROBE_PORTS must list port numbers from 1 to 65535, e.g. 4000,4001.",
            None,
            "connectivity.E001",
        ),
        (
            not bad_origins,
            "CONNECTIVITY_PROBE_ALLOWED_ORIGINS has entries that are not origins: "
            f"{', '.join(bad_origins)}.",
            "Use scheme://host[:port], e.g. http://127.0.0.1:8000.",
            "connectivity.E002",
        ),
        (
            0 < app.PROBE_TIMEOUT <= MAX_TIMEOUT,
            "CONNECTIVITY_PROBE_TIMEOUT must be a number of seconds above 0 and at most 60.",
            None,
            "connectivity.E003",
        ),
        (
            app.PROBE_SCHEME in SCHEMES,
            'CONNECTIVITY_PROBE_SCHEME must be "", "http" or "https".',
            None,
            "connectivity.E004",
        ),
    ]
    return [checks.Error(message, hint=hint, id=id_) for ok, message, hint, id_ in rules if not ok]


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
    validators=(check_values,),
)
