"""Serve cached public knowledge-base pages before the rest of the middleware.

Views mark a response as public and cacheable (`mark_public`); on the way
out this middleware stores its body and headers (CSP, framing, language)
under the request's host and path and the content version. The next
anonymous GET for the same page is answered from the cache without
sessions, CSRF, URL resolving or templates. Any edit of the content sets a
new version in the shared cache once it is committed (articles.signals), so
no worker on any node serves a stale page (page_cache.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from articles import page_cache, view_counts

if TYPE_CHECKING:
    from collections.abc import Callable

HOP_HEADERS = {"content-length", "set-cookie"}
# Paths whose views never answer with a public page: they skip the content-version read.
NEVER_PUBLIC = ("/healthz", "/readyz", "/media/", "/static/", "/i18n/")
NEVER_PUBLIC_SECTIONS = {"admin", "portal", "documents"}


def may_be_public(path: str) -> bool:
    if path.startswith(NEVER_PUBLIC):
        return False
    parts = path.split("/", 3)  # "", "en", "admin", …
    return not (len(parts) > 2 and parts[2] in NEVER_PUBLIC_SECTIONS)


def mark_public(response: HttpResponse) -> HttpResponse:
    response.public_page = True  # type: ignore[attr-defined]  # read by the page cache below
    return response


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cacheable_request = (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and may_be_public(request.path)
        )
        version = page_cache.content_version() if cacheable_request else None
        host = request.get_host() if version is not None else ""
        if version is not None:
            key = page_cache.page_key(version, host, request.path)
            cached = page_cache.get_page(version, key)
            if cached is not None:
                content, headers = cached
                response = HttpResponse(b"" if request.method == "HEAD" else content)
                for name, value in headers:
                    response[name] = value
                if request.method == "GET":
                    view_counts.count_view(request.path, request.META.get("HTTP_REFERER", ""), host)
                return response
        response = self.get_response(request)
        if (
            version is not None
            and getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in HOP_HEADERS
            ]
            page_cache.store_page(version, key, (response.content, headers))
        if (
            cacheable_request
            and request.method == "GET"
            and getattr(response, "public_page", False)
            and response.status_code == 200
        ):
            view_counts.count_view(
                request.path, request.META.get("HTTP_REFERER", ""), host or request.get_host()
            )
        return response
