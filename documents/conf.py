"""Settings of the documents app: each one a Django setting and an environment variable of the
same name (DOCUMENTS_MAX_FILE_BYTES, …), declared once here (portal/app_settings.py).

The quality thresholds were measured on generated pages (see quality.py and
bench/documents_thresholds.py for how).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import checks

from portal.app_settings import AppSettings, Setting

Validator = Callable[[AppSettings], list[checks.CheckMessage]]


class DocumentsSettings(AppSettings):
    """The app's settings, with the values derived from them."""

    def max_file_megabytes(self) -> str:
        """The file limit for messages: "15", or "0.1" for a small test limit."""
        value = round(self.MAX_FILE_BYTES / (1024 * 1024), 2)
        return f"{value:g}"

    def thresholds(self) -> dict[str, Any]:
        """The quality thresholds, as quality.assess() takes them."""
        return {
            "dark": self.DARK_THRESHOLD,
            "blur": self.BLUR_THRESHOLD,
            "glare_spot": self.GLARE_SPOT_FRACTION,
            "motion": self.MOTION_BALANCE,
            "bright": self.BRIGHT_THRESHOLD,
            "faded_ink": self.FADED_INK_LEVEL,
        }


def _in_order(smaller: str, larger: str, code: str, equal_allowed: bool = True) -> Validator:
    """A rule that one setting stays below another (e.g. MIN_DPI ≤ RECOMMENDED_DPI)."""

    def check(settings: AppSettings) -> list[checks.CheckMessage]:
        low, high = getattr(settings, smaller), getattr(settings, larger)
        if low < high or (equal_allowed and low == high):
            return []
        relation = "at most" if equal_allowed else "below"
        return [
            checks.Error(
                f"DOCUMENTS_{smaller} ({low}) must be {relation} DOCUMENTS_{larger} ({high}).",
                id=code,
            )
        ]

    return check


def _base_url_is_absolute(settings: AppSettings) -> list[checks.CheckMessage]:
    url = settings.HANDOFF_BASE_URL
    if url and not url.startswith(("http://", "https://")):
        return [
            checks.Error(
                f"DOCUMENTS_HANDOFF_BASE_URL must start with http:// or https://, not {url!r}.",
                id="documents.E004",
            )
        ]
    return []


app_settings = DocumentsSettings(
    "DOCUMENTS_",
    {
        "MAX_FILE_BYTES": Setting(15 * 1024 * 1024, "largest accepted photo file", minimum=1),
        "MAX_FILES": Setting(10, "photos per submission", minimum=1),
        "MAX_PIXELS": Setting(
            50_000_000,
            "decompression-bomb limit: a photo may declare at most this many pixels",
            minimum=1,
        ),
        "MAX_DECODED_BYTES": Setting(
            150_000_000,
            "decoded pixels may take at most this many bytes (bit depth × channels: a 48 MP "
            "8-bit RGB photo fits, a 7000 × 7000 RGBA image does not)",
            minimum=1,
        ),
        "MAX_JPEG_SCANS": Setting(
            100,
            "a JPEG with more scans is refused before decoding (progressive photos have ≤ 12)",
            minimum=1,
        ),
        "MAX_SIDE": Setting(
            3508,
            "long side of the stored photo and of the straightened document, in pixels (3508: "
            "an A4 page at 300 dpi, the resolution identity services ask for)",
            minimum=1,
        ),
        "THUMBNAIL_SIDE": Setting(480, "long side of a photo's thumbnail, in pixels", minimum=1),
        "MIN_SHORT_SIDE": Setting(
            1000, "a photo whose short side has fewer pixels is refused as too small", minimum=1
        ),
        "JPEG_QUALITY": Setting(
            85, "JPEG quality of the stored photos and thumbnails", minimum=1, maximum=100
        ),
        "BLUR_THRESHOLD": Setting(
            60.0,
            "variance of the Laplacian (on the 1000 px grey copy) below which a photo is "
            "refused as blurred",
            minimum=0,
        ),
        "MOTION_BALANCE": Setting(
            0.15,
            "weakest/strongest directional gradient energy under which a photo is refused as "
            "motion-blurred",
            minimum=0,
            maximum=1,
        ),
        "DARK_THRESHOLD": Setting(
            60.0,
            "mean brightness (0–255) below which a photo is refused as too dark",
            minimum=0,
            maximum=255,
        ),
        "BRIGHT_THRESHOLD": Setting(
            235.0,
            "mean brightness above which the client is warned that the photo is overexposed",
            minimum=0,
            maximum=255,
        ),
        "FADED_INK_LEVEL": Setting(
            128,
            "a very bright photo is only flagged when even its darkest text (2nd percentile) is "
            "lighter than this",
            minimum=0,
            maximum=255,
        ),
        "GLARE_SPOT_FRACTION": Setting(
            0.03,
            "a washed-out spot covering at least this share of the page gives the glare warning",
            minimum=0,
            maximum=1,
        ),
        "MIN_DPI": Setting(
            200,
            "a document whose effective dpi (pixels per inch of the detected document for its "
            "format: A4/Letter page, ID card, passport page) is lower is refused as too small in "
            "the photo (documents/outline.py)",
            minimum=1,
        ),
        "RECOMMENDED_DPI": Setting(
            300,
            "under this effective dpi the photo is accepted with a warning that fine print may be "
            "hard to read (what identity services ask for)",
            minimum=1,
        ),
        "PARALLEL_PHOTOS": Setting(
            2,
            "photos of one submission decoded at the same time, each in its own sandboxed child",
            minimum=1,
        ),
        "THROTTLE_CHECKS": Setting(
            120, "photo checks one client may ask for per throttle window", minimum=1
        ),
        "THROTTLE_SUBMISSIONS": Setting(
            30, "sendings (submissions or phone uploads) one client may make per window", minimum=1
        ),
        "THROTTLE_WINDOW_SECONDS": Setting(
            3600, "length of the window of both client limits, in seconds", minimum=1
        ),
        "RETENTION_DAYS": Setting(
            90,
            "photos of a reviewed submission are deleted this many days after the decision by "
            "`documents_purge_photos`",
            minimum=0,
        ),
        "HANDOFF_MINUTES": Setting(
            15, 'how long the "Use your phone" link may be opened and used', minimum=1
        ),
        "HANDOFF_GUESSES": Setting(
            20,
            "unknown hand-off links tried from one address within 10 minutes before every link "
            "from it is refused",
            minimum=1,
        ),
        "HANDOFF_KEEP_HOURS": Setting(
            24,
            "photos of a hand-off the client never finished are deleted this many hours after it "
            "began, by `documents_purge_photos`",
            minimum=1,
        ),
        "HANDOFF_BASE_URL": Setting(
            "",
            'scheme and host of the "Use your phone" link in the QR code, e.g. '
            "`http://192.168.1.20:8000` to try it with a real phone on `make run` (add the host "
            "to `DJANGO_ALLOWED_HOSTS`); empty: the address the desktop used",
        ),
    },
    validators=(
        _in_order("MIN_DPI", "RECOMMENDED_DPI", "documents.E001"),
        _in_order("MIN_SHORT_SIDE", "MAX_SIDE", "documents.E002"),
        _in_order("DARK_THRESHOLD", "BRIGHT_THRESHOLD", "documents.E003", equal_allowed=False),
        _base_url_is_absolute,
    ),
)
