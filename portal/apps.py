from django.apps import AppConfig
from django.core import checks


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from portal.app_settings import check_every_app

        checks.register(check_every_app)
