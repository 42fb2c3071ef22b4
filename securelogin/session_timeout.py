"""Idle timeout and absolute lifetime of signed-in clients' sessions (OWASP ASVS V3.3)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from . import session_state
from .conf import app_settings


class ClientSessionTimeoutMiddleware:
    """Signs a client out after SESSION_IDLE_SECONDS without a request or
    SESSION_ABSOLUTE_SECONDS after sign-in, and says so on the sign-in page.
    Staff sessions (the admin) are left to the admin's own rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff:
            reason = session_state.expiry_reason(request.session)
            if reason:
                return self._sign_out(request, reason)
            session_state.touch(request.session)
        return self.get_response(request)

    def _sign_out(self, request, reason):
        logout(request)
        if reason == "idle":
            minutes = max(app_settings.SESSION_IDLE_SECONDS // 60, 1)
            text = ngettext(
                "You were signed out after %(count)d minute without activity. Please sign in again.",
                "You were signed out after %(count)d minutes without activity. Please sign in again.",
                minutes,
            ) % {"count": minutes}
        else:
            hours = max(app_settings.SESSION_ABSOLUTE_SECONDS // 3600, 1)
            text = ngettext(
                "You were signed out because you signed in %(count)d hour ago. Please sign in again.",
                "You were signed out because you signed in %(count)d hours ago. Please sign in again.",
                hours,
            ) % {"count": hours}
        messages.info(request, text)
        target = reverse("securelogin:signin")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
