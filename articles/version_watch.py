"""Tell every process at once that the content changed, so no request has to ask.

The content version lives in the shared cache (page_cache.py). Reading it on
every request costs a Redis round trip (it halved a cached page's
throughput) or a SQLite query. Instead each process keeps the version it last
read and learns of a change through a notice:
- with Redis (any number of nodes): a background thread subscribed to one
  Redis channel; every change is published there;
- on SQLite (one machine by construction): a stamp file next to the database,
  replaced on every change; a request compares its inode and mtime (one stat).
Without either (PostgreSQL without Redis) every request reads the version.

Correctness never rests on the notice alone:
- until a Redis subscription is confirmed, and whenever it breaks, every
  request reads the version;
- a version read while a notice arrives is not trusted (generations, stamps);
- the version is re-read at least every PAGE_CACHE_VERSION_RECHECK_SECONDS,
  which bounds staleness even if a notice were lost.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import redis
from django.conf import settings
from django.db import connection

from articles.conf import app_settings

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


def channel() -> str:
    return f"{settings.CACHE_KEY_PREFIX}:kb:content-changed"


class RedisVersionWatcher:
    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.subscribed = False
        self.generation = 0  # increases with every change notice and every (re)subscription
        # (version, generation it was read in, monotonic time it was read)
        self._known: tuple[str, int, float] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._listen, name="content-version-watch", daemon=True
        )
        self._thread.start()

    def current(self, read_version: Callable[[], str | None]) -> str | None:
        known = self._known
        if (
            self.subscribed
            and known is not None
            and known[1] == self.generation
            and time.monotonic() - known[2] < app_settings.PAGE_CACHE_VERSION_RECHECK_SECONDS
        ):
            return known[0]
        generation = (
            self.generation
        )  # taken before reading: a notice during the read makes it stale
        version = read_version()
        self._known = (version, generation, time.monotonic()) if version is not None else None
        return version

    def forget(self) -> None:
        """This process changed the content (or a test emptied the cache): read it again."""
        self.generation += 1

    def announce(self) -> None:
        client = redis.Redis.from_url(
            self.redis_url,
            socket_connect_timeout=settings.STORE_TIMEOUT_SECONDS,
            socket_timeout=settings.STORE_TIMEOUT_SECONDS,
        )
        try:
            client.publish(channel(), b"1")
        finally:
            client.close()

    def stop(self) -> None:
        self._stop.set()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=settings.STORE_TIMEOUT_SECONDS,
                    socket_keepalive=True,
                    health_check_interval=10,
                )
                pubsub = client.pubsub()
                pubsub.subscribe(channel())
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        pubsub.check_health()
                        continue
                    if message["type"] == "subscribe":
                        self.subscribed = True
                    self.generation += 1
            except Exception as exc:  # noqa: BLE001 — any failure: fall back to reading every time, then retry
                if self.subscribed:
                    logger.warning(
                        "content change notices paused (%s); reading the version on every request",
                        type(exc).__name__,
                    )
                self.subscribed = False
                self.generation += 1
                self._stop.wait(RECONNECT_SECONDS)
        self.subscribed = False


class StampFileVersionWatcher:
    """SQLite: every worker is on the machine that holds the database file, so a file beside it
    is shared by all of them. A change replaces the file (new inode); a stat tells."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # (version, stamp it was read under, monotonic time it was read)
        self._known: tuple[str, tuple, float] | None = None

    def _stamp(self) -> tuple | None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_mtime_ns

    def current(self, read_version: Callable[[], str | None]) -> str | None:
        stamp = (
            self._stamp()
        )  # taken before reading: a change during the read shows in the next stat
        if stamp is None:  # the first request since the database was made
            self.announce()
            stamp = self._stamp()
        known = self._known
        if (
            known is not None
            and stamp is not None
            and known[1] == stamp
            and time.monotonic() - known[2] < app_settings.PAGE_CACHE_VERSION_RECHECK_SECONDS
        ):
            return known[0]
        version = read_version()
        self._known = (
            (version, stamp, time.monotonic())
            if version is not None and stamp is not None
            else None
        )
        return version

    def forget(self) -> None:
        self._known = None

    def announce(self) -> None:
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(str(time.time_ns()).encode())
        os.replace(temporary, self.path)


def stamp_path() -> Path:
    """Beside the database file; for an in-memory database (the tests) in the temporary folder,
    never in the working directory."""
    if connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite backend only
        name = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"portal-{os.getpid()}-{name}.kb-version"
    return Path(f"{connection.settings_dict['NAME']}.kb-version")


_watcher = None
_watcher_key = None
_lock = threading.Lock()


def watcher() -> RedisVersionWatcher | None | StampFileVersionWatcher:
    """This process's watcher (made on first use, again after a fork or a database change), or None.

    Called on every cacheable request: the check that the watcher still fits is a tuple comparison.
    """
    global _watcher, _watcher_key
    if app_settings.PAGE_CACHE_VERSION_RECHECK_SECONDS <= 0:
        return None
    if settings.REDIS_URL:
        key = (os.getpid(), settings.REDIS_URL)
    elif connection.vendor == "sqlite":
        key = (os.getpid(), connection.settings_dict["NAME"])
    else:
        return None
    if _watcher_key != key:
        with _lock:
            if _watcher_key != key:
                if isinstance(_watcher, RedisVersionWatcher) and _watcher_key[0] == os.getpid():
                    _watcher.stop()
                _watcher = (
                    RedisVersionWatcher(settings.REDIS_URL)
                    if settings.REDIS_URL
                    else StampFileVersionWatcher(stamp_path())
                )
                _watcher_key = key
    return _watcher


def forget() -> None:
    """Make this process read the version again on its next request."""
    if _watcher is not None:
        _watcher.forget()


def announce_change() -> None:
    """Tell every process that the version changed. Errors reach the caller."""
    current = watcher()
    if current is not None:
        current.forget()
        current.announce()
