"""Deleting a photo row (or its submission) removes its files once the deletion is committed."""

import contextlib
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from documents.models import Photo


@receiver(post_delete, sender=Photo)
def delete_photo_files(sender: type[Photo], instance: Photo, **kwargs: Any) -> None:
    names = [
        (f.storage, f.name)
        for f in (instance.image, instance.thumbnail, instance.document)
        if f.name
    ]

    def remove() -> None:
        for storage, name in names:
            with contextlib.suppress(FileNotFoundError):
                storage.delete(name)

    transaction.on_commit(remove)
