"""Limits that bind the attacker, not the client: password tries per (source address,
user name) and per source address, counted in the shared cache.

Wrong passwords never lock an account (anyone who knows a user name could
otherwise lock it, NIST SP 800-63B 5.2.2, OWASP ASVS V2.2.1). After the free
tries, each pair and each source gets one try per delay, the delay doubling
with every further try up to a cap. Tries are counted *before* the password
is checked and a try slot is taken with an atomic cache.add, so parallel
requests cannot all slip through before the first failure is recorded.
"""

import hashlib
import math
import time

from django.core.cache import cache

from portal import counters

from .conf import app_settings


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _scopes(ip: str | None, username: str) -> list[tuple[str, int]]:
    source = ip or "unknown"
    return [
        (
            f"securelogin:pw:pair:{_digest(source + '|' + username.casefold())}",
            app_settings.PASSWORD_FREE_TRIES_PER_PAIR,
        ),
        (f"securelogin:pw:source:{_digest(source)}", app_settings.PASSWORD_FREE_TRIES_PER_SOURCE),
    ]


def delay_for(tries_over: int) -> int:
    """Seconds until the next try, for the n-th try beyond the free ones (n >= 1)."""
    base = app_settings.PASSWORD_DELAY_SECONDS
    return min(base * 2 ** min(tries_over - 1, 30), app_settings.PASSWORD_DELAY_MAX_SECONDS)


def admit_password_try(ip: str | None, username: str) -> int:
    """Count one password try; 0 when it may be checked, else the seconds to wait.
    A refused try is counted too, so hammering only makes the wait longer."""
    wait = 0
    for key, free in _scopes(ip, username):
        tries = counters.hit(key, app_settings.PASSWORD_WINDOW_SECONDS)
        if tries <= free:
            continue
        delay = delay_for(tries - free)
        now = time.time()
        if cache.add(key + ":slot", now + delay, timeout=delay):
            continue
        held = cache.get(key + ":slot") or 0
        if held <= now:  # the slot's time is up (its key outlived it): take it
            cache.set(key + ":slot", now + delay, timeout=delay)
            continue
        wait = max(wait, math.ceil(held - now))
    return wait


def password_accepted(ip: str | None, username: str) -> None:
    """The right password from this pair: its count starts again (the source's does not)."""
    key = _scopes(ip, username)[0][0]
    cache.delete_many([key, key + ":slot"])


def lock_seconds(locks_in_a_row: int) -> int:
    """How long the n-th lock in a row lasts: LOCK_SECONDS doubling, capped at LOCK_MAX_SECONDS."""
    seconds = app_settings.LOCK_SECONDS * 2 ** max(min(locks_in_a_row, 20) - 1, 0)
    return min(seconds, app_settings.LOCK_MAX_SECONDS)
