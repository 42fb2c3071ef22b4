"""Where document photos live: the private file store, and a staging folder for one request.

Photos are stored through `STORAGES["private"]` (a folder below
PRIVATE_MEDIA_ROOT, or a private S3 bucket): `url()` refuses, so a template can
never link a photo directly; permission-checking views stream them instead.

While a submission is being checked, its processed photos wait in the
staging folder (STAGING_ROOT): scratch space of that one request, on the
node's own disk, emptied by the request itself and, after a killed worker,
by `documents_clean_staging`.

Views and the admin stream a photo with `private_file_response` once they have checked who
asks: no other code opens the store for a response.
"""

import secrets
import time
from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from portal import storage as file_stores


def private_storage() -> Storage:
    """The storage of the photo FileFields (a callable keeps the configuration out of
    migrations)."""
    return file_stores.private_storage()


def staging_dir() -> Path:
    path = Path(settings.STAGING_ROOT) / "documents"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def clean_staging(older_than_minutes: int) -> int:
    """Delete staged files older than this (what a killed worker left); returns how many.

    A request cleans up after itself, even after errors; only a worker killed mid-request
    (OOM, SIGKILL) leaves files behind: uploads being received (STAGING_ROOT/uploads), photos
    being checked (STAGING_ROOT/documents) and figure renditions being made
    (STAGING_ROOT/renditions)."""
    root = Path(settings.STAGING_ROOT)
    cutoff = time.time() - older_than_minutes * 60
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
    return removed


def random_name(suffix: str) -> str:
    """A storage name that reveals nothing: documents/ab/<32 hex>.jpg"""
    token = secrets.token_hex(16)
    return f"documents/{token[:2]}/{token}{suffix}"


def upload_dir() -> Path:
    """Where uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are written while the request is read."""
    path = Path(settings.STAGING_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def is_missing_object(exc: ClientError) -> bool:
    """An S3 error that says the object is not there (any other is an outage)."""
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey")


def private_file_response(
    field_file: FieldFile,
    filename: str | None = None,
    attachment: bool = False,
    content_type: str = "image/jpeg",
) -> FileResponse:
    """Stream a private photo, never cached; 404 when its file is not in the store."""
    try:
        handle = field_file.storage.open(field_file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    except ClientError as exc:  # S3: a missing key is a 404; any other error an outage (503)
        if is_missing_object(exc):
            raise Http404 from None
        raise
    response = FileResponse(
        handle, content_type=content_type, as_attachment=attachment, filename=filename or ""
    )
    response["Cache-Control"] = "private, no-store"
    return response
