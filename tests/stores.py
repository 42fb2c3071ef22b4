"""The file stores as tests see them: isolated per test, and listed, on local disk or on S3."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import Storage, storages

from portal.storage import is_object_storage


def names_in(storage: Storage, folder: str = "") -> list[str]:
    """Every file name below a folder of a storage, through the storage API (works for S3 too)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for sub in folders:
        names += names_in(storage, prefix + sub)
    return sorted(names)


@dataclass
class FileStores:
    public: Storage
    private: Storage
    staging: Path

    def public_names(self):
        return names_in(self.public)

    def private_names(self):
        return names_in(self.private)

    def staging_names(self):
        return (
            sorted(str(p) for p in self.staging.rglob("*") if p.is_file())
            if self.staging.exists()
            else []
        )


def isolated_file_stores(settings, tmp_path, monkeypatch) -> FileStores:
    """Fresh folders for the file-system stores; on S3, a fresh key prefix in each bucket."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAGING_ROOT = tmp_path / "staging"
    public, private = storages["default"], storages["private"]
    for storage in (public, private):
        if is_object_storage(storage):
            monkeypatch.setattr(storage, "location", f"test-{uuid.uuid4().hex}")
    return FileStores(public=public, private=private, staging=settings.STAGING_ROOT)
