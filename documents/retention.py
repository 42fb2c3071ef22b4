"""Retention: the photos of a reviewed submission are deleted DOCUMENTS_RETENTION_DAYS after the
decision.

The submission keeps its record (reference, type, status, reason, who
reviewed it and when) and notes when its photos were deleted; the files go
from the private store once the deletion is committed (signals.py).
`purge` is the daily job (`documents_purge_photos`): it also deletes the photos of
phone hand-offs never finished, DOCUMENTS_HANDOFF_KEEP_HOURS after they began, and
practice accounts' submissions (records and photos) older than a day.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from documents.conf import app_settings
from documents.handoff import purge_abandoned
from documents.models import Photo, Submission
from securelogin.practice_uploads import purge_practice_submissions


@dataclass(frozen=True)
class Purged:
    submissions: int
    photos: int
    handoff_photos: int
    practice_submissions: int


def purge(days: int | None = None) -> Purged:
    """The daily deletion; `days` overrides DOCUMENTS_RETENTION_DAYS."""
    submissions, photos = purge_expired_photos(days=days)
    return Purged(submissions, photos, purge_abandoned(), purge_practice_submissions())


def purge_expired_photos(now: datetime | None = None, days: int | None = None) -> tuple[int, int]:
    """Delete the photos of every submission past retention; returns (submissions, photos)."""
    now = now or timezone.now()
    days = app_settings.RETENTION_DAYS if days is None else days
    submissions = photos = 0
    for pk in (
        Submission.objects.photos_past_retention(now, days).values_list("pk", flat=True).iterator()
    ):
        with transaction.atomic():
            submission = (
                Submission.objects.select_for_update()
                .filter(pk=pk, photos_deleted_at__isnull=True)
                .first()
            )
            if submission is None:
                continue  # another run got there first
            for photo in Photo.objects.filter(submission=submission):
                # One by one: each delete's signal removes its files after the commit.
                photo.delete()
                photos += 1
            submission.photos_deleted_at = now
            submission.save(update_fields=["photos_deleted_at"])
            submissions += 1
    return submissions, photos
