"""The second-factor step, one class for the sign-in and the step-up tasks.

The client's credential decides the page: a temporary code (also the page of an
account without any credential), an expired card's notice, or a challenge
(device) / two index numbers (code card). A locked account always gets the
same `locked_response`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from . import (
    account_kinds,
    card_activation,
    codecard,
    feedback,
    services,
    session_state,
    temporary_access,
)
from .conf import app_settings
from .first_token_views import FirstTokenActivationMixin
from .forms import ResponseForm, SigninForm, TemporaryCodeForm
from .models import Challenge, SecurityDevice

if TYPE_CHECKING:
    from typing import Any

    from django.http import HttpResponse
    from django.http.response import HttpResponseBase

    from securelogin.feedback import Problem

    from .signed_in import SignedInRequest


def locked_response(request: HttpRequest) -> HttpResponse:
    """The one answer of a locked account: the sign-in page with the LOCKED problem."""
    return render(
        request,
        "securelogin/signin.html",
        {"form": SigninForm(), "problem": feedback.problem(feedback.LOCKED)},
        status=403,
    )


def emulator_url(user: User, device: SecurityDevice | None) -> str:
    """The link to the device's emulator: only for a practice account's emulated device."""
    if device is None or not account_kinds.may_use_emulator(user, device):
        return ""
    return reverse("securelogin:emulator", kwargs={"pk": device.pk})


def safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, {request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@method_decorator(never_cache, name="dispatch")
class SecondFactorView(View):
    """Subclasses say whose attempt it is (`start`), what success does and what a lock ends."""

    title = ""
    intro = ""
    user: User  # set by start(), with the attempt's nonce and purpose
    nonce: str
    purpose: str
    state: dict[str, Any]

    def start(self) -> HttpResponse | None:
        """Set self.user, self.nonce, self.purpose; or return a response (nothing to verify)."""
        raise NotImplementedError

    def succeed(self) -> HttpResponse:
        raise NotImplementedError

    def abandon(self) -> None:
        """The account locked: forget the attempt."""
        raise NotImplementedError

    cancel_view = ""  # where Cancel leads

    def cancel_url(self) -> str:
        return reverse(self.cancel_view)

    def step_page(self, template: str, problem: Problem | None, **context: Any) -> HttpResponse:
        """A page of this step: its title, the problem (status 400) and Cancel."""
        return render(
            self.request,
            template,
            {"title": self.title, "problem": problem, "cancel_url": self.cancel_url(), **context},
            status=200 if problem is None else 400,
        )

    def challenge_context(self, device: SecurityDevice, challenge: Challenge) -> dict[str, Any]:
        """What every challenge page shows about the device and how long it may take."""
        return {
            "challenge": challenge,
            "device": device,
            "response_digits": device.response_digits,
            "valid_minutes": max(app_settings.CHALLENGE_SECONDS // 60, 1),
        }

    def response_form(self, device: SecurityDevice) -> ResponseForm:
        """The answer form of the device's prompt (bound on POST)."""
        return ResponseForm(
            self.request.POST or None, kind=device.kind, digits=device.response_digits
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in ("GET", "POST"):
            early = self.start()
            if early is not None:
                return early
        return super().dispatch(request, *args, **kwargs)

    def page(self) -> HttpResponse:
        device = services.active_device(self.user)
        if device is not None and device.is_locked:
            return self.locked()
        if device is None or device.kind == SecurityDevice.Kind.TEMPORARY:
            return self.temporary_code_page()
        if device.kind == SecurityDevice.Kind.CARD and device.is_expired:
            return self.notice(services.expired_problem(device), status=403)
        try:
            return self.challenge_page(device)
        except services.PromptLimitReached as refused:
            return self.notice(refused.problem, status=429)

    def locked(self) -> HttpResponse:
        self.abandon()
        return locked_response(self.request)

    def notice(self, problem: Problem | None, status: int) -> HttpResponse:
        return render(
            self.request,
            "securelogin/notice.html",
            {"title": self.title, "problem": problem, "cancel_url": self.cancel_url()},
            status=status,
        )

    def temporary_code_page(self) -> HttpResponse:
        request = self.request
        problem = None
        form = TemporaryCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            outcome = temporary_access.verify_temporary_code(
                user=self.user, raw=form.cleaned_data["code"], purpose=self.purpose, request=request
            )
            if outcome.ok:
                return self.succeed()
            if outcome.locked:
                return self.locked()
            problem = outcome.problem
        elif request.method == "POST":
            problem = feedback.problem_from_form(form)
        else:
            device = services.active_device(self.user)
            if device is not None and device.is_expired:  # say it before the client types anything
                problem = services.expired_problem(device)
            elif device is None:
                problem = card_activation.revoked_card_notice(self.user)
        blank = TemporaryCodeForm()
        if request.method == "POST":
            feedback.point_at(blank, problem)
        return self.step_page("securelogin/temporary_code.html", problem, form=blank)

    def challenge_page(self, device: SecurityDevice) -> HttpResponse:
        """GET shows the challenge (issuing one if needed); POST verifies a response."""
        request, user, nonce, purpose = self.request, self.user, self.nonce, self.purpose
        problem = None
        form = self.response_form(device)
        if request.method == "POST" and form.is_valid():
            challenge_id, response = form.cleaned_data["challenge"], form.cleaned_data["response"]
            outcome = services.verify_response(
                user=user,
                nonce=nonce,
                challenge_id=challenge_id,
                response=response,
                purpose=purpose,
                request=request,
            )
            if outcome.ok:
                return self.succeed()
            if outcome.locked:
                return self.locked()
            problem = outcome.problem
            if outcome.new_challenge:
                services.issue_challenge(user, device, purpose, nonce, request)
        elif request.method == "POST":
            problem = feedback.problem_from_form(form, device_kind=device.kind)
        challenge = services.current_challenge(nonce, user)
        if (
            challenge is None
            or challenge.is_expired
            or challenge.is_withdrawn
            or challenge.device_id != device.pk
        ):
            challenge = services.issue_challenge(user, device, purpose, nonce, request)
        is_card = device.kind == SecurityDevice.Kind.CARD
        form = ResponseForm(initial={"challenge": challenge.public_id})
        if is_card:
            form.fields["response"].label = _("Card values")
        if request.method == "POST":
            feedback.point_at(form, problem)
        card_intro = _(
            "Find these two index numbers on your printed Online Security Code Card and type their "
            "values one after the other, as 6 digits without a space."
        )
        return self.step_page(
            "securelogin/challenge.html",
            problem,
            **self.challenge_context(device, challenge),
            intro=card_intro if is_card else self.intro,
            pair=codecard.parse_pair(challenge.code) if is_card else None,
            form=form,
            help_url=feedback.help_url(
                feedback.CARD_WRONG if is_card else feedback.WRONG, device.kind
            ),
            emulator_url=emulator_url(user, device),
        )


class SigninVerifyView(FirstTokenActivationMixin, SecondFactorView):
    """Second factor of the sign-in; login() happens only here, after it passed. A new
    client's waiting token is activated here (first_token_views.py)."""

    cancel_view = "securelogin:signin"

    def start(self) -> HttpResponse | None:
        state = session_state.pending(self.request.session)
        user = session_state.pending_user(self.request.session)
        if state is None or user is None:
            session_state.clear_pending(self.request.session)
            messages.info(self.request, _("Please sign in with your user name and password first."))
            return redirect("securelogin:signin")
        self.state, self.user = state, user
        self.nonce, self.purpose = self.state["nonce"], Challenge.Purpose.SIGNIN
        self.title = _("Security check")
        self.intro = _(
            "Type this challenge code into your security device and enter the response it shows."
        )
        return None

    def abandon(self) -> None:
        session_state.clear_pending(self.request.session)

    def succeed(self) -> HttpResponse:
        request, user = self.request, self.user
        next_url = self.state.get("next") or ""
        session_state.clear_pending(request.session)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        session_state.mark_signed_in(request.session)
        messages.success(request, _("You are signed in."))
        if temporary_access.has_temporary_access(user):
            return redirect("securelogin:card_offer")  # KB70: next, the card is offered
        return redirect(safe_next(request, next_url) or "securelogin:home")


class TaskVerifyView(LoginRequiredMixin, SecondFactorView):
    """Step-up: a task (change e-mail, withdrawal) asks for the second factor again."""

    cancel_view = "securelogin:home"

    def start(self) -> HttpResponse | None:
        state = session_state.task(self.request.session)
        if state is None:
            messages.info(self.request, _("Please start the task again."))
            return redirect("securelogin:home")
        if not session_state.task_password_confirmed(state):
            return redirect("securelogin:task_password")  # the source's step 1 comes first
        assert isinstance(self.request.user, User)  # LoginRequiredMixin
        self.state, self.user, self.nonce = state, self.request.user, state["nonce"]
        self.purpose = Challenge.Purpose(self.state["kind"])
        self.title = _("Confirm it is you")
        self.intro = _(
            "This task asks you to confirm your identity again: type this new challenge code into "
            "your "
            "security device and enter the response it shows."
        )
        return None

    def abandon(self) -> None:
        session_state.clear_task(self.request.session)
        logout(self.request)

    def succeed(self) -> HttpResponse:
        session_state.clear_task(self.request.session)
        apply_task(self.request, self.state)  # type: ignore[arg-type]  # LoginRequiredMixin
        return redirect("securelogin:home")


def apply_task(request: SignedInRequest, state: dict[str, Any]) -> None:
    """Carry out a task after its step-up verification passed."""
    data = state["data"]
    if state["kind"] == Challenge.Purpose.CHANGE_EMAIL:
        with transaction.atomic():
            request.user.email = data["email"]
            request.user.save(update_fields=["email"])
        messages.success(
            request, _("Your e-mail address is now %(email)s.") % {"email": data["email"]}
        )
    else:
        messages.success(
            request,
            _(
                "Your withdrawal request of %(amount)s %(currency)s was received (practice only: "
                "no money moves)."
            )
            % data,
        )
