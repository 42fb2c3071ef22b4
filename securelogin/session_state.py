"""What the client's session remembers between the steps of a sign-in or a step-up task.

Only ids, a random nonce (which binds the challenge to this attempt) and task
data are stored; never a password, PIN or response.
"""
import secrets
import time

from django.contrib.auth import get_user_model

from . import conf

PENDING_KEY = "securelogin.pending"
TASK_KEY = "securelogin.task"


def start_pending(session, user, next_url=""):
    session.cycle_key()  # a new session id once the password was right
    session[PENDING_KEY] = {"user_id": user.pk, "nonce": secrets.token_urlsafe(24), "since": time.time(),
                            "next": next_url}
    return session[PENDING_KEY]


def pending(session):
    state = session.get(PENDING_KEY)
    if not state or time.time() - state.get("since", 0) > conf.get("PENDING_SIGNIN_SECONDS"):
        return None
    return state


def pending_user(session):
    state = pending(session)
    if not state:
        return None
    return get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()


def clear_pending(session):
    session.pop(PENDING_KEY, None)


def start_task(session, kind, data):
    session[TASK_KEY] = {"kind": kind, "data": data, "nonce": secrets.token_urlsafe(24), "since": time.time()}
    return session[TASK_KEY]


def task(session):
    state = session.get(TASK_KEY)
    if not state or time.time() - state.get("since", 0) > conf.get("PENDING_SIGNIN_SECONDS"):
        return None
    return state


def clear_task(session):
    session.pop(TASK_KEY, None)
