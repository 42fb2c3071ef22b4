"""NUL anywhere in a URL (path or query string) is never a page: 404 before any view, cache or
database sees it.

PostgreSQL refuses NUL in a string literal, so a lookup with it would be a 500;
no person can type one into an address or a search box, so only tools send it.
Form fields sent in a body are judged by the forms (control characters get a message).
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation


class RefuseNulInUrlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            # Runs before the page cache and LocaleMiddleware: the 404 page speaks the path's
            # language.
            translation.activate(translation.get_language_from_path(request.path_info) or "en")
            raise Http404("NUL in the URL")
        return self.get_response(request)
