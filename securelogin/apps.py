from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecureloginConfig(AppConfig):
    name = "securelogin"
    verbose_name = _("Secure sign-in")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
