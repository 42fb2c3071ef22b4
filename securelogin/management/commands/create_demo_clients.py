"""Create (or refresh) one demo client per device kind, plus one who lost their
device and has a fresh temporary code, plus a demo staff account for the admin,
and print how to sign in. The clients are practice accounts (account_kinds.py): only they
have emulated devices.

DEMO ONLY: the passwords and PINs are fixed and printed on purpose so that
anyone can practise the sign-in on a local copy. It refuses to run under
DJANGO_ENV=production. Idempotent: running it again keeps the users, resets the
known password and PIN, clears lockouts, and gives a demo client whose device was
replaced (by a temporary code issued in the admin) a device of its kind again.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from securelogin.account_kinds import mark_practice
from securelogin.models import SecurityDevice
from securelogin.services import assign_device
from securelogin.temporary_access import issue_temporary_code

DEMO_CLIENTS = [
    # user name, password, device kind, PIN
    ("demo-ios", "practise-ios-2260", SecurityDevice.Kind.IOS, ""),
    ("demo-android", "practise-android-2260", SecurityDevice.Kind.ANDROID, "2468"),
    ("demo-dsc", "practise-dsc-2260", SecurityDevice.Kind.DSC, "1357"),
]

LOST_CLIENT = ("demo-lost", "practise-lost-70")
DEMO_STAFF = ("demo-staff", "practise-staff-2260")


def ensure_demo_staff() -> TOTPDevice:
    """The demo staff account (a superuser) and its TOTP device for the admin's second
    factor; an existing device is kept, so an authenticator app enrolled once keeps working."""
    username, password = DEMO_STAFF
    staff, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    staff.is_staff = staff.is_superuser = staff.is_active = True
    staff.set_password(password)
    staff.save()
    device = TOTPDevice.objects.filter(user=staff, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff, name="Demo authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return device


class Command(BaseCommand):
    help = "Create one demo client per security device kind (demo only: prints passwords and PINs)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "create_demo_clients is for development only: it creates accounts with "
                "known passwords, so it refuses to run under DJANGO_ENV=production."
            )
        User = get_user_model()
        lines = []
        with transaction.atomic():
            for username, password, kind, pin in DEMO_CLIENTS:
                user, _ = User.objects.get_or_create(
                    username=username, defaults={"email": f"{username}@example.com"}
                )
                user.is_staff = user.is_superuser = False
                user.is_active = True
                user.set_password(password)
                user.save()
                mark_practice(user, actor="create_demo_clients")
                device = SecurityDevice.objects.filter(user=user, confirmed=True, kind=kind).first()
                if device is None:
                    device = assign_device(user, kind, pin, actor="create_demo_clients")
                else:
                    device.set_pin(pin)
                    device.save(update_fields=["encrypted_pin_hash"])
                    device.unlock()
                lines.append(
                    (username, password, device.get_kind_display(), pin or "– (Face ID / Touch ID)")
                )
            # KB70 / KB2636 practice: a client whose device is lost; each run issues a new temporary code.
            lost, _ = User.objects.get_or_create(
                username=LOST_CLIENT[0], defaults={"email": f"{LOST_CLIENT[0]}@example.com"}
            )
            lost.is_staff = lost.is_superuser = False
            lost.is_active = True
            lost.set_password(LOST_CLIENT[1])
            lost.save()
            mark_practice(lost, actor="create_demo_clients")
            _, code = issue_temporary_code(lost, actor="create_demo_clients")
            totp = ensure_demo_staff()
        self.stdout.write(
            self.style.WARNING(
                "Demo clients (DEMO ONLY – known passwords, never use on a real system):"
            )
        )
        for username, password, kind, pin in lines:
            self.stdout.write(f"  {username:<14} password {password:<24} {kind:<32} PIN {pin}")
        self.stdout.write(
            f"  {LOST_CLIENT[0]:<14} password {LOST_CLIENT[1]:<24} temporary code {code} "
            "(new on every run; valid 2 days)"
        )
        self.stdout.write(
            f"  {DEMO_STAFF[0]:<14} password {DEMO_STAFF[1]:<24} staff (admin: /en/admin/)"
        )
        if settings.STAFF_OTP_REQUIRED:
            secret = totp.config_url.split("secret=")[1].split("&")[0]
            self.stdout.write(
                f"  {'':<14} admin second factor: add this key to an authenticator app: {secret}"
            )
            self.stdout.write(f"  {'':<14} or its URI: {totp.config_url}")
            self.stdout.write(
                f"  {'':<14} (a code without an app: .venv/bin/python manage.py demo_staff_code)"
            )
