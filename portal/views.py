"""Site-wide views: language redirect, robots.txt, health and readiness, public media, error
pages."""

import logging
import mimetypes
import posixpath
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.storage import storages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import csrf, defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from portal import stores
from portal.negotiation import wants_json

logger = logging.getLogger(__name__)


@require_GET
def root_redirect(request: HttpRequest) -> HttpResponse:
    """Send "/" to /en/ or /de/ by language cookie, then Accept-Language."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("articles:home"))
    response["Vary"] = "Accept-Language, Cookie"
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /en/admin/",
        "Disallow: /de/admin/",
        "Disallow: /en/portal/",
        "Disallow: /de/portal/",
        "Disallow: /en/documents/",
        "Disallow: /de/documents/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. Touches no store, so a load balancer never drops a node for a store's
    fault."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every store answers within STORE_TIMEOUT_SECONDS: 200 with one entry per store, else 503
    naming it."""
    results = stores.readiness()
    failing = [name for name, result in results.items() if not result["ok"]]
    response = JsonResponse(
        {"ready": not failing, "failing": failing, "stores": results},
        status=503 if failing else 200,
    )
    if failing:
        response["Retry-After"] = str(stores.RETRY_AFTER_SECONDS)
    return response


@require_GET
def serve_public_media(request: HttpRequest, path: str) -> FileResponse:
    """Public media (figures, renditions) streamed from the public store, local disk or S3.

    Names are content-derived (a new image gets a new name), so browsers keep them a day.
    """
    name = posixpath.normpath(path).lstrip("/")
    if not name or name.startswith("..") or "\x00" in name or name != path:
        raise Http404
    try:
        handle = storages["default"].open(name, "rb")
    except FileNotFoundError:
        raise Http404
    except stores.STORAGE_ERRORS as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise Http404
        raise
    content_type, _encoding = mimetypes.guess_type(name)
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _json_error(
    request: HttpRequest, status: int, message: str | Promise, language: str | None = None
) -> JsonResponse:
    """The error shape every JSON endpoint uses, in the language of the request's path."""
    language = (
        language or translation.get_language_from_path(request.path) or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        text = str(message)
    response = JsonResponse(
        {"ok": False, "error": text, "errors": {"__all__": [text]}}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(request, 404, gettext_lazy("Not found."))
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(request, 403, gettext_lazy("You are not allowed to do this."))
    return defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, or 413 when the body was over Django's limits (too many fields, too much form data)."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return _too_large(request, request.path)
    if wants_json(request):
        return _json_error(request, 400, gettext_lazy("The request could not be read."))
    return defaults.bad_request(request, exception)


@csrf_exempt  # changes nothing; nginx sends the refused request here as a GET
@never_cache
def request_too_large(request: HttpRequest) -> HttpResponse:
    """nginx's own 413 (a body over client_max_body_size, scripts/nginx.conf.template): the
    translated page for browsers, JSON for JSON clients, in the language of the refused address
    (X-Original-URI, set by nginx)."""
    return _too_large(request, request.headers.get("X-Original-URI", "") or request.path)


def _too_large(request: HttpRequest, path: str) -> HttpResponse:
    language = translation.get_language_from_path(path.split("?", 1)[0]) or settings.LANGUAGE_CODE
    message = gettext_lazy("What you sent is too large to receive. Send fewer or smaller files.")
    if wants_json(request):
        return _json_error(request, 413, message, language)
    with translation.override(language):
        html = render_to_string("413.html", {"LANGUAGE_CODE": language, "message": message})
    response = HttpResponse(html, status=413)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a script gets JSON it can show; a browser gets Django's page."""
    if wants_json(request):
        return _json_error(
            request, 403, gettext_lazy("This form has expired. Reload the page and try again.")
        )
    return csrf.csrf_failure(request, reason)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 "temporarily unavailable" when the cause is a store that has gone away.

    Rendered without the request's context processors: they may need the very store
    that failed (the session, the user).
    """
    exc = sys.exc_info()[1]
    language = translation.get_language_from_path(request.path) or settings.LANGUAGE_CODE
    response: HttpResponse
    with translation.override(language):
        if stores.is_store_outage(exc):
            logger.warning("store unavailable: %s on %s", type(exc).__name__, request.path)
            message = _(
                "The service is briefly unavailable, so nothing was saved. "
                "Please try again in a moment."
            )
            if wants_json(request):
                response = JsonResponse(
                    {"ok": False, "errors": {"__all__": [str(message)]}}, status=503
                )
            else:
                html = render_to_string("503.html", {"LANGUAGE_CODE": language, "message": message})
                response = HttpResponse(html, status=503)
            response["Retry-After"] = str(stores.RETRY_AFTER_SECONDS)
        elif wants_json(request):
            message = _("Something went wrong on our side. Please try again.")
            response = JsonResponse(
                {"ok": False, "error": message, "errors": {"__all__": [message]}}, status=500
            )
        else:
            html = render_to_string("500.html", {"LANGUAGE_CODE": language})
            response = HttpResponse(html, status=500)
    response["Cache-Control"] = "no-store"
    return response
