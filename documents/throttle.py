"""Per-client limits on photo checks and submissions, counted in the shared cache (all workers)."""
from django.core.cache import cache

from documents import conf


def limits():
    """(name, allowed, per seconds); overridable with DOCUMENTS_THROTTLE."""
    return conf.get("DOCUMENTS_THROTTLE", {"check": (120, 3600), "submit": (30, 3600)})


def allow(kind, user_id):
    """Count one use; False when the client has used up this window's allowance."""
    allowed, seconds = limits()[kind]
    key = f"documents:throttle:{kind}:{user_id}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= allowed
