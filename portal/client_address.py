"""The client's address as seen by the site, behind a known number of trusted proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0 the address the outermost
    trusted proxy saw: the n-th entry from the right of X-Forwarded-For. Entries
    further left are written by the client and never trusted; a missing or
    malformed entry falls back to REMOTE_ADDR."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    entries = [
        item.strip()
        for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if item.strip()
    ]
    if len(entries) < hops:
        return peer
    candidate = entries[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
