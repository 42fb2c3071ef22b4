"""Settings of the articles app: page cache, view counting, uploaded figures.

Declared once here (portal/app_settings.py); each is also an environment variable of the same
name (no prefix: these names were documented before the app had a conf.py). Read them as
`app_settings.NAME`.
"""

from __future__ import annotations

from django.core import checks

from portal.app_settings import AppSettings, Setting


def _positive_widths(app: AppSettings) -> list[checks.CheckMessage]:
    """Rendition widths are whole numbers of pixels (from the environment: "480,960")."""
    widths = app.FIGURE_RENDITION_WIDTHS
    if widths and all(str(width).strip().isdigit() and int(width) > 0 for width in widths):
        return []
    return [
        checks.Error(
            f"FIGURE_RENDITION_WIDTHS must be one or more positive whole numbers, not {widths!r}.",
            id="articles.E001",
        )
    ]


app_settings = AppSettings(
    "",
    {
        "ARTICLE_CACHE_SECONDS": Setting(
            86400, "how long the shared cache keeps a rendered page", minimum=0
        ),
        "PAGE_CACHE_LOCAL_BYTES": Setting(
            32 * 1024 * 1024, "rendered pages each process keeps in memory", minimum=0
        ),
        "PAGE_CACHE_VERSION_RECHECK_SECONDS": Setting(
            1.0,
            "a process re-reads the content version at least this often even when no change "
            "notice came (0: on every request)",
            minimum=0,
        ),
        "VIEW_COUNTING": Setting(True, "False stops counting article and troubleshooter views"),
        "VIEW_COUNT_PUSH_SECONDS": Setting(
            1.0,
            "a process adds its tally of views to the shared cache at most this often "
            "(0: on every view)",
            minimum=0,
        ),
        "VIEW_COUNT_FLUSH_SECONDS": Setting(
            60,
            "the shared counters move into the database at most this often, by the first "
            "request that finds it due (one process at a time)",
            minimum=1,
        ),
        "FIGURE_RENDITION_WIDTHS": Setting(
            (480, 960), "widths in pixels of the renditions made of each uploaded figure"
        ),
        "FIGURE_MAX_UPLOAD_BYTES": Setting(
            8 * 1024 * 1024, "largest figure image staff may upload", minimum=1
        ),
        "FIGURE_MAX_PIXELS": Setting(
            40_000_000, "most pixels an uploaded figure may declare", minimum=1
        ),
        "FIGURE_MAX_DECODED_BYTES": Setting(
            160_000_000,
            "most bytes an uploaded figure may need once decoded (4 per pixel of the limit)",
            minimum=1,
        ),
        "FIGURE_MAX_JPEG_SCANS": Setting(
            100, "most scans a progressive JPEG figure may have", minimum=1
        ),
        "TROUBLESHOOTING_ARTICLE_KB": Setting(
            "KB1131",
            "KB number of the article the troubleshooter is built from (its situations' views "
            "count for it)",
        ),
    },
    validators=(_positive_widths,),
)
