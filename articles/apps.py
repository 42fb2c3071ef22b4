from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Help articles")

    def ready(self) -> None:
        from articles import history, signals  # noqa: F401
