"""Per-client limits on photo checks and submissions, counted in the shared cache (all workers, all
nodes)."""

from documents.conf import app_settings
from portal import counters


def limits() -> dict[str, tuple[int, int]]:
    """{kind: (allowed, per seconds)} (DOCUMENTS_THROTTLE_*)."""
    window = app_settings.THROTTLE_WINDOW_SECONDS
    return {
        "check": (app_settings.THROTTLE_CHECKS, window),
        "submit": (app_settings.THROTTLE_SUBMISSIONS, window),
    }


def allow(kind: str, user_id: int) -> bool:
    """Count one use; False when the client has used up this window's allowance."""
    allowed, seconds = limits()[kind]
    return counters.hit(f"documents:throttle:{kind}:{user_id}", seconds) <= allowed
