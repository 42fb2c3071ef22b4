"""NUL in a URL's path is never a page: 404 before any view, cache or database sees it.

PostgreSQL refuses NUL in a string literal, so a lookup with it would be a 500.
Query strings are left to the views' forms: the search copes with NUL (its
hostile-query tests), the portal's forms refuse control characters with a message.
"""
from django.http import Http404
from django.utils import translation


class RefuseNulInUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            # Runs before the page cache and LocaleMiddleware: the 404 page speaks the path's language.
            translation.activate(translation.get_language_from_path(request.path_info) or "en")
            raise Http404("NUL in the URL")
        return self.get_response(request)
