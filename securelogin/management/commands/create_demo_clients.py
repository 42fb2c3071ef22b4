"""Create (or refresh) one demo client per device kind, plus one who lost their
device and has a fresh temporary code, and print how to sign in. All of them
are practice accounts (account_kinds.py): only they have emulated devices.

DEMO ONLY: the passwords and PINs are fixed and printed on purpose so that
anyone can practise the sign-in on a local copy. Never run it on a real system.
Idempotent: running it again keeps the users and their devices, resets the
known password and PIN, and clears lockouts.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

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


class Command(BaseCommand):
    help = "Create one demo client per security device kind (demo only: prints passwords and PINs)."

    def handle(self, *args, **options):
        User = get_user_model()
        lines = []
        with transaction.atomic():
            for username, password, kind, pin in DEMO_CLIENTS:
                user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
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
                lines.append((username, password, device.get_kind_display(), pin or "– (Face ID / Touch ID)"))
            # KB70 / KB2636 practice: a client whose device is lost; each run issues a new temporary code.
            lost, _ = User.objects.get_or_create(username=LOST_CLIENT[0],
                                                 defaults={"email": f"{LOST_CLIENT[0]}@example.com"})
            lost.is_staff = lost.is_superuser = False
            lost.is_active = True
            lost.set_password(LOST_CLIENT[1])
            lost.save()
            mark_practice(lost, actor="create_demo_clients")
            _, code = issue_temporary_code(lost, actor="create_demo_clients")
        self.stdout.write(self.style.WARNING("Demo clients (DEMO ONLY – known passwords, never use on a real system):"))
        for username, password, kind, pin in lines:
            self.stdout.write(f"  {username:<14} password {password:<24} {kind:<32} PIN {pin}")
        self.stdout.write(f"  {LOST_CLIENT[0]:<14} password {LOST_CLIENT[1]:<24} temporary code {code} "
                          "(new on every run; valid 2 days)")
