"""Cache of rendered public pages of the knowledge base, correct on every worker and node.

Every key carries the content version, which lives in the shared cache
(Redis, or the embedded set-up's database cache): an edit committed on any
node sets a new version, so the very next request anywhere renders afresh.
Each process keeps the version it last read and is told of a new one at
once (version_watch.py: Redis pub/sub, or a stamp file beside the SQLite
database), so a cached page costs no round trip to a store.
Rendered pages are kept at two levels: in
this process's memory (a small LRU bounded in bytes, which skips the network
round trip and the unpickling of a large page) and in the shared cache (so
one worker's rendering serves all the others). Local copies belong to one
version only and are dropped as soon as a newer version is seen.

A version also names the next moment a scheduled article becomes visible
("token@epoch-seconds"). From that moment on the version is treated as gone:
the first request to notice draws a new one (which names the moment after),
and until every process has it pages are rendered, never served stale. So a
scheduled article appears at its moment with no extra process running.

When the shared cache is unreachable, pages are simply not cached: reading
articles keeps working, uncached, and resumes caching when it is back.
"""

import contextlib
import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import DatabaseError, transaction

from articles import version_watch
from articles.conf import app_settings
from portal.stores import CACHE_ERRORS

logger = logging.getLogger(__name__)
VERSION_KEY = "kb:content-version"
ROLL_KEY = "kb:publish-roll:{moment}"
UNKNOWN_SCHEDULE_SECONDS = 60


class LocalPages:
    """Pages of one content version in this process, least recently used dropped first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._bytes = 0

    def get(self, version: str, key: str) -> tuple | None:
        with self._lock:
            if version != self._version:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, version: str, key: str, page: tuple) -> None:
        size = len(page[0])
        limit = app_settings.PAGE_CACHE_LOCAL_BYTES
        if size > limit:
            return
        with self._lock:
            if version != self._version:
                self._version, self._pages, self._bytes = version, OrderedDict(), 0
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._pages[key] = page
            self._bytes += size
            while self._bytes > limit:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._version, self._pages, self._bytes = None, OrderedDict(), 0

    @property
    def size_in_bytes(self) -> int:
        return self._bytes


local_pages = LocalPages()


def read_content_version() -> str | None:
    """The current content version from the shared cache; None when the cache is unreachable."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = draw_version()
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY, version)
        return version
    except CACHE_ERRORS as exc:
        logger.warning("page cache unavailable, serving uncached: %s", type(exc).__name__)
        return None


def draw_version() -> str:
    """A new random version naming the next scheduled publishing moment, if there is one."""
    from articles.workflow import next_scheduled_publish

    token = secrets.token_hex(8)
    try:
        scheduled = next_scheduled_publish()
        moment = int(scheduled.timestamp()) if scheduled else None
    except DatabaseError:
        # The schedule cannot be read: the version lasts a minute, then the next request asks again.
        moment = int(time.time()) + UNKNOWN_SCHEDULE_SECONDS
    return f"{token}@{moment}" if moment else token


def scheduled_moment(version: str) -> int | None:
    """The epoch second a version stops being current (a scheduled article appears), or None."""
    _token, _at, moment = version.partition("@")
    return int(moment) if moment else None


def has_expired(version: str, now: float | None = None) -> bool:
    moment = scheduled_moment(version)
    return moment is not None and (now or time.time()) >= moment


def content_version() -> str | None:
    """The version for this request: from the watcher with Redis, else read from the shared cache.

    None (render, do not cache) while a version whose scheduled moment has passed is replaced.
    """
    watcher = version_watch.watcher()
    version = read_content_version() if watcher is None else watcher.current(read_content_version)
    if version is None or not has_expired(version):
        return version
    return _roll_scheduled(version)


def _roll_scheduled(version: str) -> str | None:
    """A scheduled article just became visible: one process draws the next version for all."""
    fresh = read_content_version()
    if fresh is None or not has_expired(fresh):
        return fresh
    try:
        if cache.add(ROLL_KEY.format(moment=scheduled_moment(fresh)), 1, timeout=60):
            _new_version()
            fresh = read_content_version()
    except CACHE_ERRORS:
        return None
    return fresh if fresh is not None and not has_expired(fresh) else None


def bump_content_version() -> None:
    """Start a new content version now and again once the edit is committed.

    Between the two, another request may render the old rows under the first new
    version; the second one, drawn after the commit, makes sure no such page is served.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, draw_version(), timeout=None)
        version_watch.announce_change()
    except CACHE_ERRORS as exc:
        # The shared cache is gone, and the pages cached there with it. When it comes back
        # empty a fresh version is drawn, so nothing stale survives either way.
        logger.warning(
            "could not record a content change in the page cache: %s", type(exc).__name__
        )


def page_key(version: str, host: str, path: str) -> str:
    """The key of a public page; the path carries the language (/en/…, /de/…)."""
    return f"kb:page:{version}:{host}:{path}"


def get_page(version: str, key: str) -> tuple | None:
    page = local_pages.get(version, key)
    if page is not None:
        return page
    try:
        page = cache.get(key)
    except CACHE_ERRORS:
        return None
    if page is not None:
        local_pages.put(version, key, page)
    return page


def store_page(version: str, key: str, page: tuple) -> None:
    local_pages.put(version, key, page)
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, page, timeout=app_settings.ARTICLE_CACHE_SECONDS)
