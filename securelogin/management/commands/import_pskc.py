"""Import hardware tokens from a vendor's PSKC file:
`manage.py import_pskc FILE [--key HEX | --passphrase …]`.

Parses the arguments and calls pskc_import.import_tokens (all or nothing, audited).
The passphrase may also come from the PSKC_PASSPHRASE environment variable, so it
stays out of the shell history.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from securelogin import pskc_import


class Command(BaseCommand):
    help = (
        "Import the OCRA tokens of a PSKC file (RFC 6030) as unassigned security tokens, "
        "all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PSKC file from the token vendor")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--key", help="pre-shared AES key in hex (files encrypted with a pre-shared key)"
        )
        secret.add_argument(
            "--passphrase", help="passphrase (PBKDF2-protected files); or set PSKC_PASSPHRASE"
        )

    def handle(self, *args, file, key, passphrase, **options):
        passphrase = passphrase if passphrase is not None else os.environ.get("PSKC_PASSPHRASE")
        try:
            with open(file, "rb") as handle:
                data = handle.read(pskc_import.MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            key_bytes = pskc_import.parse_hex_key(key) if key is not None else None
            rows = pskc_import.import_tokens(
                data,
                key=key_bytes,
                passphrase=passphrase if key is None else None,
                actor="import_pskc",
            )
        except pskc_import.ImportRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} token(s) imported, unassigned: "
                f"{', '.join(row.serial for row in rows[:20])}"
                f"{' …' if len(rows) > 20 else ''}"
            )
        )
