"""Deterministic budgets: SQL queries and bytes per article page."""

import gzip
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from articles.models import Figure, Step

pytestmark = pytest.mark.django_db
MAX_QUERIES = 6
MAX_COMPRESSED_BYTES = 60 * 1024


def png_bytes(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def add_figures(article, count):
    steps = list(Step.objects.filter(section__article=article))
    for number in range(1, count + 1):
        figure = Figure(
            article=article,
            number=str(number),
            order=number,
            step=steps[number % len(steps)],
            alt_text_en="A drawing",
            alt_text_de="Eine Zeichnung",
        )
        figure.image_en.save(f"f{number}.png", ContentFile(png_bytes()), save=False)
        figure.save()


CACHE_TABLE = (
    settings.CACHES["default"].get("LOCATION")
    if "Database" in settings.CACHES["default"]["BACKEND"]
    else None
)


def split_queries(captured):
    """(content queries, queries of the embedded set-up's cache table)."""
    # The database cache wraps each write in a savepoint; those belong to the cache too.
    cache_queries = [
        q for q in captured if CACHE_TABLE and (CACHE_TABLE in q["sql"] or "SAVEPOINT" in q["sql"])
    ]
    return [q for q in captured if q not in cache_queries], cache_queries


@pytest.mark.parametrize("sections,steps,figures", [(1, 2, 1), (12, 10, 30)])
def test_article_page_costs_a_fixed_number_of_queries(
    client, make_article, sections, steps, figures
):
    article = make_article(sections=sections, steps=steps)
    related = make_article(kb="KB902", slug="other")
    article.related.add(related)
    add_figures(article, figures)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/articles/{article.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="step"') == sections * steps
    content, _cache = split_queries(captured.captured_queries)
    assert len(content) <= MAX_QUERIES, [q["sql"] for q in content]


def test_cached_article_page_needs_no_query(client, make_article):
    """The page and the content version both come from this process's memory; a change
    notice (version_watch.py) is what makes it read the version again."""
    make_article()
    client.get("/de/articles/demo-article/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/de/articles/demo-article/").status_code == 200
    assert captured.captured_queries == []


def test_largest_article_page_stays_under_60_kb_compressed_without_external_requests(
    client, help_content
):
    html = client.get("/de/articles/challenge-response/").content
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:css|js|svg))"', html)
    assert assets, "the page should use the site's own CSS and JS"
    total = len(gzip.compress(html))
    for asset in set(assets):
        path = Path(settings.BASE_DIR, "static", asset.decode().removeprefix("/static/"))
        total += len(gzip.compress(path.read_bytes()))
    assert total < MAX_COMPRESSED_BYTES, f"{total} bytes compressed"
    # Nothing is loaded from another host: every src and stylesheet is local.
    assert not re.search(rb'src="(?:https?:)?//', html)
    assert not re.search(rb'<link rel="stylesheet" href="(?:https?:)?//', html)
    for css in Path(settings.BASE_DIR, "static").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css.read_text()), css
        assert "@import" not in css.read_text()
