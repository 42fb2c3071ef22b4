"""Settings of the documents app, each overridable in portal/settings.py.

The quality thresholds were measured on generated pages (see quality.py and
bench/documents_thresholds.py for how).
"""

from django.conf import settings


def get(name, default):
    return getattr(settings, name, default)


def max_file_bytes():
    """Largest accepted photo file (default 15 MB)."""
    return get("DOCUMENTS_MAX_FILE_BYTES", 15 * 1024 * 1024)


def max_file_megabytes():
    """The file limit for messages: "15", or "0.1" for a small test limit."""
    value = round(max_file_bytes() / (1024 * 1024), 2)
    return f"{value:g}"


def max_files():
    """Photos per submission (default 10)."""
    return get("DOCUMENTS_MAX_FILES", 10)


def max_pixels():
    """Decompression-bomb limit: a photo may declare at most this many pixels (default 50 MP)."""
    return get("DOCUMENTS_MAX_PIXELS", 50_000_000)


def max_side():
    """Stored photos are downscaled to at most this many pixels on the long side (3508: the long
    side of an A4 page at 300 dpi, the resolution identity services ask for)."""
    return get("DOCUMENTS_MAX_SIDE", 3508)


def thumbnail_side():
    return get("DOCUMENTS_THUMBNAIL_SIDE", 480)


def min_short_side():
    """A photo whose short side is under this many pixels is refused (too small)."""
    return get("DOCUMENTS_MIN_SHORT_SIDE", 1000)


def blur_threshold():
    """Variance of the Laplacian (on the 1000 px grey copy) below which a photo is refused as blurred."""
    return get("DOCUMENTS_BLUR_THRESHOLD", 60.0)


def dark_threshold():
    """Mean brightness (0–255) below which a photo is refused as too dark."""
    return get("DOCUMENTS_DARK_THRESHOLD", 60.0)


def bright_threshold():
    """Mean brightness above which the client is warned that the photo is overexposed."""
    return get("DOCUMENTS_BRIGHT_THRESHOLD", 235.0)


def faded_ink_level():
    """A very bright photo is only flagged when even its darkest text (2nd percentile) is lighter than this."""
    return get("DOCUMENTS_FADED_INK_LEVEL", 128)


def jpeg_quality():
    return get("DOCUMENTS_JPEG_QUALITY", 85)


def thresholds():
    """The quality thresholds, as quality.assess() takes them."""
    return {
        "dark": dark_threshold(),
        "blur": blur_threshold(),
        "glare_spot": glare_spot_fraction(),
        "motion": motion_balance(),
        "bright": bright_threshold(),
        "faded_ink": faded_ink_level(),
    }


def max_decoded_bytes():
    """Decoded pixels may take at most this many bytes (bit depth × channels; default 150 MB: a
    48 MP 8-bit RGB photo fits, a 7000 × 7000 RGBA image does not)."""
    return get("DOCUMENTS_MAX_DECODED_BYTES", 150_000_000)


def max_scans():
    """A JPEG with more scans than this is refused before decoding (progressive photos have ≤ 12)."""
    return get("DOCUMENTS_MAX_JPEG_SCANS", 100)


def retention_days():
    """Photos of a reviewed submission are deleted this many days after the decision (default 90)."""
    return get("DOCUMENTS_RETENTION_DAYS", 90)


def glare_spot_fraction():
    """A washed-out spot covering at least this share of the page gives the glare warning (default 3 %)."""
    return get("DOCUMENTS_GLARE_SPOT_FRACTION", 0.03)


def motion_balance():
    """Weakest/strongest directional gradient energy under which a photo is refused as motion-blurred."""
    return get("DOCUMENTS_MOTION_BALANCE", 0.15)


def parallel_photos():
    """Photos of one submission decoded at the same time, each in its own sandboxed child (default 2)."""
    return get("DOCUMENTS_PARALLEL_PHOTOS", 2)


def handoff_minutes():
    """How long the "Use your phone" link may be opened and used (default 15 minutes)."""
    return get("DOCUMENTS_HANDOFF_MINUTES", 15)


def handoff_guesses():
    """Unknown hand-off links from one address within 10 minutes before every link is refused."""
    return get("DOCUMENTS_HANDOFF_GUESSES", 20)


def handoff_keep_hours():
    """Photos of a hand-off the client never finished are deleted this many hours after it began."""
    return get("DOCUMENTS_HANDOFF_KEEP_HOURS", 24)


def handoff_base_url():
    """Scheme and host the QR code's link uses, e.g. "https://portal.example.com" (default: the
    address the desktop used, which a phone cannot reach when it is 127.0.0.1)."""
    return get("DOCUMENTS_HANDOFF_BASE_URL", "")


def min_dpi():
    """A document whose effective dpi (outline.py: pixels per inch of the detected document, for its
    format) is under this is refused as too small in the photo (default 200)."""
    return get("DOCUMENTS_MIN_DPI", 200)


def recommended_dpi():
    """Under this effective dpi the client is warned that fine print may be hard to read (default
    300, what identity services ask for)."""
    return get("DOCUMENTS_RECOMMENDED_DPI", 300)
