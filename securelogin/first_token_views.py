"""The sign-in's second step for a new client whose only credential is a token staff
assigned and the client has not activated yet (device_assignment.token_to_activate_at_signin).

The page asks for the token's response to a challenge; a right answer activates the
token and completes the sign-in. Every other client gets SecondFactorView's own page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import device_assignment, feedback, services
from .forms import ResponseForm
from .models import SecurityDevice

if TYPE_CHECKING:
    from django.http import HttpResponse

    from .second_factor_views import SecondFactorView

    _Base = SecondFactorView
else:
    _Base = object


class FirstTokenActivationMixin(_Base):
    """For SigninVerifyView: put the token's activation before the usual second factor."""

    def page(self) -> HttpResponse:
        device = device_assignment.token_to_activate_at_signin(self.user)
        if device is None:
            return super().page()
        if services.account_locked(self.user, services.active_device(self.user)):
            return self.locked()
        self.title = _("Activate your new security token")
        try:
            return self.first_token_page(device)
        except services.PromptLimitReached as refused:
            return self.notice(refused.problem, status=429)

    def first_token_page(self, device: SecurityDevice) -> HttpResponse:
        """GET shows the activation challenge; POST checks the token's response."""
        request, user, nonce = self.request, self.user, self.nonce
        token = device.hardware_token
        assert token is not None  # a token device
        serial = token.serial
        problem = None
        form = self.response_form(device)
        if request.method == "POST" and form.is_valid():
            outcome = device_assignment.sign_in_with_new_token(
                user=user, nonce=nonce, request=request, **form.answer()
            )
            if outcome.ok:
                messages.success(
                    request,
                    _("Your security token %(serial)s is active. From now on, sign in with it.")
                    % {"serial": serial},
                )
                return self.succeed()
            if outcome.locked:
                return self.locked()
            if device_assignment.pending_token(user) is None:  # staff revoked it meanwhile
                messages.info(request, outcome.problem.message if outcome.problem else "")
                return redirect("securelogin:verify")
            problem = outcome.problem
            if outcome.new_challenge:
                services.issue_challenge(user, device, device_assignment.PURPOSE, nonce, request)
        elif request.method == "POST":
            problem = feedback.problem_from_form(form, device_kind=device.kind)
        prompt = device_assignment.activation_prompt(user, device, nonce, request)
        intro = _(
            "This is your first sign-in with the security token %(serial)s that client "
            "services sent you (the serial number is printed on its back). Switch it on, "
            "type this challenge code into it (with your PIN if it asks for one) and "
            "enter the response it shows: this activates the token and signs you in."
        ) % {"serial": serial}
        return self.step_page(
            "securelogin/challenge.html",
            problem,
            **self.challenge_context(device, prompt),
            intro=intro,
            form=ResponseForm(initial={"challenge": prompt.public_id}),
            help_url=feedback.help_url(feedback.WRONG, device.kind),
            emulator_url="",
        )
