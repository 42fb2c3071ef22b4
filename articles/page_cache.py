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

When the shared cache is unreachable, pages are simply not cached: reading
articles keeps working, uncached, and resumes caching when it is back.
"""
import contextlib
import logging
import secrets
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from articles import version_watch
from portal.stores import CACHE_ERRORS

logger = logging.getLogger(__name__)
VERSION_KEY = "kb:content-version"


class LocalPages:
    """Pages of one content version in this process, least recently used dropped first."""

    def __init__(self):
        self._lock = threading.Lock()
        self._version = None
        self._pages = OrderedDict()
        self._bytes = 0

    def get(self, version, key):
        with self._lock:
            if version != self._version:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, version, key, page):
        size = len(page[0])
        limit = settings.PAGE_CACHE_LOCAL_BYTES
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

    def clear(self):
        with self._lock:
            self._version, self._pages, self._bytes = None, OrderedDict(), 0

    @property
    def size_in_bytes(self):
        return self._bytes


local_pages = LocalPages()


def read_content_version():
    """The current content version from the shared cache; None when the cache is unreachable."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY, version)
        return version
    except CACHE_ERRORS as exc:
        logger.warning("page cache unavailable, serving uncached: %s", type(exc).__name__)
        return None


def content_version():
    """The version for this request: from the watcher with Redis, else read from the shared cache."""
    watcher = version_watch.watcher()
    if watcher is None:
        return read_content_version()
    return watcher.current(read_content_version)


def bump_content_version():
    """Start a new content version now and again once the edit is committed.

    Between the two, another request may render the old rows under the first new
    version; the second one, drawn after the commit, makes sure no such page is served.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version_watch.announce_change()
    except CACHE_ERRORS as exc:
        # The shared cache is gone, and the pages cached there with it. When it comes back
        # empty a fresh version is drawn, so nothing stale survives either way.
        logger.warning("could not record a content change in the page cache: %s", type(exc).__name__)


def page_key(version, host, path):
    """The key of a public page; the path carries the language (/en/…, /de/…)."""
    return f"kb:page:{version}:{host}:{path}"


def get_page(version, key):
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


def store_page(version, key, page):
    local_pages.put(version, key, page)
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, page, timeout=settings.ARTICLE_CACHE_SECONDS)
