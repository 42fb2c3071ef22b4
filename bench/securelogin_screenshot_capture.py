#!/usr/bin/env python
"""How long capturing the article figures takes (what `make run` does once), and the card PDF.

Run: .venv/bin/python bench/securelogin_screenshot_capture.py [--article KB2636 ...]
Uses a throw-away SQLite database and media folder (nothing of the project's
own is touched), loads the help content, then prints the seconds of
`capture_article_figures --only-if-drawn` (every article, both languages: the
first `make run`), of a second run (nothing drawn is left: `make run` on later
starts), and of rendering the card PDF in A4 and Letter.
Needs Debian's Chromium and poppler-utils (`make chromium`).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", action="append", help="only these KB numbers (repeatable)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-figures-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        MEDIA_ROOT=str(scratch / "media"),
        STAGING_ROOT=str(scratch / "staging"),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("S3_ENDPOINT_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from securelogin import codecard
    from securelogin.screenshot_capture import capture_article_figures

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_help_content", verbosity=0)
    start = time.perf_counter()
    report = capture_article_figures(args.article, only_if_drawn=True)
    first = time.perf_counter() - start
    images = sum(report.stored.values())
    print(
        f"capture, first run ({images} screenshots: {', '.join(sorted(report.stored))})   "
        f"{first:7.1f} s"
    )
    start = time.perf_counter()
    capture_article_figures(args.article, only_if_drawn=True)
    again = time.perf_counter() - start
    print(f"capture --only-if-drawn, nothing left to capture                  {again:7.2f} s")
    for size in ("A4", "Letter"):
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            pdf = codecard.render_pdf(
                os.urandom(32),
                title="Online-Sicherheitscodekarte",
                subtitle="Gültig für 21 Tage ab der Aktivierung.",
                holder="Erika Muster",
                serial="OSC-000001",
                size=size,
                lang="de",
            )
            samples.append((time.perf_counter() - start) * 1000)
        print(
            f"card PDF {size:<6} median {statistics.median(samples):6.1f} ms, "
            f"{len(pdf) / 1024:5.1f} KiB"
        )


if __name__ == "__main__":
    main()
