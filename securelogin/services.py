"""Business rules of the second factor: issue challenges, verify responses, throttle, lock,
audit."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from portal import counters
from portal.client_address import client_ip

from . import codecard, feedback, limits
from .conf import app_settings
from .models import AuditEvent, Challenge, SecurityDevice, binding_digest

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from django.db.models import QuerySet

    from securelogin.feedback import Problem

Reason = AuditEvent.Reason


def audit(
    kind: str,
    *,
    user: User | None = None,
    username: str = "",
    device: SecurityDevice | None = None,
    request: HttpRequest | None = None,
    purpose: str = "",
    reason: str = "",
    actor: str = "",
    count: int | None = None,
) -> None:
    AuditEvent.objects.create(
        count=count,
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        device=device,
        ip=client_ip(request),
        purpose=purpose,
        reason=reason,
        actor=actor,
    )


def staff_event(
    kind: str,
    device: SecurityDevice | None,
    *,
    actor: str,
    request: HttpRequest | None,
    count: int | None = None,
) -> None:
    """Audit what staff (or a command, `actor`) did to a client's device."""
    user = device.user if device else None
    audit(kind, user=user, device=device, actor=actor, request=request, count=count)


@dataclass(frozen=True)
class Attempt:
    """Whose try at a prompt this is, from where (the request) and for what (purpose): what
    every audit row of the verification steps records, passed to them once."""

    user: User
    purpose: str
    request: HttpRequest | None = None

    def failed(self, reason: str, device: SecurityDevice | None) -> None:
        """Audit a wrong or unusable answer (staff see every one)."""
        self._audit(AuditEvent.Kind.FAILURE, device, reason)

    def refused(self, reason: str, device: SecurityDevice | None) -> None:
        """Audit a try refused before any secret was looked at (locked, throttled, limit)."""
        self._audit(AuditEvent.Kind.REFUSED, device, reason)

    def event(self, kind: str, device: SecurityDevice | None) -> None:
        """Audit what happened to `device` in this attempt (issued, used, activated …)."""
        self._audit(kind, device)

    def retry(
        self,
        reason: str,
        device: SecurityDevice,
        code: feedback.ProblemType,
        kind: str | None = None,
    ) -> Outcome:
        """Audit the failure `reason`, then ask for a fresh prompt (the problem `code`)."""
        self.failed(reason, device)
        return retry(code, kind)

    def _audit(self, kind: str, device: SecurityDevice | None, reason: str = "") -> None:
        audit(
            kind,
            user=self.user,
            device=device,
            request=self.request,
            purpose=self.purpose,
            reason=reason,
        )


def waiting_devices(user: User, kind: str) -> QuerySet[SecurityDevice]:
    """The client's devices of `kind` that wait for activation (not revoked)."""
    return SecurityDevice.objects.filter(
        user=user, kind=kind, confirmed=False, revoked_at__isnull=True
    )


def active_device(user: User) -> SecurityDevice | None:
    return SecurityDevice.objects.filter(user=user, confirmed=True).first()


# --- accounts without any credential ------------------------------------------
# They have no row to count on: their (always wrong) temporary codes are counted
# in the shared cache, and the lock they earn expires after LOCK_SECONDS like a
# device's first lock.


def _deviceless_key(user: User) -> str:
    return f"securelogin:deviceless-failures:{user.pk}"


def count_deviceless_failure(user: User) -> bool:
    """Returns True when this failure locked the account. The lock's end is stored as a
    time (not left to the key's expiry), and its length doubles like a device's."""
    key = _deviceless_key(user)
    if counters.hit(key, app_settings.LOCK_SECONDS) != app_settings.LOCK_AFTER_FAILURES:
        return False
    locks = counters.hit(key + ":locks", 24 * 3600)
    seconds = limits.lock_seconds(locks)
    cache.set(key + ":until", time.time() + seconds, timeout=seconds + 60)
    cache.delete(key)
    return True


def deviceless_locked(user: User) -> bool:
    return (cache.get(_deviceless_key(user) + ":until") or 0) > time.time()


def account_locked(user: User, device: SecurityDevice | None = None) -> bool:
    """Whether the account is locked (by second-factor failures); locks end by themselves.
    Without an active `device`: the shared cache's lock, or the lock on the row of a token
    waiting for activation (a new client's wrong answers at sign-in count there)."""
    if device is not None:
        return device.is_locked
    return deviceless_locked(user) or any(
        token.is_locked
        for token in SecurityDevice.objects.filter(
            user=user,
            kind=SecurityDevice.Kind.TOKEN,
            confirmed=False,
            revoked_at__isnull=True,
            locked_at__isnull=False,
        )
    )


@dataclass
class FirstFactor:
    """The password step's result: the user (and device) when it passed, else the problem."""

    user: User | None = None
    device: SecurityDevice | None = None
    problem: feedback.Problem | None = None


def check_password(request: HttpRequest | None, username: str, password: str) -> FirstFactor:
    """First factor, in an order that tells an attacker nothing:

    1. the try is counted for (source, user name) and the source; throttled
       tries get THROTTLED without the password being looked at;
    2. a locked account gets LOCKED whatever the password;
    3. only then the password: unknown users cost the same hashing time as a
       wrong password (Django's ModelBackend hashes anyway) and get the same
       message. Wrong passwords never count toward the account's lock.
    Every refusal is audited with its reason and the client's address.
    """
    username = (username or "")[:150]
    ip = client_ip(request)
    known = get_user_model().objects.filter(username=username, is_staff=False).first()
    wait = limits.admit_password_try(ip, username)
    if wait:
        audit(
            AuditEvent.Kind.REFUSED,
            user=known,
            username=username,
            request=request,
            purpose="signin",
            reason=Reason.THROTTLED,
        )
        return FirstFactor(problem=feedback.throttled(wait))
    device = active_device(known) if known else None
    if known is not None and account_locked(known, device):
        Attempt(known, "signin", request).refused(Reason.LOCKED, device)
        return FirstFactor(problem=feedback.problem(feedback.LOCKED))
    user = authenticate(request, username=username, password=password or "")
    if user is None or user.is_staff:
        audit(
            AuditEvent.Kind.FAILURE,
            user=known,
            username=username,
            device=device,
            request=request,
            purpose="signin",
            reason=Reason.PASSWORD,
        )
        return FirstFactor(problem=feedback.problem(feedback.BAD_CREDENTIALS))
    limits.password_accepted(ip, username)
    # An account without a device gets the temporary-code page like any client whose
    # device is lost, so the next step does not tell whether a device exists.
    return FirstFactor(user=user, device=active_device(user))


class PromptLimitReached(Exception):
    """More new challenges or card prompts for this account this hour than PROMPTS_PER_HOUR."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def issue_challenge(
    user: User,
    device: SecurityDevice,
    purpose: str,
    nonce: str,
    request: HttpRequest | None = None,
) -> Challenge:
    """A challenge bound to `nonce` (kept in the client's session).

    A code card keeps its open prompt (same pair, same expiry) until it is
    answered or expires, whichever session asks: a fresh sign-in does not draw
    a new pair. New codes are limited to PROMPTS_PER_HOUR per account
    (PromptLimitReached); a prompt replaced before anyone answered it is audited.
    """
    now = timezone.now()
    with transaction.atomic():
        SecurityDevice.objects.select_for_update().filter(
            pk=device.pk
        ).first()  # one issuer at a time per device
        # Housekeeping: this client's challenges older than a day are of no use any more.
        Challenge.objects.filter(user=user, created_at__lt=now - timedelta(days=1)).delete()
        # Older open challenges of the same attempt are withdrawn: one at a time.
        Challenge.objects.filter(binding=binding_digest(nonce), used_at__isnull=True).update(
            used_at=now
        )
        previous = Challenge.objects.filter(device=device).order_by("-created_at", "-pk").first()
        keep = (
            device.kind == SecurityDevice.Kind.CARD
            and previous is not None
            and previous.purpose == purpose
            and not previous.answered
            and previous.expires_at > now
        )
        if keep:
            assert previous is not None  # keep says so
            Challenge.objects.filter(pk=previous.pk).update(used_at=now)
            code, expires_at = previous.code, previous.expires_at
        elif counters.hit(f"securelogin:prompts:{user.pk}", 3600) > app_settings.PROMPTS_PER_HOUR:
            code = None
        else:
            if previous is not None and not previous.answered:
                Attempt(user, previous.purpose, request).failed(Reason.UNANSWERED, device)
            code = device.new_challenge_code(previous.code if previous else "")
            expires_at = now + timedelta(seconds=app_settings.CHALLENGE_SECONDS)
        if code is None:
            challenge = None
            Attempt(user, purpose, request).refused(Reason.PROMPT_LIMIT, device)
        else:
            challenge = Challenge.objects.create(
                user=user,
                device=device,
                purpose=purpose,
                code=code,
                binding=binding_digest(nonce),
                expires_at=expires_at,
            )
        if challenge is not None and not keep:
            Attempt(user, purpose, request).event(AuditEvent.Kind.CHALLENGE_ISSUED, device)
    if (
        challenge is None
    ):  # raised outside the transaction, so the refusal's audit row and count are kept
        raise PromptLimitReached(feedback.problem(feedback.PROMPT_LIMIT, device.kind))
    return challenge


def current_challenge(nonce: str, user: User) -> Challenge | None:
    return (
        Challenge.objects.filter(binding=binding_digest(nonce), user=user, used_at__isnull=True)
        .select_related("device")
        .order_by("-created_at")
        .first()
    )


def open_challenge(nonce: str, user: User, device: SecurityDevice) -> Challenge | None:
    """This attempt's newest unanswered challenge, if it is `device`'s and neither expired
    nor withdrawn."""
    prompt = current_challenge(nonce, user)
    if prompt is None or prompt.device_id != device.pk or prompt.is_expired or prompt.is_withdrawn:
        return None
    return prompt


@dataclass
class Outcome:
    """One verification's result; `locked` when the account is (now) locked."""

    ok: bool
    problem: feedback.Problem | None = None
    new_challenge: bool = False  # the caller should show a fresh challenge
    locked: bool = False


def retry(code: feedback.ProblemType, kind: str | None = None) -> Outcome:
    """A refusal that needs a fresh prompt: the problem `code` (for the device `kind`)."""
    return Outcome(ok=False, problem=feedback.problem(code, kind), new_challenge=True)


class Answer(TypedDict):
    """A client's answer to an activation prompt, as the views pass it (the form gives
    `prompt_id` and `raw`)."""

    user: User
    nonce: str
    prompt_id: str
    raw: str
    request: NotRequired[HttpRequest | None]


def find_prompt(prompt_id: str, nonce: str, user: User, purpose: str) -> Challenge | None:
    """The challenge or card prompt the form names, if it belongs to this attempt."""
    return Challenge.objects.filter(
        public_id=str(prompt_id or "")[:32],
        binding=binding_digest(nonce),
        user=user,
        purpose=purpose,
    ).first()


def usable_prompt(
    prompt: Challenge | None, device: SecurityDevice, attempt: Attempt, kind: str | None = None
) -> Challenge | Outcome:
    """The prompt, if it is `device`'s and unanswered; else the refusal (audited)."""
    if prompt is None or prompt.device_id != device.pk:
        return attempt.retry(Reason.TAMPERED, device, feedback.TAMPERED, kind)
    if prompt.used_at is not None:
        return attempt.retry(Reason.REPLAYED, device, feedback.REPLAYED, kind)
    return prompt


def verify_response(
    *,
    user: User,
    nonce: str,
    challenge_id: str,
    response: str,
    purpose: str,
    request: HttpRequest | None = None,
) -> Outcome:
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
        digits = device.response_digits if device else feedback.RESPONSE_DIGITS
        response, form_problem = feedback.check_response_form(response, digits=digits)
        if form_problem:
            form_problem.help_url = feedback.help_url(form_problem.code, kind)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    if device is None:
        return Outcome(ok=False, problem=feedback.problem(feedback.NO_DEVICE))
    attempt = Attempt(user, purpose, request)
    if device.is_locked:
        attempt.refused(Reason.LOCKED, device)
        return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED), locked=True)
    if device.is_expired:
        return Outcome(ok=False, problem=expired_problem(device))

    found = find_prompt(challenge_id, nonce, user, purpose)
    challenge = usable_prompt(found, device, attempt, kind)
    if isinstance(challenge, Outcome):
        return challenge

    # One verification at a time per account: the device row is locked, so the
    # back-off and the counters hold even for parallel submissions (several workers).
    with transaction.atomic():
        device = SecurityDevice.objects.select_for_update().get(pk=device.pk)
        return _judge(device, challenge, response, attempt)


def expired_problem(device: SecurityDevice) -> Problem:
    """The message for an expired card or temporary code, with the date it expired in the client's
    language."""
    if device.kind == SecurityDevice.Kind.CARD and device.expires_at is not None:
        return feedback.problem(feedback.CARD_EXPIRED, date=local_date(device.expires_at))
    return feedback.problem(feedback.CODE_EXPIRED)


def local_date(moment: datetime) -> str:
    """A date written the way the active language writes it (e.g. "Dec. 16, 2026" / "16. Dezember
    2026")."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def guard(device: SecurityDevice, attempt: Attempt, kind: str | None = None) -> Outcome | None:
    """Lockout and back-off of the account (its one active device); None when a try
    is allowed, else the refusal (audited). Call with the device row locked
    (select_for_update). A lock that ran out is ended here."""
    device.end_lock_if_due()
    if device.is_locked:
        attempt.refused(Reason.LOCKED, device)
        return Outcome(ok=False, problem=feedback.problem(feedback.LOCKED, kind), locked=True)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = math.ceil((info["locked_until"] - timezone.now()).total_seconds())
        attempt.refused(Reason.THROTTLED, device)
        return Outcome(ok=False, problem=feedback.throttled(wait, kind))
    return None


def count_failure(
    device: SecurityDevice, problem: Problem | None, attempt: Attempt, reason: str = Reason.WRONG
) -> Outcome:
    """One wrong answer: counted toward the back-off and the lockout, audited."""
    locked = device.record_failure()
    attempt.failed(reason, device)
    if locked:
        attempt.event(AuditEvent.Kind.LOCKOUT, device)
        return Outcome(
            ok=False, problem=feedback.problem(feedback.LOCKED, device.kind), locked=True
        )
    return Outcome(ok=False, problem=problem)


def _judge(
    device: SecurityDevice, challenge: Challenge, response: str, attempt: Attempt
) -> Outcome:
    def success() -> Outcome:
        device.record_success()
        attempt.event(AuditEvent.Kind.SUCCESS, device)
        return Outcome(ok=True)

    wrong = feedback.problem(feedback.WRONG, device.kind)
    return judge(device, device, challenge, response, attempt, wrong=wrong, on_success=success)


def judge(
    counted: SecurityDevice,
    responder: SecurityDevice,
    challenge: Challenge,
    response: str,
    attempt: Attempt,
    *,
    wrong: Problem,
    on_success: Callable[[], Outcome],
) -> Outcome:
    """The one verification step of a prompt: a device's challenge, a card's two index
    numbers at sign-in, or at activation. `counted` is the account's active credential
    (its row locked by the caller: back-off, lock, counting); `responder` the device or
    card whose values answer the prompt (the same row except at card activation).

    Order: lock and back-off, expiry, the comparison; a right answer is accepted once
    (atomic consume), a wrong one counts (swapped card values get their own message)
    and withdraws the prompt after MAX_FAILURES_PER_CHALLENGE.
    """
    kind = responder.kind
    blocked = guard(counted, attempt, kind)
    if blocked:
        return blocked

    if challenge.is_expired:
        attempt.failed(Reason.EXPIRED, responder)
        minutes = max(app_settings.CHALLENGE_SECONDS // 60, 1)
        return Outcome(
            ok=False,
            problem=feedback.problem(feedback.EXPIRED, kind, minutes=minutes),
            new_challenge=True,
        )

    if responder.matches(challenge.code, response):
        if not challenge.consume():
            return attempt.retry(Reason.REPLAYED, responder, feedback.REPLAYED, kind)
        return on_success()

    challenge.count_failure()
    reason = Reason.WRONG
    if kind == SecurityDevice.Kind.CARD and responder.matches(
        codecard.swapped(challenge.code), response
    ):
        wrong, reason = feedback.problem(feedback.CARD_SWAPPED), Reason.SWAPPED
    outcome = count_failure(counted, wrong, attempt, reason)
    if outcome.locked:
        return outcome
    if challenge.is_withdrawn:
        Challenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return attempt.retry(Reason.WITHDRAWN, responder, feedback.WITHDRAWN, kind)
    return outcome


def assign_device(
    user: User,
    kind: str,
    pin: str = "",
    actor: str = "",
    request: HttpRequest | None = None,
    audit_kind: str = AuditEvent.Kind.DEVICE_ASSIGNED,
    **fields: Any,
) -> SecurityDevice:
    """Give `user` a new active credential (a device, a temporary code or an
    activated code card), revoking the previous one and any card that waits
    for activation: a client has one at a time."""
    with transaction.atomic():
        old_rows = (
            SecurityDevice.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True)
            .filter(Q(confirmed=True) | Q(kind=SecurityDevice.Kind.CARD))
        )
        for old in old_rows:
            old.revoke()
            audit(
                AuditEvent.Kind.DEVICE_REVOKED, user=user, device=old, actor=actor, request=request
            )
        device = SecurityDevice.build(user, kind, pin)
        for name, value in fields.items():
            setattr(device, name, value)
        device.save()
        audit(audit_kind, user=user, device=device, actor=actor, request=request)
    return device
