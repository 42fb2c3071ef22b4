"""Enrol a staff member for the admin's second factor: a TOTP device, its otpauth URI and a
QR code in the terminal. The work is done by securelogin.staff_signin.enrol_staff_totp."""

from argparse import ArgumentParser
from typing import Any

import segno

from portal.commands import AppCommand
from securelogin.staff_signin import EnrolmentRefused, enrol_staff_totp


class Command(AppCommand):
    help = (
        "Give a staff member a TOTP device for the admin sign-in and print its otpauth URI and "
        "a terminal QR code."
    )
    refusals = (EnrolmentRefused,)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="remove the staff member's existing TOTP devices"
        )
        parser.add_argument("--no-qr", action="store_true", help="print only the URI")

    def run(
        self, *, username: str, replace: bool = False, no_qr: bool = False, **options: Any
    ) -> None:
        uri = enrol_staff_totp(username, replace=replace).config_url
        self.stdout.write(
            f"Scan this with an authenticator app (or type the URI into it):\n{uri}\n"
        )
        if not no_qr:
            qr = segno.make(uri, error="m")
            qr.terminal(out=self.stdout, compact=True)  # type: ignore[arg-type]  # writes like a file
        self.stdout.write("The admin sign-in now asks for the 6-digit code the app shows.")
