"""Pages of the emulated Client Portal: sign-in, challenge, home, step-up tasks."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import codecard, conf, feedback, lostdevice, services, session_state
from .forms import ChangeEmailForm, ResponseForm, SigninForm, TemporaryCodeForm, WithdrawalForm
from .models import Challenge, SecurityDevice

TASKS = {
    Challenge.Purpose.CHANGE_EMAIL: ChangeEmailForm,
    Challenge.Purpose.WITHDRAWAL: WithdrawalForm,
}


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


@never_cache
@sensitive_post_parameters("password")
def signin(request):
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect("securelogin:home")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SigninForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        result = services.check_password(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if result.problem is None:
            session_state.start_pending(request.session, result.user, next_url)
            return redirect("securelogin:verify")
        problem = result.problem
    elif request.method == "POST":
        problem = feedback.problem_from_form(form, default=feedback.BAD_CREDENTIALS)
    return render(request, "securelogin/signin.html", {"form": form, "problem": problem, "next": next_url},
                  status=200 if problem is None else 400)


def _second_factor_page(request, *, user, nonce, purpose, cancel_url, title, intro, on_success):
    """The second factor the client's credential asks for: a temporary code (also the
    page of an account without any device), an expired card's notice, or a challenge
    (device) / two index numbers (code card). None when the account is locked."""
    device = services.active_device(user)
    if device is not None and device.is_locked:
        return None
    if device is None or device.kind == SecurityDevice.Kind.TEMPORARY:
        return _temporary_code_page(request, user=user, purpose=purpose, cancel_url=cancel_url, title=title,
                                    on_success=on_success)
    if device.kind == SecurityDevice.Kind.CARD and device.is_expired:
        return render(request, "securelogin/notice.html",
                      {"title": title, "problem": services.expired_problem(device), "cancel_url": cancel_url},
                      status=403)
    try:
        return _challenge_page(request, user=user, device=device, nonce=nonce, purpose=purpose,
                               cancel_url=cancel_url, title=title, intro=intro, on_success=on_success)
    except services.PromptLimitReached as refused:
        return render(request, "securelogin/notice.html",
                      {"title": title, "problem": refused.problem, "cancel_url": cancel_url}, status=429)


def _temporary_code_page(request, *, user, purpose, cancel_url, title, on_success):
    problem = None
    form = TemporaryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = lostdevice.verify_temporary_code(user=user, raw=form.cleaned_data["code"], purpose=purpose,
                                                   request=request)
        if outcome.ok:
            return on_success()
        if outcome.locked:
            return None
        problem = outcome.problem
    elif request.method == "POST":
        problem = feedback.problem_from_form(form)
    else:
        device = services.active_device(user)
        if device is not None and device.is_expired:  # say it before the client types anything
            problem = services.expired_problem(device)
        elif device is None:
            problem = lostdevice.revoked_card_notice(user)
    return render(
        request,
        "securelogin/temporary_code.html",
        {"title": title, "form": TemporaryCodeForm(), "problem": problem, "cancel_url": cancel_url},
        status=200 if problem is None else 400,
    )


def _challenge_page(request, *, user, device, nonce, purpose, cancel_url, title, intro, on_success):
    """GET shows the challenge (issuing one if needed); POST verifies a response."""
    problem = None
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.verify_response(
            user=user, nonce=nonce, challenge_id=form.cleaned_data["challenge"],
            response=form.cleaned_data["response"], purpose=purpose, request=request,
        )
        if outcome.ok:
            return on_success()
        if outcome.locked:
            return None
        problem = outcome.problem
        if outcome.new_challenge:
            services.issue_challenge(user, device, purpose, nonce, request)
    elif request.method == "POST":
        problem = feedback.problem_from_form(form)
    challenge = services.current_challenge(nonce, user)
    if challenge is None or challenge.is_expired or challenge.is_withdrawn or challenge.device_id != device.pk:
        challenge = services.issue_challenge(user, device, purpose, nonce, request)
    is_card = device.kind == SecurityDevice.Kind.CARD
    form = ResponseForm(initial={"challenge": challenge.public_id})
    if is_card:
        form.fields["response"].label = _("Card values")
    return render(
        request,
        "securelogin/challenge.html",
        {
            "title": title,
            "intro": _("Find these two index numbers on your printed Online Security Code Card and type their "
                       "values one after the other, as 6 digits without a space.") if is_card else intro,
            "challenge": challenge,
            "pair": codecard.parse_pair(challenge.code) if is_card else None,
            "device": device,
            "form": form,
            "problem": problem,
            "cancel_url": cancel_url,
            "help_url": feedback.help_url(feedback.CARD_WRONG if is_card else feedback.WRONG, device.kind),
            "emulator_url": "" if is_card else reverse("securelogin:emulator", kwargs={"pk": device.pk}),
            "valid_minutes": max(conf.get("CHALLENGE_SECONDS") // 60, 1),
        },
        status=200 if problem is None else 400,
    )


@never_cache
def verify(request):
    """Second factor of the sign-in; login() happens only here, after it passed."""
    state = session_state.pending(request.session)
    user = session_state.pending_user(request.session)
    if state is None or user is None:
        session_state.clear_pending(request.session)
        messages.info(request, _("Please sign in with your user name and password first."))
        return redirect("securelogin:signin")

    def success():
        next_url = state.get("next") or ""
        session_state.clear_pending(request.session)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        session_state.mark_signed_in(request.session)
        messages.success(request, _("You are signed in."))
        if lostdevice.has_temporary_access(user):
            return redirect("securelogin:card_offer")  # KB70: next, the card is offered
        return redirect(_safe_next(request, next_url) or "securelogin:home")

    response = _second_factor_page(
        request, user=user, nonce=state["nonce"], purpose=Challenge.Purpose.SIGNIN,
        cancel_url=reverse("securelogin:signin"), title=_("Security check"),
        intro=_("Type this challenge code into your security device and enter the response it shows."),
        on_success=success,
    )
    if response is None:  # the account is locked
        session_state.clear_pending(request.session)
        return render(request, "securelogin/signin.html",
                      {"form": SigninForm(), "problem": feedback.problem(feedback.LOCKED)}, status=403)
    return response


@require_POST
def signout(request):
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("securelogin:signin")


@login_required
def home(request):
    return render(request, "securelogin/home.html", {"device": services.active_device(request.user)})


@login_required
def security_device(request):
    device = services.active_device(request.user)
    return render(request, "securelogin/security_device.html", {
        "device": device,
        "temporary_access": lostdevice.has_temporary_access(request.user),
        "card_days": conf.get("CARD_DAYS"),
    })


@login_required
def start_task(request, purpose):
    if purpose not in TASKS:
        from django.http import Http404

        raise Http404
    form = TASKS[purpose](request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: str(value) for key, value in form.cleaned_data.items()}
        session_state.start_task(request.session, purpose, data)
        return redirect("securelogin:task_verify")
    return render(request, "securelogin/task_form.html", {"form": form, "purpose": Challenge.Purpose(purpose)})


def _apply_task(request, state):
    """Carry out a task after its step-up verification passed."""
    data = state["data"]
    if state["kind"] == Challenge.Purpose.CHANGE_EMAIL:
        with transaction.atomic():
            request.user.email = data["email"]
            request.user.save(update_fields=["email"])
        messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": data["email"]})
    else:
        messages.success(
            request,
            _("Your withdrawal request of %(amount)s %(currency)s was received (practice only: no money moves).")
            % data,
        )


@never_cache
@login_required
def task_verify(request):
    state = session_state.task(request.session)
    if state is None:
        messages.info(request, _("Please start the task again."))
        return redirect("securelogin:home")

    def success():
        session_state.clear_task(request.session)
        _apply_task(request, state)
        return redirect("securelogin:home")

    purpose = Challenge.Purpose(state["kind"])
    response = _second_factor_page(
        request, user=request.user, nonce=state["nonce"], purpose=purpose,
        cancel_url=reverse("securelogin:home"), title=_("Confirm it is you"),
        intro=_("This task asks you to confirm your identity again: type this new challenge code into your "
                "security device and enter the response it shows."),
        on_success=success,
    )
    if response is None:  # the account is locked
        session_state.clear_task(request.session)
        logout(request)
        return render(request, "securelogin/signin.html",
                      {"form": SigninForm(), "problem": feedback.problem(feedback.LOCKED)}, status=403)
    return response
