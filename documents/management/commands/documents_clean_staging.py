"""Remove temporary photo files left in the private staging directory.

A request cleans up after itself, even after errors; only a worker killed
mid-request (OOM, SIGKILL) can leave files behind. Run it from cron, e.g.
hourly: `manage.py documents_clean_staging --older-than 60`.
"""
import time

from django.core.management.base import BaseCommand

from documents import storage


class Command(BaseCommand):
    help = "Delete temporary document photo files older than the given number of minutes."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default 60)")

    def handle(self, *args, older_than, **options):
        cutoff = time.time() - older_than * 60
        removed = 0
        for path in storage.staging_dir().iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        self.stdout.write(f"{removed} temporary file(s) removed.")
