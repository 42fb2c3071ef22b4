"""The admin app with securelogin's staff sign-in (kept out of apps.py, which may declare one config
only)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the TOTP-guarded, throttled and audited site as admin.site."""

    default_site = "securelogin.staff_signin.PortalAdminSite"
