"""Re-encrypt every device key, PIN hash, card secret and security token secret under the newest
FIELD_ENCRYPTION_KEY. The work is done by securelogin.key_rotation.rotate_field_encryption."""

from typing import Any

from portal.commands import AppCommand
from securelogin.key_rotation import RotationFailed, rotate_field_encryption


class Command(AppCommand):
    help = (
        "Re-encrypt every secret at rest under the newest key of FIELD_ENCRYPTION_KEY (the first "
        "one). Run after putting a new key first; then the old keys can be removed."
    )
    refusals = (RotationFailed,)

    def run(self, **options: Any) -> None:
        for line in rotate_field_encryption():
            self.stdout.write(line)
