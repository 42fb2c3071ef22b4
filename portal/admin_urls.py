"""The extra pages a ModelAdmin serves next to its own: each behind the admin site's sign-in and
permission check (admin_view), named for reverse()."""

from collections.abc import Callable
from typing import Any

from django.contrib.admin import ModelAdmin
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path

# (route, view, URL name)
Page = tuple[str, Callable[..., HttpResponseBase], str]


def admin_pages(model_admin: ModelAdmin[Any], *pages: Page) -> list[URLPattern]:
    """URL patterns for `pages` of `model_admin`, to put before its own get_urls()."""
    protect = model_admin.admin_site.admin_view
    return [path(route, protect(view), name=name) for route, view, name in pages]
