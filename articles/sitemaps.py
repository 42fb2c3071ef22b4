"""sitemap.xml: every published article and the main pages, in both languages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article

if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self) -> Iterable:
        return Article.objects.published().order_by("kb_number")

    def lastmod(self, article: Article) -> datetime:
        return article.updated_at


class StaticPageSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:troubleshooter", "connectivity:test"]

    def location(self, item: Any) -> str:
        return reverse(item)
