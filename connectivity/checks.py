"""System checks: a mistyped probe setting should fail `manage.py check`, not the test page."""

from django.core import checks

from connectivity import conf
from connectivity.probe import normalise_origin


@checks.register()
def check_connectivity_settings(app_configs, **kwargs):
    errors = []
    try:
        ports = conf.probe_ports()
    except (TypeError, ValueError):
        ports = None
    if not ports or any(not 1 <= port <= 65535 for port in ports):
        errors.append(
            checks.Error(
                "CONNECTIVITY_PROBE_PORTS must list port numbers from 1 to 65535, e.g. 4000,4001.",
                id="connectivity.E001",
            )
        )
    bad = [origin for origin in conf.allowed_origins() if not normalise_origin(origin)]
    if bad:
        errors.append(
            checks.Error(
                f"CONNECTIVITY_PROBE_ALLOWED_ORIGINS has entries that are not origins: {', '.join(bad)}.",
                hint="Use scheme://host[:port], e.g. http://127.0.0.1:8000.",
                id="connectivity.E002",
            )
        )
    try:
        timeout_ok = 0 < conf.timeout() <= 60
    except (TypeError, ValueError):
        timeout_ok = False
    if not timeout_ok:
        errors.append(
            checks.Error(
                "CONNECTIVITY_PROBE_TIMEOUT must be a number of seconds above 0 and at most 60.",
                id="connectivity.E003",
            )
        )
    if conf.probe_scheme() not in ("", "http", "https"):
        errors.append(
            checks.Error(
                'CONNECTIVITY_PROBE_SCHEME must be "", "http" or "https".', id="connectivity.E004"
            )
        )
    return errors
