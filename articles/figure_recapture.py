"""The admin's "Re-capture the figures" action: the same capture as `capture_article_figures`,
run in a background thread so the staff member's request returns at once.

A capture takes from seconds (one screen) to a few minutes (every device of KB2260),
longer than a web worker may spend on one request. One capture runs at a time per
process; the figures change only when every screenshot of an article was taken, so a
failed run leaves the old figures in place (the reason is logged).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db import close_old_connections, connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_running: threading.Thread | None = None


def articles_with_scenes(kb_numbers: list[str]) -> tuple[list[str], list[str]]:
    """(KB numbers with figures to capture, KB numbers without any)."""
    from securelogin.screenshot_capture import capture_plan

    plan = capture_plan()
    return [kb for kb in kb_numbers if kb in plan], [kb for kb in kb_numbers if kb not in plan]


def recapture_action(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Admin action (POST with CSRF, staff with change permission): start the capture, say so."""
    capturable, without = articles_with_scenes(sorted(queryset.values_list("kb_number", flat=True)))
    if without:
        modeladmin.message_user(
            request,
            _(
                "%(articles)s: no figure shows a screen of the practice portal, "
                "so there is nothing to capture."
            )
            % {"articles": ", ".join(without)},
            messages.WARNING,
        )
    if not capturable:
        return
    if start(capturable) is None:
        modeladmin.message_user(
            request,
            _("Figures are already being captured. Try again when that is finished."),
            messages.ERROR,
        )
        return
    modeladmin.message_user(
        request,
        _(
            "Capturing the figures of %(articles)s from the practice portal in "
            "both languages. This takes a few minutes; reload the article "
            "afterwards to see them."
        )
        % {"articles": ", ".join(capturable)},
        messages.SUCCESS,
    )


def start(kb_numbers: list[str]) -> threading.Thread | None:
    """Start capturing in the background; None when a capture is already running."""
    global _running
    with _lock:
        if _running is not None and _running.is_alive():
            return None
        _running = threading.Thread(
            target=_capture, args=(list(kb_numbers),), name="figure-capture"
        )
        _running.start()
        return _running


def running() -> threading.Thread | None:
    return _running if _running is not None and _running.is_alive() else None


def _capture(kb_numbers: list[str]) -> None:
    from securelogin.screenshot_capture import capture_article_figures

    close_old_connections()
    try:
        report = capture_article_figures(kb_numbers)
        logger.info(
            "Figures captured: %s",
            ", ".join(f"{kb} ({n})" for kb, n in sorted(report.stored.items())),
        )
    except Exception:
        logger.exception(
            "Figure capture of %s failed; the figures are unchanged", ", ".join(kb_numbers)
        )
    finally:
        connections.close_all()
