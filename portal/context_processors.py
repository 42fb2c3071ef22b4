"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request: HttpRequest) -> dict[str, Any]:
    """Language alternates of the current page, for the switcher and hreflang links."""
    path = request.get_full_path()
    current = get_language()
    alternates = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],  # "Deutsch" in every language
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates}
