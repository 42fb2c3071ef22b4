"""Empty the staging folder: temporary photo files a killed worker left behind.

A request cleans up after itself, even after errors; only a worker killed
mid-request (OOM, SIGKILL) can leave files behind: uploads being received
(STAGING_ROOT/uploads), photos being checked (STAGING_ROOT/documents) and
figure renditions being made (STAGING_ROOT/renditions). Run it from cron,
e.g. hourly: `manage.py documents_clean_staging --older-than 60`.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete temporary files in the staging folder older than the given number of minutes."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default 60)")

    def handle(self, *args, older_than, **options):
        root = Path(settings.STAGING_ROOT)
        cutoff = time.time() - older_than * 60
        removed, emptied = 0, set()
        paths = (
            sorted(root.rglob("*"), key=lambda path: len(path.parts), reverse=True)
            if root.is_dir()
            else []
        )
        for path in paths:  # deepest first, so emptied folders can go too
            if path.is_symlink() or path.is_file():
                if path.lstat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
                    emptied.add(path.parent)
            elif (
                path.is_dir()
                and path.parent != root
                and not any(path.iterdir())
                and (path in emptied or path.stat().st_mtime < cutoff)
            ):
                path.rmdir()  # an emptied scratch folder (renditions-…); the top-level folders stay
        self.stdout.write(f"{removed} temporary file(s) removed.")
