"""Retention: the photos of a reviewed submission are deleted DOCUMENTS_RETENTION_DAYS after the decision.

The submission keeps its record (reference, type, status, reason, who
reviewed it and when) and notes when its photos were deleted; the files go
from the private store once the deletion is committed (signals.py).
"""

from django.db import transaction
from django.utils import timezone

from documents import conf
from documents.models import Photo, Submission


def purge_expired_photos(now=None, days=None):
    """Delete the photos of every submission past retention; returns (submissions, photos) counts."""
    now = now or timezone.now()
    days = conf.retention_days() if days is None else days
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
                photo.delete()  # one by one: each delete's signal removes its files after the commit
                photos += 1
            submission.photos_deleted_at = now
            submission.save(update_fields=["photos_deleted_at"])
            submissions += 1
    return submissions, photos
