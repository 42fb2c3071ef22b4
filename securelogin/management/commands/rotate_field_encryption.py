"""Re-encrypt every device key, PIN hash, card secret and security token secret under the newest
FIELD_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.crypto import InvalidToken, rotate
from securelogin.models import HardwareToken, SecurityDevice

FIELDS = ("encrypted_key", "encrypted_pin_hash")


class Command(BaseCommand):
    help = (
        "Re-encrypt every secret at rest under the newest key of FIELD_ENCRYPTION_KEY (the first one). "
        "Run after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            rotated, failed = _rotate(SecurityDevice)
            tokens, failed_tokens = _rotate(HardwareToken)
            if failed or failed_tokens:
                ids = ", ".join(map(str, failed[:20]))
                token_ids = ", ".join(map(str, failed_tokens[:20]))
                raise CommandError(
                    f"{_devices(len(failed))} (ids {ids or '–'}) and {len(failed_tokens)} security "
                    f"token(s) (ids {token_ids or '–'}) could not be decrypted with any configured "
                    "key; nothing was changed. Add the key they were made with."
                    if failed_tokens
                    else f"{_devices(len(failed))} could not be decrypted with any configured key (ids "
                    f"{ids}); nothing was changed. Add the key they were made with."
                )
        self.stdout.write(f"Re-encrypted the secrets of {_devices(rotated)} under the newest key.")
        self.stdout.write(
            f"Re-encrypted the secrets of {tokens} security token(s) under the newest key."
        )


def _rotate(model) -> tuple[int, list[int]]:
    """Re-encrypt the secret fields of every row of `model` (locked); returns (rotated, failed ids)."""
    rotated, failed = 0, []
    for row in model.objects.select_for_update().only("pk", *FIELDS).order_by("pk"):
        changes = {}
        for field in FIELDS:
            value = getattr(row, field)
            if not value:
                continue
            try:
                changes[field] = rotate(value)
            except InvalidToken:
                failed.append(row.pk)
                break
        else:
            if changes:
                model.objects.filter(pk=row.pk).update(**changes)
            rotated += 1
    return rotated, failed


def _devices(count):
    return f"{count} device" if count == 1 else f"{count} devices"
