"""Creating a submission: all photos or none.

Every file is processed into the private staging directory first (one at a
time). Only when all of them passed are the rows created and the files
renamed into place, inside one durable transaction; any error on the way
(a refused photo, a full disk, a database error) removes every file written
so far, so nothing is left half-stored.
"""
import contextlib
import logging
import os
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from documents import imaging, storage
from documents.errors import PhotoRefused
from documents.models import Photo, Submission

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    submission: Submission | None = None
    file_errors: list = field(default_factory=list)  # [{"index", "name", "code", "message", "advice"}]

    @property
    def ok(self):
        return self.submission is not None


def check_photo(upload):
    """Check one photo without keeping it (the page checks each photo as soon as it is added)."""
    return imaging.process_photo(upload, storage.staging_dir(), keep=False)


def process_all(uploads):
    """Process every upload to staging; returns (staged, errors). On errors nothing stays staged."""
    staging = storage.staging_dir()
    staged, errors = [], []
    try:
        for index, upload in enumerate(uploads):
            try:
                staged.append(imaging.process_photo(upload, staging))
            except PhotoRefused as refused:
                errors.append({"index": index, "name": _display_name(upload), **refused.as_dict()})
            finally:
                upload.close()  # a streamed upload's temp file goes away now, not at the end of the request
    except BaseException:
        _discard(staged)
        raise
    if errors:
        _discard(staged)
        staged = []
    return staged, errors


def create_submission(owner, document_type, note, uploads):
    staged, errors = process_all(uploads)
    if errors:
        return Outcome(file_errors=errors)
    try:
        return Outcome(submission=_store(owner, document_type, note, staged))
    finally:
        _discard(staged)  # whatever is still in staging (after an error: everything)


def _store(owner, document_type, note, staged):
    root = storage.root()
    moved = []
    try:
        for attempt in range(5):
            try:
                with transaction.atomic(durable=True):
                    submission = Submission.objects.create(owner=owner, document_type=document_type, note=note)
                    for position, photo in enumerate(staged, start=1):
                        image_name = _move(photo.image_path, root, moved)
                        thumbnail_name = _move(photo.thumbnail_path, root, moved)
                        Photo.objects.create(
                            submission=submission,
                            position=position,
                            image=image_name,
                            thumbnail=thumbnail_name,
                            width=photo.width,
                            height=photo.height,
                            source_format=photo.source_format,
                            warnings=photo.warnings,
                            scores=photo.scores,
                        )
                return submission
            except IntegrityError:
                # A reference collision (1 in ~10^11) — start again with a fresh one.
                _unmove(moved)
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")
    except BaseException:
        _unmove(moved)
        raise


def _move(source, root, moved):
    name = storage.random_name(".jpg")
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(source, target)
    moved.append((target, source))
    return name


def _unmove(moved):
    """Put files back into staging (so the caller's cleanup removes them) or delete them."""
    while moved:
        target, source = moved.pop()
        try:
            os.replace(target, source)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)


def _discard(staged):
    for photo in staged:
        photo.discard()


def _display_name(upload):
    return os.path.basename(upload.name or "")[:120]
