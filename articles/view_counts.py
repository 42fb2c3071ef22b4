"""Counting views of article pages and troubleshooter situations, without slowing them down.

A view is added to a small tally in this process and the tally is added to counters in the
shared cache (portal/counters.py) at most every VIEW_COUNT_PUSH_SECONDS (so a cached page
costs no round trip to a store per view); whichever request first finds the database flush
due (VIEW_COUNT_FLUSH_SECONDS, one process at a time) moves the shared counters into
PageViewDay rows in one transaction. The request itself only tallies (day, path, Referer,
host); which page that is, and whether the reader moved on from a situation, is worked out
once per distinct entry when the tally is pushed. No IP address, user, cookie or time of a
single view is stored: only counts per page, language and day (in TIME_ZONE). A situation
page opened from another situation page counts as "moved on" for the one the reader came
from (its Referer path).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from articles.conf import app_settings
from portal import counters
from portal.stores import CACHE_ERRORS

if TYPE_CHECKING:
    from typing import Any

logger = logging.getLogger(__name__)
ARTICLE_PATH = re.compile(r"^/(?P<language>[a-z]{2})/articles/(?P<name>[-\w]+)/$")
SITUATION_PATH = re.compile(r"^/(?P<language>[a-z]{2})/help/cannot-sign-in/(?P<name>[-\w]+)/$")
PREFIX = "kb:views"
KEEP_SECONDS = 3 * 86400
FLUSH_LOCK = f"{PREFIX}:flush"
DAYS_FLUSHED = 3


def page_of(path: str) -> tuple | None:
    """("article", slug, language) or ("situation", anchor, language), or None for other pages."""
    for kind, pattern in (("article", ARTICLE_PATH), ("situation", SITUATION_PATH)):
        match = pattern.match(path)
        if match:
            return kind, match["name"], match["language"]
    return None


class _Config:
    """The two settings read on every view, kept as plain attributes (LazySettings costs more)."""

    def __init__(self) -> None:
        self.load()

    def load(self) -> None:
        self.counting = app_settings.VIEW_COUNTING
        self.push_seconds = app_settings.VIEW_COUNT_PUSH_SECONDS


config = _Config()


@receiver(setting_changed)
def _reload(setting: str, **kwargs: Any) -> None:
    if setting in ("VIEW_COUNTING", "VIEW_COUNT_PUSH_SECONDS"):
        config.load()


class Tally:
    """This process's counts since it last added them to the shared cache."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple] = Counter()
        self._pushed_at = time.monotonic()

    def add(self, key: tuple) -> bool:
        """Count one; True when the tally is due for the shared cache."""
        with self._lock:
            self._counts[key] += 1
            return time.monotonic() - self._pushed_at >= config.push_seconds

    def take(self) -> Counter:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._pushed_at = time.monotonic()
            return counts


tally = Tally()


class _Today:
    """Today's date in TIME_ZONE as text, recomputed once a minute (a view must stay cheap)."""

    def __init__(self) -> None:
        self._text, self._until = "", 0.0

    def __call__(self) -> str:
        now = time.time()
        if now >= self._until:
            self._text = time.strftime("%Y-%m-%d", time.localtime(now))
            self._until = min(now + 60, _next_midnight(now))
        return self._text


def _next_midnight(now: float) -> float:
    local = time.localtime(now)
    return now + 86400 - (local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec)


today = _Today()
SITUATION_MARK = "/help/cannot-sign-in/"


def count_view(path: str, referer: str = "", host: str = "") -> None:
    """Count a view of a public page with status 200 (any other page is ignored)."""
    if not config.counting:
        return
    if SITUATION_MARK not in referer:
        referer = host = ""  # only a situation page's Referer matters: keep the tally small
    if tally.add((today(), path, referer, host)):
        push()


def page_counts(views: Counter) -> Counter:
    """The tally of (day, path, Referer, host) as counts of ("views" | "moved", day, kind, page,
    language); paths that are no counted page drop out."""
    counts: Counter[tuple] = Counter()
    for (day, path, referer, host), amount in views.items():
        page = page_of(path)
        if page is None:
            continue
        counts[("views", day, *page)] += amount
        if referer:
            parts = urlsplit(referer)
            came_from = page_of(parts.path) if parts.netloc == host and parts.path != path else None
            if came_from is not None and came_from[0] == "situation":
                counts[("moved", day, *came_from)] += amount
    return counts


def _index_key(day: str) -> str:
    return f"{PREFIX}:index:{day}"


def _add_to_shared(counts: Counter) -> None:
    for key, amount in counts.items():
        name = f"{PREFIX}:" + "|".join(key)
        if counters.add(name, amount, KEEP_SECONDS):
            # The counter is new: list it under its day so the flush finds it.
            index = _index_key(key[1])
            cache.set(f"{index}:{counters.hit(index, KEEP_SECONDS)}", name, timeout=KEEP_SECONDS)


def push() -> None:
    """Add this process's tally to the shared counters; flush them to the database when due."""
    try:
        _add_to_shared(page_counts(tally.take()))
        if cache.add(FLUSH_LOCK, 1, timeout=app_settings.VIEW_COUNT_FLUSH_SECONDS):
            flush_to_database()
    except CACHE_ERRORS as error:
        # Reading must keep working without the shared cache; these few counts are lost.
        logger.warning("view counts not kept: %s", type(error).__name__)


def flush_to_database(today: date | None = None) -> int:
    """Move the shared counters of the last days into PageViewDay; returns the views moved."""
    today = today or date.fromisoformat(time.strftime("%Y-%m-%d", time.localtime()))
    names = []
    for offset in range(DAYS_FLUSHED):
        index = _index_key((today - timedelta(days=offset)).isoformat())
        listed = cache.get(index) or 0
        names += [
            name for name in cache.get_many([f"{index}:{n}" for n in range(1, listed + 1)]).values()
        ]
    values = {name: value for name, value in cache.get_many(names).items() if value}
    if not values:
        return 0
    rows: Counter[tuple] = Counter()
    for name, value in values.items():
        what, day, kind, page, language = name[len(PREFIX) + 1 :].split("|")
        rows[(kind, page, language, day, what)] += value
    _write_rows(rows)
    for name, value in values.items():
        counters.take(name, value)
    return sum(value for (*_rest, what), value in rows.items() if what == "views")


def _write_rows(rows: Counter) -> None:
    from articles.models import Article, PageViewDay

    slugs = {page for kind, page, *_rest in rows if kind == "article"}
    article_ids = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    guide = Article.objects.filter(kb_number=app_settings.TROUBLESHOOTING_ARTICLE_KB).values_list(
        "pk", flat=True
    )
    guide_id = guide.first()
    with transaction.atomic():
        for (kind, page, language, day, what), amount in rows.items():
            article_id = article_ids.get(page) if kind == "article" else guide_id
            if article_id is None:
                continue  # an article deleted or renamed since: its views go nowhere
            anchor = "" if kind == "article" else page
            field = "views" if what == "views" else "moved_on"
            where = {"article_id": article_id, "anchor": anchor, "language": language, "day": day}
            if not PageViewDay.objects.filter(**where).update(**{field: F(field) + amount}):
                _, created = PageViewDay.objects.get_or_create(**where, defaults={field: amount})
                if not created:
                    PageViewDay.objects.filter(**where).update(**{field: F(field) + amount})


def flush_now() -> None:
    """Everything counted so far, in the database (staff reading the dashboard, tests)."""
    try:
        _add_to_shared(page_counts(tally.take()))
        flush_to_database()
    except CACHE_ERRORS as error:
        logger.warning("view counts not flushed: %s", type(error).__name__)
