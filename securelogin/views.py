"""Pages of the emulated Client Portal: sign-in, home, the start of step-up tasks (the second
factor itself is in second_factor_views.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import device_assignment, feedback, services, session_state, temporary_access
from .conf import app_settings
from .forms import ChangeEmailForm, SigninForm, WithdrawalForm
from .models import Challenge
from .second_factor_views import emulator_url, safe_next
from .signed_in import SignedInRequest
from .task_signin import confirm_task_password

if TYPE_CHECKING:
    from django.http import HttpResponse

TASKS = {
    Challenge.Purpose.CHANGE_EMAIL: ChangeEmailForm,
    Challenge.Purpose.WITHDRAWAL: WithdrawalForm,
}


@never_cache
@sensitive_post_parameters("password")
def signin(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect("securelogin:home")
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SigninForm(request.POST if request.method == "POST" else None)
    problem = None
    if request.method == "POST":
        session_state.clear_pending(request.session)  # a new password step ends any earlier attempt
    if request.method == "POST" and form.is_valid():
        result = services.check_password(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.problem is None and result.user is not None:
            session_state.start_pending(request.session, result.user, next_url)
            return redirect("securelogin:verify")
        problem = result.problem
    elif request.method == "POST":
        problem = feedback.problem_from_form(form, default=feedback.BAD_CREDENTIALS)
        empty = [name for name in ("username", "password") if form.has_error(name, "required")]
        if empty and problem and problem.code == feedback.BAD_CREDENTIALS.code:
            problem = feedback.problem(feedback.CREDENTIALS_EMPTY)
            feedback.point_at(form, problem, empty)
    if problem is not None and not problem.fields:
        feedback.point_at(form, problem)
    return render(
        request,
        "securelogin/signin.html",
        {"form": form, "problem": problem, "next": next_url},
        status=200 if problem is None else 400,
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("securelogin:signin")


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    return render(
        request, "securelogin/home.html", {"device": services.active_device(request.user)}
    )


@login_required
def security_device(request: SignedInRequest) -> HttpResponse:
    device = services.active_device(request.user)
    return render(
        request,
        "securelogin/security_device.html",
        {
            "device": device,
            "emulator_url": emulator_url(request.user, device),
            "pending_token": device_assignment.pending_token(request.user),
            "temporary_access": temporary_access.has_temporary_access(request.user),
            "card_days": app_settings.CARD_DAYS,
        },
    )


@login_required
def start_task(request: SignedInRequest, purpose: str) -> HttpResponse:
    if purpose not in TASKS:
        from django.http import Http404

        raise Http404
    form = TASKS[purpose](request.POST or None)  # type: ignore[index]  # Purpose is a str enum
    if request.method == "POST" and form.is_valid():
        data = {key: str(value) for key, value in form.cleaned_data.items()}
        session_state.start_task(request.session, purpose, data)
        return redirect("securelogin:task_password")
    return render(
        request, "securelogin/task_form.html", {"form": form, "purpose": Challenge.Purpose(purpose)}
    )


@never_cache
@login_required
@sensitive_post_parameters("password")
def task_password(request: SignedInRequest) -> HttpResponse:
    """Step 1 of a step-up task (KB2260): user name and password again, then the device."""
    state = session_state.task(request.session)
    if state is None:
        messages.info(request, _("Please start the task again."))
        return redirect("securelogin:home")
    form = SigninForm(request.POST or None)
    problem = None
    if request.method == "POST":
        if form.is_valid():
            problem = confirm_task_password(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
            if problem is None:
                return redirect("securelogin:task_verify")
        else:
            problem = feedback.problem_from_form(form, default=feedback.BAD_CREDENTIALS)
    return render(
        request,
        "securelogin/task_password.html",
        {
            "form": SigninForm() if problem else form,
            "problem": problem,
            "purpose": Challenge.Purpose(state["kind"]),
        },
        status=200 if problem is None else 400,
    )
