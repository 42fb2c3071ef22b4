"""Refusals of the same page counted on the server, so "send anyway" works without JavaScript.

The page script counts refusals in the browser. A plain form cannot, so each
failed sending records, in the client's session, how many times in a row the
photo at each position (page slot) was refused for its quality (blurred,
motion-blurred, dark: errors.OVERRIDABLE). From the second refusal of the same
slot the form offers to send that photo anyway, with a note for staff. A slot
that passed, or was refused for another reason, starts again from zero.
"""

from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from documents.errors import OVERRIDABLE

SESSION_KEY = "documents_refusals"
TRIES_BEFORE_ANYWAY = 2


def record(session: SessionBase, file_errors: list[dict[str, Any]]) -> list[int]:
    """Count this sending's refusals; returns the slots (from 0) that may now be sent anyway."""
    previous = session.get(SESSION_KEY, {})
    counts = {
        str(error["index"]): previous.get(str(error["index"]), 0) + 1
        for error in file_errors
        if error.get("code") in OVERRIDABLE
    }
    session[SESSION_KEY] = counts
    return sorted(int(slot) for slot, count in counts.items() if count >= TRIES_BEFORE_ANYWAY)


def offered(session: SessionBase) -> list[int]:
    """The slots already offered (a form error on the next try must not take the offer away)."""
    counts = session.get(SESSION_KEY, {})
    return sorted(int(slot) for slot, count in counts.items() if count >= TRIES_BEFORE_ANYWAY)


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
