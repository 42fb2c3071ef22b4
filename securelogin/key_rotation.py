"""Re-encrypting every secret at rest under the newest FIELD_ENCRYPTION_KEY (all or nothing)."""

from django.db import models, transaction

from portal.crypto import InvalidToken, rotate

from .models import HardwareToken, SecurityDevice

FIELDS = ("encrypted_key", "encrypted_pin_hash")


class RotationFailed(Exception):
    """Some rows could not be decrypted with any configured key; nothing was changed."""


def rotate_field_encryption() -> list[str]:
    """Re-encrypt the secrets of every device and security token; returns the lines to print."""
    with transaction.atomic():
        rotated, failed = _rotate(SecurityDevice)
        tokens, failed_tokens = _rotate(HardwareToken)
        if failed or failed_tokens:
            ids = ", ".join(map(str, failed[:20]))
            token_ids = ", ".join(map(str, failed_tokens[:20]))
            raise RotationFailed(
                f"{_devices(len(failed))} (ids {ids or '–'}) and {len(failed_tokens)} security "
                f"token(s) (ids {token_ids or '–'}) could not be decrypted with any configured "
                "key; nothing was changed. Add the key they were made with."
                if failed_tokens
                else f"{_devices(len(failed))} could not be decrypted with any configured key "
                f"(ids {ids}); nothing was changed. Add the key they were made with."
            )
    return [
        f"Re-encrypted the secrets of {_devices(rotated)} under the newest key.",
        f"Re-encrypted the secrets of {tokens} security token(s) under the newest key.",
    ]


def _rotate(model: type[models.Model]) -> tuple[int, list[int]]:
    """Re-encrypt the secret fields of every row of `model` (locked); (rotated, failed ids)."""
    rotated, failed = 0, []
    for row in model._default_manager.select_for_update().only("pk", *FIELDS).order_by("pk"):
        changes = {}
        for name in FIELDS:
            value = getattr(row, name)
            if not value:
                continue
            try:
                changes[name] = rotate(value)
            except InvalidToken:
                failed.append(row.pk)
                break
        else:
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)
            rotated += 1
    return rotated, failed


def _devices(count: int) -> str:
    return f"{count} device" if count == 1 else f"{count} devices"
