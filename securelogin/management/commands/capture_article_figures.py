"""Capture the article figures from the real practice portal, its emulators and the printed card.

    .venv/bin/python manage.py capture_article_figures                 # every article with scenes
    .venv/bin/python manage.py capture_article_figures --article KB2636
    .venv/bin/python manage.py capture_article_figures --only-if-drawn  # `make run`: only drawn
    ones

Run after `load_help_content` (which creates the figures). The work is done by
securelogin.screenshot_capture.capture_article_figures, as for the admin action.
"""

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from portal.commands import AppCommand
from securelogin.screenshot_capture import CaptureError, capture_article_figures


class Command(AppCommand):
    help = (
        "Capture the article figures as screenshots of the practice portal (Playwright + Chromium)."
    )
    refusals = (CaptureError,)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--article",
            action="append",
            dest="articles",
            metavar="KB",
            help="KB number (repeatable); default: every article with captured figures.",
        )
        parser.add_argument(
            "--only-if-drawn",
            action="store_true",
            help="Skip articles whose figures are already screenshots (for `make run`).",
        )
        parser.add_argument(
            "--languages", default="", help="Comma-separated; default: every language."
        )
        parser.add_argument(
            "--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        )
        parser.add_argument("--output-dir", type=Path, help="Also write the PNG files here.")

    def run(self, **options: Any) -> None:
        languages = [
            code.strip() for code in options["languages"].split(",") if code.strip()
        ] or None
        report = capture_article_figures(
            [kb.upper() for kb in options["articles"] or []] or None,
            only_if_drawn=options["only_if_drawn"],
            languages=languages,
            chromium=options["chromium"],
            output_dir=options["output_dir"],
        )
        for kb in report.skipped:
            self.stdout.write(f"{kb}: figures are already screenshots.")
        for kb, count in sorted(report.stored.items()):
            self.stdout.write(self.style.SUCCESS(f"{kb}: stored {count} screenshots."))
