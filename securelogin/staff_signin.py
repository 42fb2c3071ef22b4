"""Staff sign-in to the admin: password and a TOTP code (django-otp's admin site),
throttled and audited like the clients' sign-in.

Staff can issue a temporary code that replaces any client's device, so the
admin is at least as well guarded as the Client Portal. In development
STAFF_OTP_REQUIRED=0 may relax the TOTP step for `make run`; under
DJANGO_ENV=production it is always required (see checks.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import feedback, limits, services
from .models import AuditEvent

if TYPE_CHECKING:
    from typing import Any

Reason = AuditEvent.Reason
OTP_ERROR_CODES = {
    "token_required",
    "invalid_token",
    "device_required",
    "n_failed_attempts",
    "challenge_exception",
    "challenge_message",
    "not_interactive",
}


def otp_required() -> bool:
    return settings.PRODUCTION or settings.STAFF_OTP_REQUIRED


class ThrottledAuditedLogin(AdminAuthenticationForm):
    """Mixin for the admin's login forms: the try is counted per (source, user name)
    and source before anything is checked, and every outcome is audited."""

    def clean(self) -> Any:
        username = (self.data.get("username") or "")[:150]
        ip = services.client_ip(self.request)
        wait = limits.admit_password_try(ip, username)
        if wait:
            services.audit(
                AuditEvent.Kind.REFUSED,
                username=username,
                request=self.request,
                purpose="admin",
                reason=Reason.THROTTLED,
            )
            raise ValidationError(feedback.throttled(wait).message, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            codes = {getattr(e, "code", None) for e in error.error_list}
            services.audit(
                AuditEvent.Kind.ADMIN_FAILURE,
                user=self.user_cache,
                username=username,
                request=self.request,
                purpose="admin",
                reason=Reason.OTP if codes & OTP_ERROR_CODES else Reason.PASSWORD,
            )
            raise
        limits.password_accepted(ip, username)
        services.audit(
            AuditEvent.Kind.ADMIN_SIGNIN,
            user=self.get_user(),
            request=self.request,
            purpose="admin",
            reason=Reason.ADMIN,
        )
        return cleaned


class StaffPasswordOnlyForm(ThrottledAuditedLogin, AdminAuthenticationForm):
    """Development with STAFF_OTP_REQUIRED=0 only."""


class StaffTOTPForm(ThrottledAuditedLogin, OTPAdminAuthenticationForm):
    def clean_otp(self, user: User) -> Any:
        """A staff member with one TOTP device need not pick it from the list first."""
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)[:2])
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        return super().clean_otp(user)


class PortalAdminSite(OTPAdminSite):
    """The admin under its usual name ("admin"), with the TOTP step unless relaxed in
    development."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self) -> Any:
        return StaffTOTPForm if otp_required() else StaffPasswordOnlyForm

    @property
    def login_template(self) -> Any:
        return OTPAdminSite.login_template if otp_required() else None

    def has_permission(self, request: HttpRequest) -> bool:
        if otp_required():
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)


class EnrolmentRefused(Exception):
    """No such staff member, or one already enrolled (without `replace`)."""


def enrol_staff_totp(username: str, *, replace: bool = False) -> TOTPDevice:
    """Give the staff member `username` a new confirmed TOTP device for the admin sign-in."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise EnrolmentRefused(f"No user named {username!r}.")
    if not user.is_staff:
        raise EnrolmentRefused(f"{username!r} is not staff: only staff sign in to the admin.")
    with transaction.atomic():
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise EnrolmentRefused(
                f"{username!r} already has a TOTP device; use --replace to enrol a new one."
            )
        existing.delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
