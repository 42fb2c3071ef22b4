"""The connectivity test page (runs in the browser) and the portal's own ping endpoint."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from connectivity import advice
from connectivity.conf import app_settings
from connectivity.endpoints import probe_csp, probe_endpoints, probe_hostname


@require_safe
@never_cache
@probe_csp
def connectivity_test(request: HttpRequest) -> HttpResponse:
    endpoints = probe_endpoints(request)
    ports = [endpoint.port for endpoint in endpoints]
    context = {
        "endpoints": endpoints,
        "ports": ports,
        "ports_text": advice.join_ports(ports),
        "remedies": advice.remedies(ports),
        "situation_url": advice.situation_path(),
        "check_host": probe_hostname(request).strip("[]"),
        "timeout_ms": int(app_settings.PROBE_TIMEOUT * 1000),
        "timeout_seconds": f"{app_settings.PROBE_TIMEOUT:g}",
    }
    return render(request, "connectivity/test.html", context)


@require_safe
@never_cache
def ping(request: HttpRequest) -> JsonResponse:
    """The portal's own endpoint for the test page: proves the portal itself answers."""
    return JsonResponse({"ok": True, "time": timezone.now().isoformat(timespec="milliseconds")})
