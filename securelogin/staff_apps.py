"""App configs of the admin and of django-otp's TOTP plugin, as staff sign-in needs them (kept out
of apps.py, which may declare one config only)."""

from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the TOTP-guarded, throttled and audited site as admin.site."""

    default_site = "securelogin.staff_signin.PortalAdminSite"


class StaffAuthenticatorAppsConfig(TOTPConfig):
    """django-otp's TOTP plugin under translated names: it names its app and model without
    gettext, so the German admin said "TOTP devices" and "Otp_Totp"."""

    verbose_name = _("Staff sign-in apps")

    def ready(self) -> None:
        model = self.get_model("TOTPDevice")
        # Display names only: migrations read _meta.original_attrs, which keep django-otp's.
        model._meta.verbose_name = _("authenticator app (TOTP)")
        model._meta.verbose_name_plural = _("authenticator apps (TOTP)")
