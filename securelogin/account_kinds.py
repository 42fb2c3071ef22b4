"""Practice accounts and client accounts.

A practice account (the demo clients, or an account staff mark as such) may use
the emulated devices; every other non-staff account is a client account, whose
second factor is a real device (an imported hardware token), a temporary code
or a code card. For a client account every emulator URL is a 404 and the server
never computes a response on its behalf. Document uploads are for client
accounts; practice accounts may upload only where PRACTICE_ACCOUNTS_MAY_UPLOAD
is on (development), and their submissions are purged after a day.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from .models import AuditEvent, PracticeAccount, SecurityDevice


def is_practice(user: User | None) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return PracticeAccount.objects.filter(user_id=user.pk).exists()


def mark_practice(user: User, *, actor: str = "", request: HttpRequest | None = None) -> bool:
    """Make `user` a practice account; True when it was a client account before."""
    with transaction.atomic():
        _, created = PracticeAccount.objects.get_or_create(
            user=user, defaults={"created_by": actor[:150]}
        )
        if created:
            _audit_marked(user, "practice", actor, request)
    return created


def mark_client(user: User, *, actor: str = "", request: HttpRequest | None = None) -> bool:
    """Make `user` a client account again; True when it was a practice account.
    Its emulated devices stay on record but their emulators close at once."""
    with transaction.atomic():
        deleted, _ = PracticeAccount.objects.filter(user_id=user.pk).delete()
        if deleted:
            _audit_marked(user, "client", actor, request)
    return bool(deleted)


def _audit_marked(user: User, kind: str, actor: str, request: HttpRequest | None = None) -> None:
    """Audit a change of the account's kind ("practice" or "client") by `actor`."""
    from .services import audit

    audit(AuditEvent.Kind.PRACTICE_MARKED, user=user, actor=actor, request=request, purpose=kind)


def may_use_emulator(user: User | None, device: SecurityDevice | None) -> bool:
    """Only a practice account's emulated device (never a token, code or card) is emulated."""
    return device is not None and device.kind in SecurityDevice.EMULATED_KINDS and is_practice(user)


def may_upload_documents(user: User) -> bool:
    """Client accounts upload; practice accounts only where the setting allows it."""
    return not is_practice(user) or settings.PRACTICE_ACCOUNTS_MAY_UPLOAD
