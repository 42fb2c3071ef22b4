"""Delete the photos of submissions reviewed more than DOCUMENTS_RETENTION_DAYS ago (default 90),
and those of phone hand-offs never finished, DOCUMENTS_HANDOFF_KEEP_HOURS after they began (24).

Schedule it daily, e.g. `manage.py documents_purge_photos` from cron or a
systemd timer. The submissions keep their records without the images. It also
deletes practice accounts' submissions (records and photos) older than a day.
"""

from django.core.management.base import BaseCommand

from documents.handoff import purge_abandoned
from documents.retention import purge_expired_photos
from securelogin.practice_uploads import purge_practice_submissions


class Command(BaseCommand):
    help = "Delete the photos of reviewed submissions past the retention period, and of abandoned hand-offs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="override DOCUMENTS_RETENTION_DAYS"
        )

    def handle(self, *args, days, **options):
        submissions, photos = purge_expired_photos(days=days)
        self.stdout.write(f"{photos} photo(s) of {submissions} submission(s) deleted.")
        abandoned = purge_abandoned()
        self.stdout.write(f"{abandoned} photo(s) of unfinished phone hand-offs deleted.")
        practice = purge_practice_submissions()
        self.stdout.write(f"{practice} practice submission(s) deleted.")
