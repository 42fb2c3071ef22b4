"""Business rules of the second factor: issue challenges, verify responses, throttle, lock, audit."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from portal import counters

from . import codecard, conf, feedback
from .models import AuditEvent, Challenge, SecurityDevice, binding_digest


def client_ip(request):
    """The peer address; a proxy's X-Forwarded-For is not trusted here."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit(kind, *, user=None, username="", device=None, request=None, purpose="", reason="", actor=""):
    AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        device=device,
        ip=client_ip(request),
        purpose=purpose,
        reason=reason,
        actor=actor,
    )


def active_device(user):
    return SecurityDevice.objects.filter(user=user, confirmed=True).first()


def _deviceless_key(user):
    return f"securelogin:deviceless-failures:{user.pk}"


def _count_deviceless_failure(user):
    """An account without a device has no throttle row; its wrong passwords are
    counted in the shared cache (Redis, or the embedded set-up's database cache) so
    that guessing is bounded there too: the "no device" answer would otherwise confirm a password."""
    counters.hit(_deviceless_key(user), conf.get("PENDING_SIGNIN_SECONDS"))


def _deviceless_locked(user):
    return counters.count(_deviceless_key(user)) >= conf.get("LOCK_AFTER_FAILURES")


@dataclass
class FirstFactor:
    user: object = None
    device: object = None
    problem: object = None


def check_password(request, username, password):
    """First factor. Unknown users cost the same hashing time as a wrong password
    (Django's ModelBackend hashes anyway) and get the same message."""
    username = (username or "")[:150]
    user = authenticate(request, username=username, password=password or "")
    if user is None or user.is_staff:
        from django.contrib.auth import get_user_model

        known = get_user_model().objects.filter(username=username, is_staff=False).first()
        device = active_device(known) if known else None
        if device and not device.is_locked:
            if device.record_failure():
                audit(AuditEvent.Kind.LOCKOUT, user=known, device=device, request=request, reason="password")
            audit(AuditEvent.Kind.FAILURE, user=known, device=device, request=request, purpose="signin",
                  reason="password")
        elif known and device is None:
            _count_deviceless_failure(known)
            audit(AuditEvent.Kind.FAILURE, user=known, request=request, purpose="signin", reason="password")
        return FirstFactor(problem=feedback.problem(feedback.BAD_CREDENTIALS))
    device = active_device(user)
    if device is None:
        # No device: the second step asks for a temporary code like for any
        # client whose device is lost, so this answer does not confirm the
        # password more than the second step of any other account does. The
        # deviceless counter is not reset here: it also counts the wrong codes.
        if _deviceless_locked(user):
            return FirstFactor(user=user, problem=feedback.problem(feedback.LOCKED))
        return FirstFactor(user=user)
    if device.is_locked:
        return FirstFactor(user=user, device=device, problem=feedback.problem(feedback.LOCKED))
    return FirstFactor(user=user, device=device)


def issue_challenge(user, device, purpose, nonce, request=None):
    """A fresh challenge bound to `nonce` (kept in the client's session)."""
    with transaction.atomic():
        # Housekeeping: this client's challenges older than a day are of no use any more.
        Challenge.objects.filter(user=user, created_at__lt=timezone.now() - timedelta(days=1)).delete()
        # Older open challenges of the same attempt are withdrawn: one at a time.
        Challenge.objects.filter(binding=binding_digest(nonce), used_at__isnull=True).update(used_at=timezone.now())
        previous = Challenge.objects.filter(device=device).order_by("-created_at", "-pk").first()
        challenge = Challenge.objects.create(
            user=user,
            device=device,
            purpose=purpose,
            code=device.new_challenge_code(previous.code if previous else ""),
            binding=binding_digest(nonce),
            expires_at=timezone.now() + timedelta(seconds=conf.get("CHALLENGE_SECONDS")),
        )
        audit(AuditEvent.Kind.CHALLENGE_ISSUED, user=user, device=device, request=request, purpose=purpose)
    return challenge


def current_challenge(nonce, user):
    return (
        Challenge.objects.filter(binding=binding_digest(nonce), user=user, used_at__isnull=True)
        .select_related("device")
        .order_by("-created_at")
        .first()
    )


@dataclass
class Outcome:
    ok: bool
    problem: object = None
    new_challenge: bool = False  # the caller should show a fresh challenge
    locked: bool = False


def verify_response(*, user, nonce, challenge_id, response, purpose, request=None):
    """Check one response to the challenge of this attempt.

    Order: form of the input (no secret touched, nothing counted), binding of
    the challenge to this attempt, lockout, back-off, expiry, then the OCRA
    comparison. A right response is accepted once only: the challenge is
    consumed by an atomic UPDATE … WHERE used_at IS NULL.
    """
    device = active_device(user)
    kind = device.kind if device else None
    if kind == SecurityDevice.Kind.CARD:
        response, form_problem = feedback.check_card_values_form(response)
    else:
        response, form_problem = feedback.check_response_form(response)
        if form_problem:
            form_problem.help_url = feedback.help_url(form_problem.code, kind)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    if device is None:
        return Outcome(ok=False, problem=feedback.problem(feedback.NO_DEVICE))
    if device.is_locked:
        return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
    if device.is_expired:
        return Outcome(ok=False, problem=expired_problem(device))

    challenge = Challenge.objects.filter(
        public_id=str(challenge_id or "")[:32], binding=binding_digest(nonce), user=user, purpose=purpose
    ).first()
    if challenge is None or challenge.device_id != device.pk:
        audit(AuditEvent.Kind.FAILURE, user=user, device=device, request=request, purpose=purpose, reason="tampered")
        return Outcome(ok=False, problem=feedback.problem(feedback.TAMPERED, kind), new_challenge=True)
    if challenge.used_at is not None:
        audit(AuditEvent.Kind.FAILURE, user=user, device=device, request=request, purpose=purpose, reason="replayed")
        return Outcome(ok=False, problem=feedback.problem(feedback.REPLAYED, kind), new_challenge=True)

    # One verification at a time per account: the device row is locked, so the
    # back-off and the counters hold even for parallel submissions (several workers).
    with transaction.atomic():
        device = SecurityDevice.objects.select_for_update().get(pk=device.pk)
        return _judge(device, challenge, response, user=user, purpose=purpose, request=request)


def expired_problem(device):
    """The message for an expired card or temporary code, with the date it expired in the client's language."""
    if device.kind == SecurityDevice.Kind.CARD:
        return feedback.problem(feedback.CARD_EXPIRED, date=local_date(device.expires_at))
    return feedback.problem(feedback.CODE_EXPIRED)


def local_date(moment):
    """A date written the way the active language writes it (e.g. "Dec. 16, 2026" / "16. Dezember 2026")."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def guard(device, kind=None):
    """Lockout and back-off of the account (its one active device); None when a try is allowed.
    Call with the device row locked (select_for_update)."""
    if device.is_locked:
        return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED, kind), locked=True)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = math.ceil((info["locked_until"] - timezone.now()).total_seconds())
        return Outcome(ok=False, problem=feedback.problem(feedback.THROTTLED, kind, seconds=max(wait, 1)))
    return None


def count_failure(device, problem, *, user, purpose, request, reason="wrong"):
    """One wrong answer: counted toward the back-off and the lockout, audited."""
    locked = device.record_failure()
    audit(AuditEvent.Kind.FAILURE, user=user, device=device, request=request, purpose=purpose, reason=reason)
    if locked:
        audit(AuditEvent.Kind.LOCKOUT, user=user, device=device, request=request, purpose=purpose)
        return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED, device.kind), locked=True)
    return Outcome(ok=False, problem=problem)


def _judge(device, challenge, response, *, user, purpose, request):
    kind = device.kind
    blocked = guard(device, kind)
    if blocked:
        return blocked

    if challenge.is_expired:
        audit(AuditEvent.Kind.FAILURE, user=user, device=device, request=request, purpose=purpose, reason="expired")
        minutes = max(conf.get("CHALLENGE_SECONDS") // 60, 1)
        return Outcome(ok=False, problem=feedback.problem(feedback.EXPIRED, kind, minutes=minutes), new_challenge=True)

    if device.matches(challenge.code, response):
        if not challenge.consume():
            audit(AuditEvent.Kind.FAILURE, user=user, device=device, request=request, purpose=purpose,
                  reason="replayed")
            return Outcome(ok=False, problem=feedback.problem(feedback.REPLAYED, kind), new_challenge=True)
        device.record_success()
        audit(AuditEvent.Kind.SUCCESS, user=user, device=device, request=request, purpose=purpose)
        return Outcome(ok=True)

    challenge.count_failure()
    wrong = feedback.problem(feedback.WRONG, kind)
    reason = "wrong"
    if kind == SecurityDevice.Kind.CARD and device.matches(codecard.swapped(challenge.code), response):
        wrong, reason = feedback.problem(feedback.CARD_SWAPPED), "swapped"
    outcome = count_failure(device, wrong, user=user, purpose=purpose, request=request, reason=reason)
    if outcome.locked:
        return outcome
    if challenge.is_withdrawn:
        Challenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=timezone.now())
        return Outcome(ok=False, problem=feedback.problem(feedback.WITHDRAWN, kind), new_challenge=True)
    return outcome


def assign_device(user, kind, pin="", actor="", request=None, audit_kind=AuditEvent.Kind.DEVICE_ASSIGNED, **fields):
    """Give `user` a new active credential (a device, a temporary code or an
    activated code card), revoking the previous one and any card that waits
    for activation: a client has one at a time."""
    with transaction.atomic():
        old_rows = SecurityDevice.objects.select_for_update().filter(user=user, revoked_at__isnull=True).filter(
            Q(confirmed=True) | Q(kind=SecurityDevice.Kind.CARD)
        )
        for old in old_rows:
            old.revoke()
            audit(AuditEvent.Kind.DEVICE_REVOKED, user=user, device=old, actor=actor, request=request)
        device = SecurityDevice.build(user, kind, pin)
        for name, value in fields.items():
            setattr(device, name, value)
        device.save()
        audit(audit_kind, user=user, device=device, actor=actor, request=request)
    return device
