"""Counting events in the shared cache (Redis, or the embedded set-up's database cache).

One helper for every limit (document uploads, password guessing), so each
counts the same way on every worker and every node, and a store that has gone
away raises instead of letting the limit be skipped.
"""

import contextlib

from django.core.cache import cache


def hit(key: str, window_seconds: int) -> int:
    """Count one event under `key` in a window that starts with the first event; returns the
    count."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def count(key: str) -> int:
    return cache.get(key) or 0


def add(key: str, amount: int, timeout_seconds: int) -> bool:
    """Add `amount` to the counter `key` (kept `timeout_seconds` from its first use).

    Returns True when this call created the counter (so the caller can list it once)."""
    created = cache.add(key, 0, timeout=timeout_seconds)
    try:
        cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=timeout_seconds)
        created = True
    return created


def take(key: str, amount: int) -> None:
    """Subtract what was moved elsewhere; counts added meanwhile stay."""
    with contextlib.suppress(ValueError):  # the counter expired: nothing left to subtract from
        cache.decr(key, amount)
