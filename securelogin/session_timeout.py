"""Idle timeout and absolute lifetime of signed-in clients' sessions (OWASP ASVS V3.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext_lazy

from . import session_state
from .conf import app_settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpResponse

# Why a client was signed out: "idle" (minutes without a request) or "absolute" (hours
# since sign-in).
SIGNED_OUT = {
    "idle": ngettext_lazy(
        "You were signed out after %(count)d minute without activity. Please sign in again.",
        "You were signed out after %(count)d minutes without activity. Please sign in again.",
        "count",
    ),
    "absolute": ngettext_lazy(
        "You were signed out because you signed in %(count)d hour ago. Please sign in again.",
        "You were signed out because you signed in %(count)d hours ago. Please sign in again.",
        "count",
    ),
}


# Health checks answer without looking at the session: loading a signed-in visitor's session and
# user reads the database, and /healthz must not fail because a store is away.
PROBES = frozenset({"/healthz", "/readyz"})


class ClientSessionTimeoutMiddleware:
    """Signs a client out after SESSION_IDLE_SECONDS without a request or
    SESSION_ABSOLUTE_SECONDS after sign-in, and says so on the sign-in page.
    Staff sessions (the admin) are left to the admin's own rules."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in PROBES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff:
            reason = session_state.expiry_reason(request.session)
            if reason:
                return self._sign_out(request, reason)
            session_state.touch(request.session)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        if reason == "idle":
            count = max(app_settings.SESSION_IDLE_SECONDS // 60, 1)
        else:
            count = max(app_settings.SESSION_ABSOLUTE_SECONDS // 3600, 1)
        text = SIGNED_OUT[reason] % {"count": count}
        messages.info(request, text)
        target = reverse("securelogin:signin")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
