"""Private storage for document photos: below PRIVATE_MEDIA_ROOT, never a public URL.

`base_url=None` makes `storage.url()` raise, so a template can never link a
photo directly; permission-checking views stream the files instead.
"""
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

STAGING_DIR = ".staging"


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None) that never makes a URL.

    (FileSystemStorage falls back to MEDIA_URL when base_url is None, so url()
    is overridden to refuse.) Follows changes of PRIVATE_MEDIA_ROOT (tests).
    """

    def __init__(self):
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self._location = kwargs["value"]
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private document files have no URL; permission-checking views serve them.")


_storage = None


def private_storage():
    """The storage of the photo FileFields (a callable keeps the path out of migrations)."""
    global _storage
    if _storage is None:
        _storage = PrivateStorage()
    return _storage


def root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def staging_dir() -> Path:
    """Temporary files live on the same file system, so moving them into place is a rename."""
    path = root() / STAGING_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def random_name(suffix: str) -> str:
    """A storage name that reveals nothing: documents/ab/<32 hex>.jpg"""
    token = secrets.token_hex(16)
    return f"documents/{token[:2]}/{token}{suffix}"
