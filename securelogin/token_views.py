"""The client's activation of a hardware token staff assigned (device_assignment.py).

Signed in with the current credential, the client types the challenge into the
token and enters its response; success makes the token the active credential.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.base import SessionBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import device_assignment, feedback, services
from .conf import app_settings
from .forms import ResponseForm
from .second_factor_views import locked_response
from .signed_in import SignedInRequest

if TYPE_CHECKING:
    from django.http import HttpResponse

NONCE_KEY = "securelogin.token-activation"


def _nonce(session: SessionBase) -> str:
    """The nonce that binds this client's activation challenge to this session."""
    if not session.get(NONCE_KEY):
        session[NONCE_KEY] = secrets.token_urlsafe(24)
    return session[NONCE_KEY]


@never_cache
@login_required
def token_activate(request: SignedInRequest) -> HttpResponse:
    device = device_assignment.pending_token(request.user)
    if device is None:
        messages.info(request, feedback.message(feedback.TOKEN_NOT_PENDING))
        return redirect("securelogin:security_device")
    token = device.hardware_token
    assert token is not None  # a token device
    serial = token.serial
    nonce = _nonce(request.session)
    problem = None
    form = ResponseForm(request.POST or None, kind=device.kind, digits=device.response_digits)
    try:
        if request.method == "POST" and form.is_valid():
            outcome = device_assignment.activate_token(
                user=request.user, nonce=nonce, request=request, **form.answer()
            )
            if outcome.ok:
                request.session.pop(NONCE_KEY, None)
                messages.success(
                    request,
                    _("Your security token %(serial)s is active. From now on, sign in with it.")
                    % {"serial": serial},
                )
                return redirect("securelogin:security_device")
            if outcome.locked:
                logout(request)
                return locked_response(request)
            problem = outcome.problem
            if outcome.new_challenge and device_assignment.pending_token(request.user) is not None:
                services.issue_challenge(
                    request.user, device, device_assignment.PURPOSE, nonce, request
                )
        elif request.method == "POST":
            problem = feedback.problem_from_form(form, device_kind=device.kind)
        if device_assignment.pending_token(request.user) is None:  # withdrawn meanwhile
            return redirect("securelogin:security_device")
        prompt = device_assignment.activation_prompt(request.user, device, nonce, request)
    except services.PromptLimitReached as refused:
        return render(
            request,
            "securelogin/notice.html",
            {
                "title": _("Activate your security token"),
                "problem": refused.problem,
                "cancel_url": reverse("securelogin:security_device"),
            },
            status=429,
        )
    return render(
        request,
        "securelogin/token_activate.html",
        {
            "device": device,
            "serial": serial,
            "challenge": prompt,
            "form": ResponseForm(initial={"challenge": prompt.public_id}),
            "problem": problem,
            "response_digits": device.response_digits,
            "valid_minutes": max(app_settings.CHALLENGE_SECONDS // 60, 1),
        },
        status=200 if problem is None else 400,
    )
