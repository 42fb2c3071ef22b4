"""Temporary codes from client services (KB70): staff issue one, the client signs in with it.

A temporary code is the client's active credential (a SecurityDevice of kind
`temporary`), so the per-account back-off, lock and audit are the devices' own.
The code's alphabet, hashing and typed form are in temporary_codes.py.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from . import feedback, services, temporary_codes
from .conf import app_settings
from .models import AuditEvent, SecurityDevice
from .services import Attempt, Outcome, audit, count_failure, guard

Kind = SecurityDevice.Kind
Reason = AuditEvent.Reason
# Replaced codes checked to tell the client "use the newest code" (bounded hashing work).
REPLACED_CODES_CHECKED = 3


def issue_temporary_code(
    user: User, actor: str, request: HttpRequest | None = None
) -> tuple[SecurityDevice, str]:
    """Staff action: a new temporary code for `user`, which replaces the client's
    current device, code or card. Returns (device row, plain code): the code is
    shown to staff once and stored only as a salted hash."""
    code = temporary_codes.new_code()
    device = services.assign_device(
        user,
        Kind.TEMPORARY,
        actor=actor,
        request=request,
        audit_kind=AuditEvent.Kind.TEMP_CODE_ISSUED,
        code_hash=temporary_codes.hash_code(code),
        issued_by=actor,
        expires_at=timezone.now() + timedelta(hours=app_settings.TEMPORARY_CODE_HOURS),
    )
    return device, code


def verify_temporary_code(
    *, user: User, raw: str, purpose: str, request: HttpRequest | None = None
) -> Outcome:
    """The second factor typed as a temporary code. Order: form (nothing counted),
    lockout and back-off, expiry, then the hash; wrong codes count toward the lockout."""
    code, form_problem = temporary_codes.check_form(raw)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    attempt = Attempt(user, purpose, request)
    device = services.active_device(user)
    if device is None:
        # No credential at all: same page and answer as a wrong code, bounded by the deviceless
        # counter.
        if services.deviceless_locked(user):
            attempt.refused(Reason.LOCKED, None)
            return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
        locked_now = services.count_deviceless_failure(user)
        attempt.failed(Reason.NO_CREDENTIAL, None)
        if locked_now:
            audit(AuditEvent.Kind.LOCKOUT, user=user, request=request, purpose=purpose)
            return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
        return Outcome(ok=False, problem=feedback.problem(feedback.CODE_WRONG))
    with transaction.atomic():
        device = SecurityDevice.objects.select_for_update().get(pk=device.pk)
        blocked = guard(device, attempt)
        if blocked:
            return blocked

        def wrong(code: feedback.ProblemType, reason: str) -> Outcome:
            return count_failure(device, feedback.problem(code), attempt, reason)

        if device.kind != Kind.TEMPORARY:
            return wrong(feedback.CODE_WRONG, Reason.NOT_TEMPORARY)
        if device.is_expired:
            return Outcome(ok=False, problem=feedback.problem(feedback.CODE_EXPIRED))
        if temporary_codes.code_matches(code, device.code_hash):
            device.record_success()
            attempt.event(AuditEvent.Kind.TEMP_CODE_USED, device)
            return Outcome(ok=True)
        if _is_replaced_code(user, code, device):
            return wrong(feedback.CODE_REPLACED, Reason.REPLACED_CODE)
        return count_failure(device, feedback.problem(feedback.CODE_WRONG), attempt)


def _is_replaced_code(user: User, code: str, current: SecurityDevice) -> bool:
    older = (
        SecurityDevice.objects.filter(
            user=user,
            kind=Kind.TEMPORARY,
            revoked_at__isnull=False,
            created_at__lte=current.created_at,
            created_at__gte=timezone.now() - timedelta(hours=app_settings.TEMPORARY_CODE_HOURS),
        )
        .exclude(pk=current.pk)
        .order_by("-created_at")[:REPLACED_CODES_CHECKED]
    )
    return any(temporary_codes.code_matches(code, old.code_hash) for old in older)


def has_temporary_access(user: User) -> bool:
    device = services.active_device(user)
    return device is not None and device.kind == Kind.TEMPORARY and not device.is_expired
