"""Tell every process of every node at once that the content changed (Redis pub/sub).

With Redis as the shared cache, reading the content version on every request
would cost a network round trip per page view (it halved a cached page's
throughput). Instead each process keeps the version it last read, and a
background thread subscribed to one Redis channel forgets it the moment any
process announces a change, so the next request reads the new version.

Correctness never rests on the subscription alone:
- until the subscription is confirmed, and whenever it breaks (Redis gone),
  every request reads the version from the shared cache;
- a version read while a change notice arrives is not trusted (generations);
- the version is re-read at least every PAGE_CACHE_VERSION_RECHECK_SECONDS,
  which bounds staleness even if a notice were lost on a half-dead connection.
"""
import logging
import os
import threading
import time

import redis
from django.conf import settings

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


def channel():
    return f"{settings.CACHE_KEY_PREFIX}:kb:content-changed"


class VersionWatcher:
    def __init__(self, redis_url):
        self.redis_url = redis_url
        self.subscribed = False
        self.generation = 0  # increases with every change notice and every (re)subscription
        self._known = None  # (version, generation it was read in, monotonic time it was read)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="content-version-watch", daemon=True)
        self._thread.start()

    def current(self, read_version):
        known = self._known
        if (self.subscribed and known is not None and known[1] == self.generation
                and time.monotonic() - known[2] < settings.PAGE_CACHE_VERSION_RECHECK_SECONDS):
            return known[0]
        generation = self.generation  # taken before reading: a notice during the read makes it stale
        version = read_version()
        self._known = (version, generation, time.monotonic()) if version is not None else None
        return version

    def forget(self):
        """This process changed the content: don't wait for its own notice to come back."""
        self.generation += 1

    def stop(self):
        self._stop.set()

    def _listen(self):
        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=settings.STORE_TIMEOUT_SECONDS,
                                              socket_keepalive=True, health_check_interval=10)
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
                    logger.warning("content change notices paused (%s); reading the version on every request", type(exc).__name__)
                self.subscribed = False
                self.generation += 1
                self._stop.wait(RECONNECT_SECONDS)
        self.subscribed = False


_watcher = None
_watcher_pid = None
_lock = threading.Lock()


def watcher():
    """This process's watcher (started on first use, again after a fork), or None without Redis."""
    global _watcher, _watcher_pid
    if not settings.REDIS_URL or settings.PAGE_CACHE_VERSION_RECHECK_SECONDS <= 0:
        return None
    if _watcher_pid != os.getpid():
        with _lock:
            if _watcher_pid != os.getpid():
                _watcher, _watcher_pid = VersionWatcher(settings.REDIS_URL), os.getpid()
    return _watcher


def announce_change():
    """Publish a change notice; every watcher forgets its version. Errors reach the caller."""
    if _watcher is not None and _watcher_pid == os.getpid():
        _watcher.forget()
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=settings.STORE_TIMEOUT_SECONDS,
                                      socket_timeout=settings.STORE_TIMEOUT_SECONDS)
        try:
            client.publish(channel(), b"1")
        finally:
            client.close()
