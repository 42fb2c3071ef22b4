"""The two file stores of the portal, on local disk or on S3-compatible object storage.

`STORAGES["default"]` holds public media (article figures and their
renditions); `STORAGES["private"]` holds private media (document photos and
anything generated from them). settings.py picks the file-system classes
below, or the S3 ones when S3_ENDPOINT_URL is set. Private files never have a
URL: views that check permissions stream them. Public files are linked under
MEDIA_URL (served by `portal.views.serve_public_media`, which streams them
from whichever store holds them) unless S3_PUBLIC_MEDIA_URL names a public
base URL such as a CDN.
"""

from typing import Any, NoReturn
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage


class NoURLMixin:
    def url(self, name: str | None, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Private files have no URL; permission-checking views serve them.")


class PublicFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT and MEDIA_URL, followed when tests change them (Django's default behaviour)."""


class PrivateFileSystemStorage(NoURLMixin, FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, never a URL. Follows changes of PRIVATE_MEDIA_ROOT (tests)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # django-stubs lists Django's own settings only; any other name is ignored there.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PRIVATE_MEDIA_ROOT":
            self._location = kwargs["value"]
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class PublicS3Storage(S3Storage):
    """Figures in the public bucket; linked under MEDIA_URL unless a public base URL is
    configured."""

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        base = getattr(settings, "S3_PUBLIC_MEDIA_URL", "") or settings.MEDIA_URL
        return base.rstrip("/") + "/" + quote(name.lstrip("/"))


class PrivateS3Storage(NoURLMixin, S3Storage):
    """Document photos in the private bucket: objects are written private and only streamed by the
    app."""


def public_storage() -> Storage:
    return storages["default"]


def private_storage() -> Storage:
    """The storage of private FileFields (a callable keeps the configuration out of migrations)."""
    return storages["private"]


def is_object_storage(storage: Storage) -> bool:
    return isinstance(storage, S3Storage)
