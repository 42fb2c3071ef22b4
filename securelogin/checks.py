"""System checks of the staff sign-in's second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.core import checks

from .staff_signin import PortalAdminSite, otp_required

if TYPE_CHECKING:
    from typing import Any

    from django.core.checks import CheckMessage


@checks.register(checks.Tags.security, deploy=False)
def staff_second_factor(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not isinstance(admin.site, PortalAdminSite):
        problems.append(
            checks.Error(
                "The admin site is not securelogin's PortalAdminSite: staff sign-in has no "
                "second factor.",
                id="securelogin.E001",
            )
        )
    if "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            checks.Error(
                "django_otp.middleware.OTPMiddleware is missing: staff cannot be verified.",
                id="securelogin.E002",
            )
        )
    if settings.PRODUCTION and not settings.STAFF_OTP_REQUIRED:
        problems.append(
            checks.Info(
                "STAFF_OTP_REQUIRED=0 is ignored under DJANGO_ENV=production: staff always "
                "sign in with a TOTP code.",
                id="securelogin.I001",
            )
        )
    elif not otp_required():
        problems.append(
            checks.Warning(
                "Staff sign in to the admin without a second factor (STAFF_OTP_REQUIRED=0). "
                "Development only.",
                id="securelogin.W001",
            )
        )
    return problems
