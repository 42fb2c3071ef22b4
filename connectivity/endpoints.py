"""Which endpoints the test page probes, and the Content-Security-Policy that lets it reach them."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from connectivity.conf import app_settings
from connectivity.probe import PROBE_PATH

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class ProbeEndpoint:
    port: int
    origin: str

    @property
    def url(self) -> str:
        return self.origin + PROBE_PATH


def page_hostname(request: HttpRequest) -> str:
    """The host name the page was loaded from, without its port (IPv6 literals keep their
    brackets)."""
    host = request.get_host()
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


def probe_hostname(request: HttpRequest) -> str:
    return app_settings.PROBE_HOST or page_hostname(request)


def probe_endpoints(request: HttpRequest) -> list[ProbeEndpoint]:
    scheme = app_settings.PROBE_SCHEME or request.scheme
    host = probe_hostname(request)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return [ProbeEndpoint(port, f"{scheme}://{host}:{port}") for port in app_settings.PROBE_PORTS]


def policy_for(request: HttpRequest) -> dict[str, Any]:
    """settings.SECURE_CSP with connect-src widened to exactly the probe origins of this request."""
    policy: dict[str, Any] = copy.deepcopy(settings.SECURE_CSP)
    connect = list(policy.get("connect-src") or [CSP.SELF])
    for endpoint in probe_endpoints(request):
        if endpoint.origin not in connect:
            connect.append(endpoint.origin)
    policy["connect-src"] = connect
    return policy


def probe_csp(view: View) -> View:
    """csp_override with a policy built per request: the probe origins depend on the page's host."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return csp_override(policy_for(request))(view)(request, *args, **kwargs)

    return wrapped
