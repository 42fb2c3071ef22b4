"""The page cache: bounded memory per process, one version shared by all, no outage errors."""

import os
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from articles import page_cache, version_watch
from articles.page_cache import LocalPages

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the change notices need Redis (REDIS_URL)"
)


def page(size):
    return (b"x" * size, [("Content-Type", "text/html")])


def test_local_pages_stay_within_their_byte_budget_dropping_the_least_recently_used(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 1000
    pages = LocalPages()
    for name in "abcd":
        pages.put("v1", name, page(300))
    assert pages.size_in_bytes == 900
    assert pages.get("v1", "a") is None  # the oldest went to make room for d
    assert pages.get("v1", "b") is not None  # b is now the most recently used
    pages.put("v1", "e", page(300))
    assert pages.get("v1", "c") is None and pages.get("v1", "b") is not None
    pages.put("v1", "huge", page(2000))  # larger than the budget: not kept at all
    assert pages.get("v1", "huge") is None and pages.size_in_bytes == 900


def test_a_new_version_drops_every_page_of_the_old_one(settings):
    pages = LocalPages()
    pages.put("v1", "a", page(10))
    assert pages.get("v2", "a") is None
    pages.put("v2", "b", page(10))
    assert pages.get("v1", "a") is None and pages.size_in_bytes == 10


@pytest.mark.django_db
def test_an_edit_sets_a_new_version_now_and_again_after_commit(
    make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    before = page_cache.read_content_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.title_en = "Changed"
        article.save()
    during = page_cache.read_content_version()
    assert during != before
    for callback in callbacks:
        callback()
    assert page_cache.read_content_version() not in (before, during)


@pytest.mark.django_db
def test_articles_are_served_uncached_while_the_shared_cache_is_gone(
    client, make_article, monkeypatch
):
    make_article(title_en="Still readable")
    assert client.get("/en/articles/demo-article/").status_code == 200

    def gone(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    for name in ("get", "set", "add"):
        monkeypatch.setattr(page_cache.cache, name, gone)
    page_cache.local_pages.clear()
    version_watch.forget()
    response = client.get("/en/articles/demo-article/")
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
    assert page_cache.local_pages.size_in_bytes == 0  # nothing cached without a version


@needs_redis
@pytest.mark.django_db
def test_a_change_announced_by_another_process_reaches_this_one_within_milliseconds():
    import subprocess
    import sys

    watcher = version_watch.watcher()
    deadline = time.monotonic() + 5
    while not watcher.subscribed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watcher.subscribed
    version = watcher.current(page_cache.read_content_version)
    assert watcher.current(lambda: pytest.fail("read again although nothing changed")) == version
    generation = watcher.generation
    code = (
        "import django; django.setup(); from articles import page_cache; page_cache._new_version()"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"},
        cwd=settings.BASE_DIR,
    )
    started = time.monotonic()
    while watcher.generation == generation and time.monotonic() - started < 2:
        time.sleep(0.001)
    assert watcher.generation != generation, "no change notice within 2 s"
    assert (
        watcher.current(page_cache.read_content_version)
        == cache.get(page_cache.VERSION_KEY)
        != version
    )


@needs_redis
@pytest.mark.django_db
def test_a_lost_notice_is_made_good_within_the_recheck_bound(settings):
    """Even a change nobody announced (a notice lost on a dying connection) is seen in time."""
    settings.PAGE_CACHE_VERSION_RECHECK_SECONDS = 0.3
    watcher = version_watch.watcher()
    deadline = time.monotonic() + 5
    while not watcher.subscribed and time.monotonic() < deadline:
        time.sleep(0.01)
    old = watcher.current(page_cache.read_content_version)
    cache.set(page_cache.VERSION_KEY, "silently-changed", timeout=None)  # no announcement
    assert (
        watcher.current(page_cache.read_content_version) == old
    )  # within the bound: still the known one
    time.sleep(0.35)
    assert watcher.current(page_cache.read_content_version) == "silently-changed"


@pytest.mark.django_db
@pytest.mark.skipif(
    bool(settings.REDIS_URL) or "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="the stamp file is the embedded set-up's notice (SQLite without Redis)",
)
def test_on_sqlite_a_change_replaces_the_stamp_and_every_process_reads_again(settings):
    """The stamp file beside the database is what other worker processes stat on each request."""
    watcher = version_watch.watcher()
    assert isinstance(watcher, version_watch.StampFileVersionWatcher)
    reads = []

    def read():
        reads.append(1)
        return page_cache.read_content_version()

    first = watcher.current(read)
    assert watcher.current(read) == first and len(reads) == 1  # known: no read
    other_process = version_watch.StampFileVersionWatcher(
        watcher.path
    )  # another worker's view of the same file
    assert other_process.current(read) == first and len(reads) == 2
    stamp = watcher.path.stat().st_ino
    page_cache._new_version()
    assert watcher.path.stat().st_ino != stamp
    second = other_process.current(read)
    assert second != first and len(reads) == 3  # the other worker noticed the new stamp at once


@pytest.mark.django_db
@pytest.mark.skipif(
    bool(settings.REDIS_URL) or "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="the stamp file is the embedded set-up's notice (SQLite without Redis)",
)
def test_on_sqlite_a_change_nobody_announced_is_seen_within_the_recheck_bound(settings):
    settings.PAGE_CACHE_VERSION_RECHECK_SECONDS = 0.3
    watcher = version_watch.watcher()
    old = watcher.current(page_cache.read_content_version)
    cache.set(page_cache.VERSION_KEY, "silently-changed", timeout=None)
    assert watcher.current(page_cache.read_content_version) == old
    time.sleep(0.35)
    assert watcher.current(page_cache.read_content_version) == "silently-changed"


def test_without_a_subscription_every_request_reads_the_version(settings):
    settings.PAGE_CACHE_VERSION_RECHECK_SECONDS = 60
    watcher = version_watch.RedisVersionWatcher.__new__(
        version_watch.RedisVersionWatcher
    )  # no thread: never subscribed
    watcher.subscribed, watcher.generation, watcher._known = False, 0, None
    reads = []
    for _ in range(3):
        watcher.current(lambda: reads.append(1) or "v")
    assert len(reads) == 3
