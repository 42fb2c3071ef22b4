"""Import hardware tokens from a vendor's PSKC file:
`manage.py import_pskc FILE [--key HEX | --passphrase …]`.

Parses the arguments and calls pskc_import.import_file (all or nothing, audited).
The passphrase may also come from the PSKC_PASSPHRASE environment variable, so it
stays out of the shell history.
"""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securelogin import pskc_import


class Command(BaseCommand):
    help = (
        "Import the OCRA tokens of a PSKC file (RFC 6030) as unassigned security tokens, "
        "all or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the PSKC file from the token vendor")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--key", help="pre-shared AES key in hex (files encrypted with a pre-shared key)"
        )
        secret.add_argument(
            "--passphrase", help="passphrase (PBKDF2-protected files); or set PSKC_PASSPHRASE"
        )

    def handle(
        self, *args: Any, file: str, key: str | None, passphrase: str | None, **options: Any
    ) -> None:
        try:
            rows = pskc_import.import_file(
                file,
                key_hex=key,
                passphrase=passphrase
                if passphrase is not None
                else os.environ.get("PSKC_PASSPHRASE"),
                actor="import_pskc",
            )
        except pskc_import.ImportRefused as refused:
            raise CommandError(refused.message) from None
        serials = ", ".join(row.serial for row in rows[:20])
        more = " …" if len(rows) > 20 else ""
        self.stdout.write(
            self.style.SUCCESS(f"{len(rows)} token(s) imported, unassigned: {serials}{more}")
        )
