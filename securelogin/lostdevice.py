"""Business rules of temporary access (KB70, KB2636): issue and check temporary
codes, offer the Online Security Code Card, activate it.

Shared with the devices (services.py): the one-active-credential rule, the
per-account back-off and lockout on that credential's row, and the audit log.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import codecard, conf, feedback, services, temporary_codes
from .models import AuditEvent, Challenge, SecurityDevice, binding_digest
from .services import Outcome, audit, count_failure, guard

Reason = AuditEvent.Reason

Kind = SecurityDevice.Kind
# Replaced codes checked to tell the client "use the newest code" (bounded hashing work).
REPLACED_CODES_CHECKED = 3


# --- temporary codes ------------------------------------------------------------


def issue_temporary_code(user, actor, request=None):
    """Staff action: a new temporary code for `user`, which replaces the client's
    current device, code or card. Returns (device row, plain code): the code is
    shown to staff once and stored only as a salted hash."""
    code = temporary_codes.new_code()
    device = services.assign_device(
        user, Kind.TEMPORARY, actor=actor, request=request, audit_kind=AuditEvent.Kind.TEMP_CODE_ISSUED,
        code_hash=temporary_codes.hash_code(code), issued_by=actor,
        expires_at=timezone.now() + timedelta(hours=conf.get("TEMPORARY_CODE_HOURS")),
    )
    return device, code


def verify_temporary_code(*, user, raw, purpose, request=None):
    """The second factor typed as a temporary code. Order: form (nothing counted),
    lockout and back-off, expiry, then the hash; wrong codes count toward the lockout."""
    code, form_problem = temporary_codes.check_form(raw)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    device = services.active_device(user)
    if device is None:
        # No credential at all: same page and answer as a wrong code, bounded by the deviceless counter.
        if services.deviceless_locked(user):
            audit(AuditEvent.Kind.REFUSED, user=user, request=request, purpose=purpose, reason=Reason.LOCKED)
            return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
        locked_now = services.count_deviceless_failure(user)
        audit(AuditEvent.Kind.FAILURE, user=user, request=request, purpose=purpose, reason=Reason.NO_CREDENTIAL)
        if locked_now:
            audit(AuditEvent.Kind.LOCKOUT, user=user, request=request, purpose=purpose)
            return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
        return Outcome(ok=False, problem=feedback.problem(feedback.CODE_WRONG))
    with transaction.atomic():
        device = SecurityDevice.objects.select_for_update().get(pk=device.pk)
        blocked = guard(device, user=user, purpose=purpose, request=request)
        if blocked:
            return blocked
        if device.kind != Kind.TEMPORARY:
            return count_failure(device, feedback.problem(feedback.CODE_WRONG), user=user, purpose=purpose,
                                 request=request, reason=Reason.NOT_TEMPORARY)
        if device.is_expired:
            return Outcome(ok=False, problem=feedback.problem(feedback.CODE_EXPIRED))
        if temporary_codes.code_matches(code, device.code_hash):
            device.record_success()
            audit(AuditEvent.Kind.TEMP_CODE_USED, user=user, device=device, request=request, purpose=purpose)
            return Outcome(ok=True)
        if _is_replaced_code(user, code, device):
            return count_failure(device, feedback.problem(feedback.CODE_REPLACED), user=user, purpose=purpose,
                                 request=request, reason=Reason.REPLACED_CODE)
        return count_failure(device, feedback.problem(feedback.CODE_WRONG), user=user, purpose=purpose,
                             request=request)


def _is_replaced_code(user, code, current):
    older = SecurityDevice.objects.filter(
        user=user, kind=Kind.TEMPORARY, revoked_at__isnull=False, created_at__lte=current.created_at,
        created_at__gte=timezone.now() - timedelta(hours=conf.get("TEMPORARY_CODE_HOURS")),
    ).exclude(pk=current.pk).order_by("-created_at")[:REPLACED_CODES_CHECKED]
    return any(temporary_codes.code_matches(code, old.code_hash) for old in older)


# --- the Online Security Code Card ----------------------------------------------


@dataclass
class CardState:
    card: object = None
    problem: object = None


def revoked_card_notice(user):
    """The CARD_REVOKED problem when the client's latest credential is a card that
    staff revoked and nothing replaced it; else None."""
    latest = SecurityDevice.objects.filter(user=user).order_by("-created_at", "-pk").first()
    if latest is not None and latest.kind == Kind.CARD and latest.revoked_at is not None:
        return feedback.problem(feedback.CARD_REVOKED)
    return None


def has_temporary_access(user):
    device = services.active_device(user)
    return device is not None and device.kind == Kind.TEMPORARY and not device.is_expired


def pending_card(user):
    return SecurityDevice.objects.filter(
        user=user, kind=Kind.CARD, confirmed=False, revoked_at__isnull=True
    ).order_by("-created_at").first()


def card_to_print(user, request=None, create=False):
    """The card whose values may be shown: only a card waiting for activation,
    only while the client is signed in with a temporary code. With `create`, a
    new card is made when none is waiting."""
    active = services.active_device(user)
    if active is not None and active.kind == Kind.CARD:
        problem = services.expired_problem(active) if active.is_expired else feedback.problem(
            feedback.CARD_ALREADY_ACTIVE)
        return CardState(problem=problem)
    if not has_temporary_access(user):
        return CardState(problem=feedback.problem(feedback.CARD_NOT_AVAILABLE))
    card = pending_card(user)
    if card is None and create:
        with transaction.atomic():
            SecurityDevice.objects.select_for_update().filter(pk=active.pk).first()  # one card at a time
            card = pending_card(user)
            if card is None:
                card = SecurityDevice.build(user, Kind.CARD)
                card.confirmed = False
                card.save()
                audit(AuditEvent.Kind.CARD_ISSUED, user=user, device=card, request=request)
    if card is None:
        return CardState(problem=feedback.problem(feedback.CARD_NOT_AVAILABLE))
    return CardState(card=card)


def issue_activation_prompt(user, card, nonce, request=None):
    return services.issue_challenge(user, card, Challenge.Purpose.CARD_ACTIVATION, nonce, request)


def current_activation_prompt(user, card, nonce):
    prompt = services.current_challenge(nonce, user)
    if prompt is None or prompt.device_id != card.pk or prompt.is_expired or prompt.is_withdrawn:
        return None
    return prompt


def activate_card(*, user, nonce, prompt_id, raw, request=None):
    """Check the two card values of the activation prompt; on success the card
    becomes the client's active credential for CARD_DAYS and the temporary code
    is revoked. Wrong values (and swapped ones) count toward the account's lockout
    on the temporary code's row; malformed input is explained and not counted."""
    purpose = Challenge.Purpose.CARD_ACTIVATION
    values, form_problem = feedback.check_card_values_form(raw)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    state = card_to_print(user)
    if state.problem:
        return Outcome(ok=False, problem=state.problem)
    card = state.card
    prompt = Challenge.objects.filter(
        public_id=str(prompt_id or "")[:32], binding=binding_digest(nonce), user=user, purpose=purpose
    ).first()
    if prompt is not None and prompt.device_id != card.pk and prompt.device.revoked_at is not None:
        # the prompt of a card that was replaced or revoked meanwhile (another tab, staff)
        return Outcome(ok=False, problem=feedback.problem(feedback.CARD_REVOKED), new_challenge=True)
    if prompt is None or prompt.device_id != card.pk:
        audit(AuditEvent.Kind.FAILURE, user=user, device=card, request=request, purpose=purpose, reason=Reason.TAMPERED)
        return Outcome(ok=False, problem=feedback.problem(feedback.TAMPERED), new_challenge=True)
    if prompt.used_at is not None:
        audit(AuditEvent.Kind.FAILURE, user=user, device=card, request=request, purpose=purpose,
              reason=Reason.REPLAYED)
        return Outcome(ok=False, problem=feedback.problem(feedback.REPLAYED), new_challenge=True)

    with transaction.atomic():
        access = SecurityDevice.objects.select_for_update().get(pk=services.active_device(user).pk)
        if access.kind != Kind.TEMPORARY or access.revoked_at is not None:
            # a parallel submission activated the card (or staff replaced the code) meanwhile
            return Outcome(ok=False, problem=feedback.problem(feedback.CARD_ALREADY_ACTIVE))
        blocked = guard(access, user=user, purpose=purpose, request=request)
        if blocked:
            return blocked
        if prompt.is_expired:
            audit(AuditEvent.Kind.FAILURE, user=user, device=card, request=request, purpose=purpose,
                  reason=Reason.EXPIRED)
            minutes = max(conf.get("CHALLENGE_SECONDS") // 60, 1)
            return Outcome(ok=False, problem=feedback.problem(feedback.EXPIRED, minutes=minutes), new_challenge=True)
        if card.matches(prompt.code, values):
            if not prompt.consume():
                audit(AuditEvent.Kind.FAILURE, user=user, device=card, request=request, purpose=purpose,
                      reason=Reason.REPLAYED)
                return Outcome(ok=False, problem=feedback.problem(feedback.REPLAYED), new_challenge=True)
            now = timezone.now()
            access.revoke()
            audit(AuditEvent.Kind.DEVICE_REVOKED, user=user, device=access, request=request, reason=Reason.CARD_ACTIVATED)
            SecurityDevice.objects.filter(pk=card.pk).update(
                confirmed=True, activated_at=now, expires_at=now + timedelta(days=conf.get("CARD_DAYS")),
                last_used_at=now,
            )
            card.refresh_from_db()
            audit(AuditEvent.Kind.CARD_ACTIVATED, user=user, device=card, request=request, purpose=purpose)
            return Outcome(ok=True)
        prompt.count_failure()
        if card.matches(codecard.swapped(prompt.code), values):
            return count_failure(access, feedback.problem(feedback.CARD_SWAPPED), user=user, purpose=purpose,
                                 request=request, reason=Reason.SWAPPED)
        outcome = count_failure(access, feedback.problem(feedback.CARD_WRONG), user=user, purpose=purpose,
                                request=request)
        if not outcome.locked and prompt.is_withdrawn:
            Challenge.objects.filter(pk=prompt.pk, used_at__isnull=True).update(used_at=timezone.now())
            outcome.new_challenge = True
        return outcome
