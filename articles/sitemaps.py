"""sitemap.xml: every published article and the main pages, in both languages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().order_by("kb_number")

    def lastmod(self, article):
        return article.updated_at


class StaticPageSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        return ["articles:home", "articles:troubleshooter", "connectivity:test"]

    def location(self, item):
        return reverse(item)
