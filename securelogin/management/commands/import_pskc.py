"""Import hardware tokens from a vendor's PSKC file:
`manage.py import_pskc FILE [--key HEX | --passphrase …]`.

Parses the arguments and calls pskc_import.import_file (all or nothing, audited).
The passphrase may also come from the PSKC_PASSPHRASE environment variable, so it
stays out of the shell history.
"""

import os
from argparse import ArgumentParser
from typing import Any

from portal.commands import AppCommand
from securelogin import pskc_import


class Command(AppCommand):
    help = (
        "Import the OCRA tokens of a PSKC file (RFC 6030) as unassigned security tokens, "
        "all or nothing."
    )
    refusals = (pskc_import.ImportRefused,)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the PSKC file from the token vendor")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--key", help="pre-shared AES key in hex (files encrypted with a pre-shared key)"
        )
        secret.add_argument(
            "--passphrase", help="passphrase (PBKDF2-protected files); or set PSKC_PASSPHRASE"
        )

    def run(self, *, file: str, key: str | None, passphrase: str | None, **options: Any) -> None:
        if passphrase is None:
            passphrase = os.environ.get("PSKC_PASSPHRASE")
        rows = pskc_import.import_file(
            file, key_hex=key, passphrase=passphrase, actor="import_pskc"
        )
        serials = ", ".join(row.serial for row in rows[:20])
        more = " …" if len(rows) > 20 else ""
        self.stdout.write(
            self.style.SUCCESS(f"{len(rows)} token(s) imported, unassigned: {serials}{more}")
        )
