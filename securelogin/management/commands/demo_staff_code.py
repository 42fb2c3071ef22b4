"""Print the current admin code of the demo staff account (development only), so a
newcomer can try the staff journeys without an authenticator app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .create_demo_clients import DEMO_STAFF


def current_code(device: TOTPDevice) -> str:
    """The 6-digit code an authenticator app with the device's key shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Print the demo staff account's current admin code (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "demo_staff_code is for development only: it refuses to run under "
                "DJANGO_ENV=production."
            )
        device = TOTPDevice.objects.filter(user__username=DEMO_STAFF[0], confirmed=True).first()
        if device is None:
            raise CommandError(
                "No demo staff account with a TOTP device: run create_demo_clients first."
            )
        self.stdout.write(
            f"{current_code(device)}  ({DEMO_STAFF[0]}; valid for up to {device.step} s)"
        )
