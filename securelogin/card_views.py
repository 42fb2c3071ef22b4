"""Pages of the Online Security Code Card (KB2636): offer, printable card, PDF, activation,
confirmation.

All need a signed-in client; the card's values are shown only while it waits
for activation and the client is signed in with a temporary code.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import card_activation, codecard, feedback, services, session_state, temporary_access
from .conf import app_settings
from .forms import CardValuesForm
from .models import SecurityDevice
from .second_factor_views import locked_response
from .signed_in import SignedInRequest

if TYPE_CHECKING:
    from typing import Any

    from securelogin.feedback import Problem


def _refused(request: HttpRequest, problem: Problem, status: int = 403) -> HttpResponse:
    return render(request, "securelogin/card_refused.html", {"problem": problem}, status=status)


@never_cache
@login_required
def card_offer(request: SignedInRequest) -> HttpResponse:
    """KB70 step 4: "No device at hand?" – Continue makes (or shows) the client's card."""
    if not temporary_access.has_temporary_access(request.user):
        state = card_activation.card_to_print(request.user)
        assert state.problem is not None  # no temporary access, no card
        return _refused(request, state.problem)
    if request.method == "POST":
        state = card_activation.card_to_print(request.user, request, create=True)
        if state.problem:
            return _refused(request, state.problem)
        return redirect("securelogin:card")
    return render(request, "securelogin/card_offer.html", {"card_days": app_settings.CARD_DAYS})


def _card_context(request: SignedInRequest, card: SecurityDevice) -> dict[str, Any]:
    return {
        "card": card,
        "rows": codecard.rows(card.secret_key()),
        "serial": card_serial(card),
        "holder": request.user.get_full_name() or request.user.get_username(),
        "card_days": app_settings.CARD_DAYS,
    }


def card_serial(card: SecurityDevice) -> str:
    return f"OSC-{card.pk:06d}"


def with_waiting_card(
    view: Callable[[SignedInRequest, SecurityDevice], HttpResponse],
) -> Callable[[SignedInRequest], HttpResponse]:
    """A page of the card waiting for activation, for a signed-in client (never cached).
    A client without one gets the card offer while they hold a temporary code, else the
    refusal."""

    @wraps(view)
    def page(request: SignedInRequest) -> HttpResponse:
        state = card_activation.card_to_print(request.user)
        if state.problem is None and state.card is not None:
            return view(request, state.card)
        if temporary_access.has_temporary_access(request.user):
            return redirect("securelogin:card_offer")  # no card made yet (or it was replaced)
        assert state.problem is not None
        return _refused(request, state.problem)

    return never_cache(login_required(page))


@with_waiting_card
def card(request: SignedInRequest, card: SecurityDevice) -> HttpResponse:
    """KB2636 step 6: the card, with Print, a PDF download and Continue."""
    return render(request, "securelogin/card.html", _card_context(request, card))


@never_cache
@login_required
def card_pdf(request: SignedInRequest) -> HttpResponse:
    state = card_activation.card_to_print(request.user)
    if state.problem:
        return _refused(request, state.problem)
    card = state.card
    assert card is not None  # no problem: the card waits for activation
    size = "Letter" if request.GET.get("size") == "letter" else "A4"
    pdf = codecard.render_pdf(
        card.secret_key(),
        title=_("Online Security Code Card"),
        subtitle=ngettext(
            "Valid for %(days)d day from activation. Keep it safe and never share it.",
            "Valid for %(days)d days from activation. Keep it safe and never share it.",
            app_settings.CARD_DAYS,
        )
        % {"days": app_settings.CARD_DAYS},
        holder=_("Card holder: %(name)s")
        % {"name": request.user.get_full_name() or request.user.get_username()},
        serial=_("Card number: %(serial)s") % {"serial": card_serial(card)},
        expires_note="",
        size=size,
        lang=get_language() or "en",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="security-code-card-{card_serial(card)}.pdf"'
    )
    return response


@with_waiting_card
def card_activate(request: SignedInRequest, card: SecurityDevice) -> HttpResponse:
    """KB2636 step 8: two index numbers; the client types both values as 6 digits."""
    nonce = session_state.activation_nonce(request.session)
    try:
        return _activation_page(request, card, nonce)
    except services.PromptLimitReached as refused:
        return _refused(request, refused.problem, status=429)


def _activation_page(request: SignedInRequest, card: SecurityDevice, nonce: str) -> HttpResponse:
    problem = None
    form = CardValuesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = card_activation.activate_card(
            user=request.user, nonce=nonce, request=request, **form.answer()
        )
        if outcome.ok:
            session_state.clear_activation(request.session)
            return redirect("securelogin:card_activated")
        if outcome.locked:
            logout(request)
            return locked_response(request)
        problem = outcome.problem
        if outcome.new_challenge:
            card_activation.issue_activation_prompt(request.user, card, nonce, request)
    elif request.method == "POST":
        problem = feedback.problem_from_form(form)
    prompt = card_activation.current_activation_prompt(request.user, card, nonce)
    if prompt is None:
        prompt = card_activation.issue_activation_prompt(request.user, card, nonce, request)
    blank = CardValuesForm(initial={"prompt": prompt.public_id})
    if request.method == "POST":
        feedback.point_at(blank, problem)
    return render(
        request,
        "securelogin/card_activate.html",
        {
            "form": blank,
            "pair": codecard.parse_pair(prompt.code),
            "prompt": prompt,
            "problem": problem,
        },
        status=200 if problem is None else 400,
    )


@never_cache
@login_required
def card_activated(request: SignedInRequest) -> HttpResponse:
    """KB2636 step 9: the confirmation with the expiry date; OK finishes."""
    device = services.active_device(request.user)
    if device is None or device.kind != SecurityDevice.Kind.CARD or device.is_expired:
        return redirect("securelogin:security_device")
    return render(
        request,
        "securelogin/card_activated.html",
        {"card": device, "expires_on": services.local_date(device.expires_at)},  # type: ignore[arg-type]  # an active card has an expiry,
    )
