"""The stores every node depends on (database, shared cache, file storage): their errors and
readiness.

A node keeps nothing another node needs, so a store that has gone away makes
the request fail with the site's own "temporarily unavailable" page (503,
Retry-After; see portal.views.server_error) and the node recovers by itself
once the store is back: database connections are health-checked, Redis
connections reconnect, S3 requests are independent.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from storages.backends.s3 import S3Storage

DATABASE_ERRORS = (OperationalError, InterfaceError)
# The shared cache is Redis, or a table in the database (embedded set-up).
CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError, DatabaseError)
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)
# Errors that mean "a store is unreachable", not "this request is wrong".
UNAVAILABLE_ERRORS = (*DATABASE_ERRORS, RedisConnectionError, RedisTimeoutError, BotoCoreError)

RETRY_AFTER_SECONDS = 10


def is_store_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def _timed(check: Callable[[], object]) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready"; the kind is reported
        return {
            "ok": False,
            "error": type(exc).__name__,
            "ms": round((time.perf_counter() - start) * 1000, 1),
        }
    return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def check_storage(alias: str) -> Callable[[], None]:
    def check() -> None:
        storage = storages[alias]
        if isinstance(storage, S3Storage):  # S3: one HEAD request on the bucket
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        else:
            storage.exists("readyz")  # a stat() on the folder; creates nothing

    return check


def readiness() -> dict[str, dict[str, Any]]:
    """{store: {"ok", "ms", "error"?}} for the database, the shared cache and both file stores."""
    checks = {
        "database": check_database,
        "cache": check_cache,
        "public_files": check_storage("default"),
        "private_files": check_storage("private"),
    }
    return {name: _timed(check) for name, check in checks.items()}


def timeout_seconds() -> int:
    return settings.STORE_TIMEOUT_SECONDS
