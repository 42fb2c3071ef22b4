"""URL map: language-neutral endpoints first, then /en/… and /de/… pages."""

import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles.sitemaps import ArticleSitemap, StaticPageSitemap
from portal import views

sitemaps = {"articles": ArticleSitemap, "pages": StaticPageSitemap}

urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("errors/request-too-large", views.request_too_large, name="request_too_large"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("portal/", include("securelogin.urls")),
    path("documents/", include("documents.urls")),
    path("connectivity/", include("connectivity.urls")),
    path("", include("articles.urls")),
    prefix_default_language=True,
)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(re.escape(settings.MEDIA_URL.lstrip("/"))),
            views.serve_public_media,
            name="media",
        )
    ]
