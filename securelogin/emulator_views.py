"""The device emulators: a phone with IB Key (iOS, Android) and the DSC+ card.

Each page is bound to the device of the client whose sign-in is in progress
(first factor passed) or who is signed in; any other device is a 404, and so is
every page for a client account (only practice accounts have emulators). The
response is computed on the server (POST with CSRF) so the device's secret
never reaches the browser: JSON for the page's script, an HTML page when
JavaScript is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.negotiation import wants_json

from . import account_kinds, feedback, services, session_state
from .forms import CardPinForm, DeviceInputForm, PhonePasscodeForm
from .models import AuditEvent, SecurityDevice

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User
    from django.http import HttpResponse

TEMPLATES = {
    SecurityDevice.Kind.IOS: "securelogin/emulator_phone.html",
    SecurityDevice.Kind.ANDROID: "securelogin/emulator_phone.html",
    SecurityDevice.Kind.DSC: "securelogin/emulator_dsc.html",
}
# Screens reachable by a plain link or GET button (so the phone works without JavaScript).
PHONE_SCREENS = ("start", "login", "account", "more", "twofa", "challenge")
# How the iPhone confirms: Face ID, Touch ID, or only its passcode (neither is set up).
BIOMETRICS = ("face", "touch", "passcode")


def _holder(request: HttpRequest) -> User | None:
    """The client the emulator may serve: signed in, or with a pending sign-in."""
    if request.user.is_authenticated:
        return request.user
    return session_state.pending_user(request.session)


def _device(request: HttpRequest, pk: int) -> SecurityDevice:
    holder = _holder(request)
    if holder is None or not account_kinds.is_practice(holder):
        raise Http404  # a client account's device is never emulated
    return get_object_or_404(SecurityDevice, pk=pk, user=holder, confirmed=True, kind__in=TEMPLATES)


@never_cache
def my_device(request: HttpRequest) -> HttpResponse:
    holder = _holder(request)
    if holder is not None and not account_kinds.is_practice(holder):
        raise Http404  # a client account's device is never emulated
    device = services.active_device(holder) if holder else None
    if device is None:
        return redirect("securelogin:signin")
    if device.kind not in TEMPLATES:  # a temporary code or a code card: nothing to emulate
        return redirect(
            "securelogin:security_device" if request.user.is_authenticated else "securelogin:verify"
        )
    url = reverse("securelogin:emulator", kwargs={"pk": device.pk})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _page(
    request: HttpRequest, device: SecurityDevice, screen: str, status: int = 200, **extra: Any
) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    biometric = source.get("biometric", "face")
    context = {
        "device": device,
        "screen": screen,
        "biometric": biometric if biometric in BIOMETRICS else "face",
        "screens": PHONE_SCREENS,
        **extra,
    }
    return render(request, TEMPLATES[device.kind], context, status=status)  # type: ignore[index]


@never_cache
def emulator(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    if device.kind == SecurityDevice.Kind.DSC:
        return _page(request, device, "off")
    screen = request.GET.get("screen", "start")
    return _page(request, device, screen if screen in PHONE_SCREENS else "start")


def _error(
    request: HttpRequest, device: SecurityDevice, message: str, status: int = 400, **extra: Any
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": False, "error": message, **extra}, status=status)
    screen = "off" if device.kind == SecurityDevice.Kind.DSC else "challenge"
    return _page(request, device, screen, status=status, error=message, **extra)


def _card_blocked(request: HttpRequest, device: SecurityDevice) -> HttpResponse:
    return _error(
        request, device, feedback.problem(feedback.CARD_BLOCKED).message, status=403, blocked=True
    )


@require_POST
@never_cache
@sensitive_post_parameters("pin")
def card_pin(request: HttpRequest, pk: int) -> HttpResponse:
    """The DSC+'s own PIN check (PIN> … OK) with its retry limit."""
    device = _device(request, pk)
    if device.kind != SecurityDevice.Kind.DSC:
        raise Http404
    if device.card_blocked_at:
        return _card_blocked(request, device)
    form = CardPinForm(request.POST)
    if not form.is_valid():
        return _error(request, device, _("The PIN has 4 digits."))
    refusal = _card_pin_refusal(
        request,
        device,
        form.cleaned_data["pin"],
        lambda left: (
            ngettext(
                "Wrong PIN. %(count)d try left before the card blocks.",
                "Wrong PIN. %(count)d tries left before the card blocks.",
                left,
            )
            % {"count": left}
        ),
    )
    if refusal is not None:
        return refusal
    if wants_json(request):
        return JsonResponse({"ok": True})
    return _page(request, device, "off")


def _card_pin_refusal(
    request: HttpRequest, device: SecurityDevice, pin: str, wrong_pin: Callable[[int], str]
) -> HttpResponse | None:
    """The DSC+'s own PIN check with its retry limit: None when the PIN is right, else the
    refusal (`wrong_pin(tries left)` words a wrong PIN; the block is audited once)."""
    if device.card_blocked_at:
        return _card_blocked(request, device)
    result = device.check_card_pin(pin)
    if result == "right":
        return None
    if result == "blocked":
        services.audit(
            AuditEvent.Kind.CARD_BLOCKED, user=device.user, device=device, request=request
        )
    if device.card_blocked_at:
        return _card_blocked(request, device)
    left = device.card_pin_retries_left
    return _error(request, device, wrong_pin(left), status=403, retries_left=left)


@require_POST
@never_cache
@sensitive_post_parameters("pin", "passcode")
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate Passcode: the device turns the challenge (and PIN) into the response."""
    device = _device(request, pk)
    form = DeviceInputForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _error(request, device, str(first))
    pin = form.cleaned_data.get("pin") or ""
    if device.needs_pin and not pin:
        return _error(request, device, _("Enter your 4-digit PIN."))
    if device.kind == SecurityDevice.Kind.DSC:
        refusal = _card_pin_refusal(request, device, pin, lambda left: _("Wrong PIN."))
        if refusal is not None:
            return refusal
    challenge = form.cleaned_data["challenge"]
    if device.kind == SecurityDevice.Kind.IOS:
        refused = _ios_confirmation(request, device, challenge)
        if refused is not None:
            return refused
    response = device.response_for(challenge, pin=pin if device.needs_pin else None)
    if wants_json(request):
        return JsonResponse({"ok": True, "response": response})
    screen = "challenge" if device.kind == SecurityDevice.Kind.ANDROID else "response"
    return _page(request, device, screen, response=response, challenge=challenge)


def _ios_confirmation(
    request: HttpRequest, device: SecurityDevice, challenge: str
) -> HttpResponse | None:
    """IB Key on iOS shows the response only after Face ID / Touch ID or, failing that, the
    phone's passcode (KB2260 step 5). None when confirmed; else the screen (or JSON) to show."""
    confirmed = request.POST.get("confirmed")
    if confirmed == "1":
        return None
    if confirmed == "passcode":
        passcode = PhonePasscodeForm(request.POST)
        if passcode.is_valid():
            return None
        message = next(iter(passcode.errors.values()))[0]
        if wants_json(request):
            return JsonResponse({"ok": False, "error": message, "screen": "passcode"}, status=400)
        return _page(
            request, device, "passcode", status=400, challenge=challenge, passcode_error=message
        )
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "error": _("Confirm with Face ID, Touch ID or your passcode first.")},
            status=400,
        )
    screen = "passcode" if request.POST.get("biometric") == "passcode" else "biometric"
    return _page(request, device, screen, challenge=challenge)
