"""Re-encrypt every device key, PIN hash and card secret under the newest FIELD_ENCRYPTION_KEY."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.crypto import InvalidToken, rotate
from securelogin.models import SecurityDevice

FIELDS = ("encrypted_key", "encrypted_pin_hash")


class Command(BaseCommand):
    help = (
        "Re-encrypt every secret at rest under the newest key of FIELD_ENCRYPTION_KEY (the first one). "
        "Run after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args, **options):
        rotated = 0
        failed = []
        with transaction.atomic():
            for device in SecurityDevice.objects.select_for_update().only("pk", *FIELDS).order_by("pk"):
                changes = {}
                for field in FIELDS:
                    value = getattr(device, field)
                    if not value:
                        continue
                    try:
                        changes[field] = rotate(value)
                    except InvalidToken:
                        failed.append(device.pk)
                        break
                else:
                    SecurityDevice.objects.filter(pk=device.pk).update(**changes)
                    rotated += 1
            if failed:
                raise CommandError(
                    f"{_devices(len(failed))} could not be decrypted with any configured key (ids "
                    f"{', '.join(map(str, failed[:20]))}); nothing was changed. Add the key they were made with."
                )
        self.stdout.write(f"Re-encrypted the secrets of {_devices(rotated)} under the newest key.")


def _devices(count):
    return f"{count} device" if count == 1 else f"{count} devices"
