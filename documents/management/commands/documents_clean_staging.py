"""Empty the staging folder: temporary files a killed worker left behind (storage.clean_staging).

Run it from cron, e.g. hourly: `manage.py documents_clean_staging --older-than 60`.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from documents.storage import clean_staging


class Command(BaseCommand):
    help = "Delete temporary files in the staging folder older than the given number of minutes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default 60)")

    def handle(self, *args: Any, older_than: int, **options: Any) -> None:
        removed = clean_staging(older_than)
        self.stdout.write(f"{removed} temporary file(s) removed.")
