"""What the client's session remembers between the steps of a sign-in or a step-up task.

Only ids, a random nonce (which binds the challenge to this attempt) and task
data are stored; never a password, PIN or response.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase

from .conf import app_settings

if TYPE_CHECKING:
    from typing import Any

PENDING_KEY = "securelogin.pending"
TASK_KEY = "securelogin.task"
ACTIVATION_KEY = "securelogin.card-activation"
SIGNED_IN_KEY = "securelogin.signed_in_at"
SEEN_KEY = "securelogin.seen_at"
# The last-seen time is written at most this often, so reading pages does not save the session each
# time.
SEEN_RESOLUTION_SECONDS = 30


def start_pending(session: SessionBase, user: User, next_url: str = "") -> dict[str, Any]:
    session.cycle_key()  # a new session id once the password was right
    session[PENDING_KEY] = {
        "user_id": user.pk,
        "nonce": secrets.token_urlsafe(24),
        "since": time.time(),
        "next": next_url,
    }
    return session[PENDING_KEY]


def _fresh(session: SessionBase, key: str) -> dict[str, Any] | None:
    """The attempt stored under `key`, unless PENDING_SIGNIN_SECONDS have passed since."""
    state = session.get(key)
    if not state or time.time() - state.get("since", 0) > app_settings.PENDING_SIGNIN_SECONDS:
        return None
    return state


def pending(session: SessionBase) -> dict[str, Any] | None:
    return _fresh(session, PENDING_KEY)


def pending_user(session: SessionBase) -> User | None:
    state = pending(session)
    if not state:
        return None
    return get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()


def clear_pending(session: SessionBase) -> None:
    session.pop(PENDING_KEY, None)


def start_task(session: SessionBase, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    session[TASK_KEY] = {
        "kind": kind,
        "data": data,
        "nonce": secrets.token_urlsafe(24),
        "since": time.time(),
    }
    return session[TASK_KEY]


def confirm_task_password(session: SessionBase) -> None:
    """The task's first step (user name and password again) passed: the device comes next."""
    state = session.get(TASK_KEY)
    if state:
        session[TASK_KEY] = {**state, "password_confirmed": True}


def task_password_confirmed(state: dict[str, Any]) -> bool:
    return bool(state and state.get("password_confirmed"))


def task(session: SessionBase) -> dict[str, Any] | None:
    return _fresh(session, TASK_KEY)


def clear_task(session: SessionBase) -> None:
    session.pop(TASK_KEY, None)


def activation_nonce(session: SessionBase) -> str:
    """The nonce that binds card-activation prompts to this session (made on first use)."""
    if not session.get(ACTIVATION_KEY):
        session[ACTIVATION_KEY] = secrets.token_urlsafe(24)
    return session[ACTIVATION_KEY]


def clear_activation(session: SessionBase) -> None:
    session.pop(ACTIVATION_KEY, None)


def mark_signed_in(session: SessionBase) -> None:
    """Call right after login(): the clock of the idle and absolute limits starts.
    The session itself (cookie and store) ends a little after the absolute limit,
    so the next request can still say why the client was signed out."""
    now = time.time()
    session[SIGNED_IN_KEY] = now
    session[SEEN_KEY] = now
    session.set_expiry(app_settings.SESSION_ABSOLUTE_SECONDS + app_settings.SESSION_IDLE_SECONDS)


def expiry_reason(session: SessionBase, now: float | None = None) -> str | None:
    """ "idle" or "absolute" when the client session has run out, else None."""
    now = time.time() if now is None else now
    signed_in, seen = session.get(SIGNED_IN_KEY), session.get(SEEN_KEY)
    if signed_in is None or seen is None:
        return None
    if now - signed_in > app_settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - seen > app_settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


def touch(session: SessionBase, now: float | None = None) -> None:
    """Note activity; a client session without the clock (made before it existed) starts it now."""
    now = time.time() if now is None else now
    if SIGNED_IN_KEY not in session:
        mark_signed_in(session)
    elif now - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
