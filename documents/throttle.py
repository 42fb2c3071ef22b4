"""Per-client limits on photo checks and submissions, counted in the shared cache (all workers, all nodes)."""

from documents import conf
from portal import counters


def limits():
    """(name, allowed, per seconds); overridable with DOCUMENTS_THROTTLE."""
    return conf.get("DOCUMENTS_THROTTLE", {"check": (120, 3600), "submit": (30, 3600)})


def allow(kind, user_id):
    """Count one use; False when the client has used up this window's allowance."""
    allowed, seconds = limits()[kind]
    return counters.hit(f"documents:throttle:{kind}:{user_id}", seconds) <= allowed
