"""Delete the photos of submissions reviewed more than DOCUMENTS_RETENTION_DAYS ago, those of
phone hand-offs never finished and practice accounts' submissions (retention.purge).

Schedule it daily, e.g. `manage.py documents_purge_photos` from cron or a systemd timer.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from documents.retention import purge


class Command(BaseCommand):
    help = (
        "Delete the photos of reviewed submissions past the retention period, and of abandoned "
        "hand-offs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="override DOCUMENTS_RETENTION_DAYS"
        )

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        purged = purge(days=days)
        self.stdout.write(
            f"{purged.photos} photo(s) of {purged.submissions} submission(s) deleted."
        )
        self.stdout.write(
            f"{purged.handoff_photos} photo(s) of unfinished phone hand-offs deleted."
        )
        self.stdout.write(f"{purged.practice_submissions} practice submission(s) deleted.")
