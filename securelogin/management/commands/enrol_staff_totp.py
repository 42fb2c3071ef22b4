"""Enrol a staff member for the admin's second factor: a TOTP device, its otpauth URI and a QR code in the terminal."""

import sys

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Give a staff member a TOTP device for the admin sign-in and print its otpauth URI and a terminal QR code."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="remove the staff member's existing TOTP devices"
        )
        parser.add_argument("--no-qr", action="store_true", help="print only the URI")

    def handle(self, username, replace=False, no_qr=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff sign in to the admin.")
        with transaction.atomic():
            existing = TOTPDevice.objects.filter(user=user)
            if existing.exists() and not replace:
                raise CommandError(
                    f"{username!r} already has a TOTP device; use --replace to enrol a new one."
                )
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        uri = device.config_url
        self.stdout.write(
            f"Scan this with an authenticator app (or type the URI into it):\n{uri}\n"
        )
        if not no_qr:
            segno.make(uri, error="m").terminal(
                out=self.stdout if self.stdout else sys.stdout, compact=True
            )
        self.stdout.write("The admin sign-in now asks for the 6-digit code the app shows.")
