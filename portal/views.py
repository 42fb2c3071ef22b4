"""Site-wide views: language redirect, robots.txt, health check, error pages."""
from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve


@require_GET
def root_redirect(request):
    """Send "/" to /en/ or /de/ by language cookie, then Accept-Language."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("articles:home"))
    response["Vary"] = "Accept-Language, Cookie"
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
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
def favicon(request):
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def serve_public_media(request, path):
    """Public media (article figures) for the embedded set-up, cached by browsers."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
