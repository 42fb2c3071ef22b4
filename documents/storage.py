"""Where document photos live: the private file store, and a staging folder for one request.

Photos are stored through `STORAGES["private"]` (a folder below
PRIVATE_MEDIA_ROOT, or a private S3 bucket): `url()` refuses, so a template can
never link a photo directly; permission-checking views stream them instead.

While a submission is being checked, its processed photos wait in the
staging folder (STAGING_ROOT): scratch space of that one request, on the
node's own disk, emptied by the request itself and, after a killed worker,
by `documents_clean_staging`.
"""

import secrets
from pathlib import Path

from django.conf import settings

from portal import storage as file_stores


def private_storage():
    """The storage of the photo FileFields (a callable keeps the configuration out of migrations)."""
    return file_stores.private_storage()


def staging_dir() -> Path:
    path = Path(settings.STAGING_ROOT) / "documents"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def random_name(suffix: str) -> str:
    """A storage name that reveals nothing: documents/ab/<32 hex>.jpg"""
    token = secrets.token_hex(16)
    return f"documents/{token[:2]}/{token}{suffix}"


def upload_dir() -> Path:
    """Where uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are written while the request is read."""
    path = Path(settings.STAGING_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
