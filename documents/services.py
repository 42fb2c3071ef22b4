"""Creating a submission: all photos or none.

Every file is processed into the request's staging folder first (one at a
time). Only when all of them passed are they copied into the private file
store (local folder or S3 bucket) under random names, and then the rows are
created in one durable transaction. Any error on the way (a refused photo, a
full disk, an object store that went away, a database error) deletes every
object stored so far, and staging is always emptied: nothing is left
half-stored.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from documents import imaging, storage
from documents.conf import app_settings
from documents.errors import PhotoRefused
from documents.handoff_models import HandoffPhoto
from documents.models import DocumentRequest, PageFormat, Photo, Submission

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    submission: Submission | None = None
    # [{"index", "name", "code", "message", "advice"}]
    file_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.submission is not None


def check_photo(upload: UploadedFile, page_format: str = PageFormat.PAGE) -> imaging.ProcessedPhoto:
    """Check one photo without keeping it (the page checks each photo as soon as it is added)."""
    return imaging.process_photo(upload, storage.staging_dir(), keep=False, page_format=page_format)


def process_all(
    uploads: list[UploadedFile],
    anyway: frozenset[int] = frozenset(),
    page_format: str = PageFormat.PAGE,
) -> tuple[list[imaging.ProcessedPhoto], list[dict[str, Any]]]:
    """Process every upload to staging; returns (staged, errors). On errors nothing stays staged.

    Each photo is decoded in its own sandboxed child process; up to
    app_settings.PARALLEL_PHOTOS children run at once (the worker thread only waits
    for them), so a submission of ten photos takes about a fifth of the time
    on two cores while the web worker's own memory stays that of no photo.
    """
    staging = storage.staging_dir()
    outcomes: list[imaging.ProcessedPhoto | dict[str, Any] | None] = [None] * len(uploads)
    language = translation.get_language()  # the refusal messages are worded in the threads

    def one(index: int) -> None:
        upload = uploads[index]
        try:
            with translation.override(language):
                outcomes[index] = imaging.process_photo(
                    upload, staging, accept_poor=index in anyway, page_format=page_format
                )
        except PhotoRefused as refused:
            with translation.override(language):
                outcomes[index] = {
                    "index": index,
                    "name": _display_name(upload),
                    **refused.as_dict(),
                }
        finally:
            upload.close()  # a streamed upload's temp file goes now, not at the request's end

    try:
        with ThreadPoolExecutor(
            max_workers=max(1, min(app_settings.PARALLEL_PHOTOS, len(uploads)))
        ) as pool:
            for future in [pool.submit(one, index) for index in range(len(uploads))]:
                # re-raises a storage error (full disk…) after every child has finished
                future.result()
    except BaseException:
        _discard([item for item in outcomes if isinstance(item, imaging.ProcessedPhoto)])
        raise
    staged = [item for item in outcomes if isinstance(item, imaging.ProcessedPhoto)]
    errors = [item for item in outcomes if isinstance(item, dict)]
    if errors:
        _discard(staged)
        staged = []
    return staged, errors


def create_submission(
    owner: User,
    document_type: str,
    note: str,
    uploads: list[UploadedFile],
    request: DocumentRequest | None = None,
    anyway: frozenset[int] = frozenset(),
    anyway_note: str = "",
    page_format: str = PageFormat.PAGE,
) -> Outcome:
    """`request`: the open DocumentRequest this answers; without one, the oldest open request of
    the same document type (if any) is fulfilled. `anyway`: positions (from 0) of photos the client
    sends although a quality check refused them, with `anyway_note` for staff. `page_format`: the
    document's size, for which the photos' effective dpi is judged."""
    staged, errors = process_all(uploads, anyway, page_format)
    if errors:
        return Outcome(file_errors=errors)
    try:
        for index in anyway:
            if index < len(staged):
                staged[index].client_note = anyway_note
        return Outcome(submission=_store(owner, document_type, note, staged, request, page_format))
    finally:
        _discard(staged)  # whatever is still in staging (after an error: everything)


def store_staged(staged: list[imaging.ProcessedPhoto]) -> list[tuple[str, str, str]]:
    """Copy staged photos into the private store: [(image, thumbnail, straightened document or "")];
    all or none."""
    store = storage.private_storage()
    stored: list[str] = []
    try:
        return [
            (
                _save(store, photo.image_path, stored),
                _save(store, photo.thumbnail_path, stored),
                _save(store, photo.document_path, stored) if photo.document_path else "",
            )
            for photo in staged
        ]
    except BaseException:
        _delete(store, stored)
        raise


def stored_photo_fields(
    photo: imaging.ProcessedPhoto | HandoffPhoto, names: tuple[str, str, str]
) -> dict[str, Any]:
    """The columns of a Photo (or a phone's HandoffPhoto) for a photo stored under `names`
    (image, thumbnail, straightened document or ""): a staged photo, or a phone's photo that
    becomes a submission's."""
    image, thumbnail, document = names
    return {
        "image": image,
        "thumbnail": thumbnail,
        "document": document,
        "width": photo.width,
        "height": photo.height,
        "source_format": photo.source_format,
        "warnings": photo.warnings,
        "scores": photo.scores,
    }


def delete_stored(names: Iterable[str | None]) -> None:
    """Remove files from the private store (after a failed transaction); errors are logged."""
    _delete(storage.private_storage(), [name for name in names if name])


def _store(
    owner: User,
    document_type: str,
    note: str,
    staged: list[imaging.ProcessedPhoto],
    request: DocumentRequest | None = None,
    page_format: str = PageFormat.PAGE,
) -> Submission:
    store = storage.private_storage()
    stored: list[str] = []
    try:
        names = store_staged(staged)
        stored = [name for names_of_photo in names for name in names_of_photo if name]
        for attempt in range(5):
            try:
                with transaction.atomic(durable=True):
                    submission = Submission.objects.create(
                        owner=owner, document_type=document_type, note=note, page_format=page_format
                    )
                    for position, (photo, photo_names) in enumerate(
                        zip(staged, names, strict=True), 1
                    ):
                        Photo.objects.create(
                            submission=submission,
                            position=position,
                            client_note=photo.client_note,
                            **stored_photo_fields(photo, photo_names),
                        )
                    fulfil(owner, document_type, submission, request)
                return submission
            except IntegrityError:
                # A reference collision (1 in ~10^11) — start again with a fresh one.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")
    except BaseException:
        _delete(store, stored)
        raise


def fulfil(
    owner: User,
    document_type: str,
    submission: Submission,
    request: DocumentRequest | None,
) -> None:
    """Mark the request answered (in the submission's transaction); a request answered meanwhile is
    left."""
    which = {"pk": request.pk} if request is not None else {"document_type": document_type}
    target = (
        DocumentRequest.objects.open()
        .filter(owner=owner, **which)
        .select_for_update()
        .order_by("due_date", "created_at")
        .first()
    )
    if target is not None:
        target.fulfilled_by = submission
        target.save(update_fields=["fulfilled_by"])


def _save(store: Storage, path: Path | None, stored: list[str]) -> str:
    """Copy one staged file into the private store under a random name; returns the name."""
    assert path is not None, "a kept photo has every staged file"
    with open(path, "rb") as handle:
        name = store.save(storage.random_name(".jpg"), File(handle))
    stored.append(name)
    return name


def _delete(store: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            store.delete(name)
        except Exception as exc:  # noqa: BLE001 — keep removing the others; the error is logged
            logger.error(
                "could not remove a stored photo after a failed submission: %s", type(exc).__name__
            )


def _discard(staged: Iterable[imaging.ProcessedPhoto]) -> None:
    for photo in staged:
        photo.discard()


def _display_name(upload: UploadedFile) -> str:
    return os.path.basename(upload.name or "")[:120]
