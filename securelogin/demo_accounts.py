"""The demo accounts of a local copy: one practice client per device kind, one who lost their
device and holds a fresh temporary code, and a demo staff account for the admin.

DEMO ONLY: the passwords and PINs are fixed and printed on purpose so that anyone can
practise the sign-in on a local copy; `create_demo_clients` refuses to run under
DJANGO_ENV=production. Idempotent: running it again keeps the users, resets the known
password and PIN, clears lockouts, and gives a demo client whose device was replaced (by a
temporary code issued in the admin) a device of its kind again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .account_kinds import mark_practice
from .models import SecurityDevice
from .services import assign_device
from .temporary_access import issue_temporary_code

ACTOR = "create_demo_clients"
DEMO_CLIENTS = [
    # user name, password, device kind, PIN
    ("demo-ios", "practise-ios-2260", SecurityDevice.Kind.IOS, ""),
    ("demo-android", "practise-android-2260", SecurityDevice.Kind.ANDROID, "2468"),
    ("demo-dsc", "practise-dsc-2260", SecurityDevice.Kind.DSC, "1357"),
]
LOST_CLIENT = ("demo-lost", "practise-lost-70")
DEMO_STAFF = ("demo-staff", "practise-staff-2260")


class DevelopmentOnly(Exception):
    """Refused under DJANGO_ENV=production; the message says why."""


@dataclass
class DemoAccounts:
    """What `create_demo_clients` made: one printable line per account, then the admin's key."""

    lines: list[str] = field(default_factory=list)
    second_factor: list[str] = field(default_factory=list)


def _refuse_in_production(command: str, why: str) -> None:
    if settings.PRODUCTION:
        raise DevelopmentOnly(
            f"{command} is for development only: {why}refuses to run under DJANGO_ENV=production."
        )


def _practice_client(username: str, password: str) -> User:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    user.is_staff = user.is_superuser = False
    user.is_active = True
    user.set_password(password)
    user.save()
    mark_practice(user, actor=ACTOR)
    return user


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


def create_demo_clients() -> DemoAccounts:
    """Create or refresh every demo account; DevelopmentOnly under DJANGO_ENV=production."""
    _refuse_in_production("create_demo_clients", "it creates accounts with known passwords, so it ")
    report = DemoAccounts()
    with transaction.atomic():
        for username, password, kind, pin in DEMO_CLIENTS:
            user = _practice_client(username, password)
            device = SecurityDevice.objects.filter(user=user, confirmed=True, kind=kind).first()
            if device is None:
                device = assign_device(user, kind, pin, actor=ACTOR)
            else:
                device.set_pin(pin)
                device.save(update_fields=["encrypted_pin_hash"])
                device.unlock()
            shown_pin = pin or "– (Face ID / Touch ID)"
            report.lines.append(
                f"  {username:<14} password {password:<24} "
                f"{device.get_kind_display():<32} PIN {shown_pin}"
            )
        # KB70 / KB2636 practice: a client whose device is lost; each run issues a new code.
        _, code = issue_temporary_code(_practice_client(*LOST_CLIENT), actor=ACTOR)
        totp = ensure_demo_staff()
    report.lines.append(
        f"  {LOST_CLIENT[0]:<14} password {LOST_CLIENT[1]:<24} temporary code {code} "
        "(new on every run; valid 2 days)"
    )
    report.lines.append(
        f"  {DEMO_STAFF[0]:<14} password {DEMO_STAFF[1]:<24} staff (admin: /en/admin/)"
    )
    if settings.STAFF_OTP_REQUIRED:
        secret = totp.config_url.split("secret=")[1].split("&")[0]
        report.second_factor = [
            f"  {'':<14} admin second factor: add this key to an authenticator app: {secret}",
            f"  {'':<14} or its URI: {totp.config_url}",
            f"  {'':<14} (a code without an app: .venv/bin/python manage.py demo_staff_code)",
        ]
    return report


def current_code(device: TOTPDevice) -> str:
    """The 6-digit code an authenticator app with the device's key shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_staff_code() -> str:
    """The demo staff account's current admin code, as a line to print (development only)."""
    _refuse_in_production("demo_staff_code", "it ")
    device = TOTPDevice.objects.filter(user__username=DEMO_STAFF[0], confirmed=True).first()
    if device is None:
        raise DevelopmentOnly(
            "No demo staff account with a TOTP device: run create_demo_clients first."
        )
    return f"{current_code(device)}  ({DEMO_STAFF[0]}; valid for up to {device.step} s)"
