"""Security devices, challenges and the audit log of the emulated Client Portal."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from portal.append_only import AppendOnlyModel
from portal.crypto import decrypt, encrypt

from .conf import app_settings
from .ocra import hash_pin, ocra, parse_suite

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models.fields.related_descriptors import RelatedManager


class PracticeAccount(models.Model):
    """Marks a client account as a practice account (the demo clients, or one staff
    made as such). Only practice accounts' devices have emulators; every other
    non-staff account is a client account (account_kinds.py holds the rules)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="practice_account",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("marked on"), default=timezone.now, editable=False)
    created_by = models.CharField(_("marked by"), max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("practice account")
        verbose_name_plural = _("practice accounts")

    def __str__(self) -> str:
        return str(self.user)


class HardwareToken(models.Model):  # type: ignore[django-manager-missing]  # django-otp has no stubs
    """A real OCRA token imported from a vendor's PSKC file (pskc_import.py).

    The secret (and, for suites with a PIN input, the PIN's hash) are encrypted at
    rest. Assigning the token creates a SecurityDevice of kind `token` that points
    here (device_assignment.py); the client's answer to one challenge activates it.
    A revoked token is available again; a lost one never is.
    """

    devices: RelatedManager[SecurityDevice]  # its assignments (SecurityDevice.hardware_token)

    class Status(models.TextChoices):
        AVAILABLE = "available", _("unassigned")
        ASSIGNED = "assigned", _("assigned")
        LOST = "lost", _("lost")

    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    suite = models.CharField(_("OCRA suite"), max_length=64)
    encrypted_key = models.TextField(editable=False)
    encrypted_pin_hash = models.TextField(blank=True, editable=False)
    pin_usage = models.CharField(_("PIN usage"), max_length=20, blank=True)
    pin_min_length = models.PositiveSmallIntegerField(_("shortest PIN"), null=True, blank=True)
    pin_max_length = models.PositiveSmallIntegerField(_("longest PIN"), null=True, blank=True)
    pin_max_failed_attempts = models.PositiveSmallIntegerField(
        _("wrong PINs before the token blocks"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now, editable=False)
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True, editable=False)
    lost_at = models.DateTimeField(_("marked lost"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["serial"]
        verbose_name = _("security token")
        verbose_name_plural = _("security tokens")

    def __str__(self) -> str:
        return self.serial

    def secret_key(self) -> bytes:
        return decrypt(self.encrypted_key)

    def pin_hash(self) -> bytes | None:
        return decrypt(self.encrypted_pin_hash) if self.encrypted_pin_hash else None

    @property
    def response_digits(self) -> int:
        return parse_suite(self.suite).digits


class SecurityDevice(TimestampMixin, ThrottlingMixin, Device):
    """A client's challenge/response device: IB Key on iOS or Android, or a DSC+ card.

    One model with a `kind` field rather than one model per kind: all kinds
    hold the same data (an OCRA key, a suite, optionally a PIN) and verify the
    same way; the kind only picks the suite and the emulator's look. One table
    also makes "the client's active device" a single unique constraint, and
    the throttle counters (django-otp's ThrottlingMixin) a per-account figure,
    because a client has at most one active (confirmed) device.

    Suites (RFC 6287 §8: with a 6-digit numeric challenge the response must not
    be longer than 6 digits):
    - iOS: OCRA-1:HOTP-SHA256-6:QN06 (the phone unlocks the key with Face ID /
      Touch ID, so no PIN enters the computation);
    - Android and DSC+: OCRA-1:HOTP-SHA256-6:QN06-PSHA1, the SHA-1 of the PIN is
      OCRA's P input, so a wrong PIN gives a wrong response. The DSC+ also
      checks the PIN itself and blocks after CARD_PIN_RETRIES wrong PINs.
    The key (32 random bytes) and the PIN hash are encrypted at rest.
    """

    class Kind(models.TextChoices):
        IOS = "ios", _("IB Key on iPhone")
        ANDROID = "android", _("IB Key on Android")
        DSC = "dsc", _("Digital Security Card (DSC+)")
        TEMPORARY = "temporary", _("Temporary code")
        CARD = "card", _("Online Security Code Card")
        TOKEN = "token", _("Security token")

    # Kinds staff assign from the device admin; temporary codes and code cards
    # have their own flows (temporary_codes.py, codecard.py).
    DEVICE_KINDS = (Kind.IOS, Kind.ANDROID, Kind.DSC)

    SUITES = {
        Kind.IOS: "OCRA-1:HOTP-SHA256-6:QN06",
        Kind.ANDROID: "OCRA-1:HOTP-SHA256-6:QN06-PSHA1",
        Kind.DSC: "OCRA-1:HOTP-SHA256-6:QN06-PSHA1",
        Kind.TEMPORARY: "",
        Kind.CARD: "",
        Kind.TOKEN: "",  # the imported token's own suite
    }

    # Kinds whose device the portal emulates (for practice accounts only).
    EMULATED_KINDS = (Kind.IOS, Kind.ANDROID, Kind.DSC)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    suite = models.CharField(_("OCRA suite"), max_length=64, editable=False)
    encrypted_key = models.TextField(editable=False)
    encrypted_pin_hash = models.TextField(blank=True, editable=False)
    card_pin_failures = models.PositiveSmallIntegerField(_("wrong card PINs in a row"), default=0)
    card_blocked_at = models.DateTimeField(_("card blocked at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("account locked at"), null=True, blank=True)
    lock_count = models.PositiveSmallIntegerField(_("locks in a row"), default=0)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Temporary codes and code cards only.
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    issued_by = models.CharField(_("issued by"), max_length=150, blank=True, editable=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Hardware tokens only: the imported token whose key and PIN hash this device uses.
    hardware_token = models.ForeignKey(
        HardwareToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("security token"),
        editable=False,
    )

    class Meta:
        verbose_name = _("security device")
        verbose_name_plural = _("security devices")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(confirmed=True),
                name="securelogin_one_active_device_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"

    # --- creation and secrets -------------------------------------------------

    @classmethod
    def build(cls, user: User, kind: str, pin: str = "") -> SecurityDevice:
        """A new active device for `user` with a fresh random key (not saved)."""
        device = cls(user=user, kind=kind, name=str(cls.Kind(kind).label), confirmed=True)
        device.suite = cls.SUITES[kind]  # type: ignore[index]  # Kind is a str enum
        device.encrypted_key = encrypt(secrets.token_bytes(32))
        device.set_pin(pin)
        return device

    def set_pin(self, pin: str) -> None:
        if self.needs_pin:
            if not (pin and len(pin) == 4 and pin.isascii() and pin.isdigit()):
                raise ValueError("This device needs a 4-digit PIN.")
            self.encrypted_pin_hash = encrypt(hash_pin(pin, "SHA1"))
        else:
            self.encrypted_pin_hash = ""

    @property
    def needs_pin(self) -> bool:
        return self.kind in (self.Kind.ANDROID, self.Kind.DSC)

    def secret_key(self) -> bytes:
        """The decrypted key (OCRA key, or a code card's secret); never stored or logged in
        clear."""
        if self.hardware_token_id:
            return self.hardware_token.secret_key()  # type: ignore[union-attr]  # checked by _id
        return decrypt(self.encrypted_key)

    def _pin_hash(self) -> bytes | None:
        if self.hardware_token_id:
            return self.hardware_token.pin_hash()  # type: ignore[union-attr]  # checked by _id
        return decrypt(self.encrypted_pin_hash) if self.encrypted_pin_hash else None

    @property
    def response_digits(self) -> int:
        """Digits of a response: the suite's (6 for the emulated devices, 6 or 8 for tokens)."""
        return parse_suite(self.suite).digits if self.suite else 6

    # --- responses ------------------------------------------------------------

    def response_for(self, challenge: str, pin: str | None = None) -> str:
        """What the device shows for `challenge`; with `pin` as typed on the device
        (a wrong PIN gives a wrong response), else with the PIN on record.
        For a code card the challenge is a pair of index numbers ("0713") and the
        response the two 3-digit values in that order."""
        if self.kind == self.Kind.CARD:
            from .codecard import response_for_pair

            return response_for_pair(self.secret_key(), challenge)
        suite = parse_suite(self.suite)
        inputs = {}
        if suite.pin_hash_name:
            inputs["pin_hash"] = (
                hash_pin(pin, suite.pin_hash_name) if pin is not None else self._pin_hash()
            )
        return ocra(suite, self.secret_key(), challenge, **inputs)

    def matches(self, challenge: str, response: str) -> bool:
        """Constant-time comparison of a response with the expected one."""
        return hmac.compare_digest(self.response_for(challenge).encode(), response.encode())

    def verify_token(self, token: HardwareToken) -> bool:
        """django-otp's entry point: a bare token means nothing without its
        challenge, so verification goes through services.verify_response()."""
        return False

    def new_challenge_code(self, previous: str = "") -> str:
        """A fresh challenge: 6 random digits, or for a code card two distinct
        index numbers, never the pair of the `previous` prompt."""
        if self.kind == self.Kind.CARD:
            from .codecard import new_pair

            return new_pair(previous)
        if self.kind == self.Kind.TOKEN:
            return new_challenge_code(parse_suite(self.suite).question_length)
        return new_challenge_code()

    # --- validity (temporary codes and code cards) ------------------------------

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and timezone.now() >= self.expires_at

    @property
    def status(self) -> str:
        """active / pending (card not activated yet) / expired / revoked."""
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "active" if self.confirmed else "pending"

    def check_card_pin(self, pin: str) -> str:
        """The DSC+'s own PIN check: "right", "wrong", "blocked" (this wrong PIN
        blocked the card: only one call gets it, so the block is audited once)
        or "was-blocked". The row is locked while counting, so
        parallel PINs are judged one after the other and never more than
        CARD_PIN_RETRIES wrong ones are compared."""
        from django.db import transaction

        with transaction.atomic():
            row = SecurityDevice.objects.select_for_update().get(pk=self.pk)
            self.card_pin_failures, self.card_blocked_at = (
                row.card_pin_failures,
                row.card_blocked_at,
            )
            if row.card_blocked_at:
                return "was-blocked"
            if hmac.compare_digest(hash_pin(pin or "", "SHA1"), self._pin_hash() or b""):
                if row.card_pin_failures:
                    SecurityDevice.objects.filter(pk=self.pk).update(card_pin_failures=0)
                    self.card_pin_failures = 0
                return "right"
            self.card_pin_failures = row.card_pin_failures + 1
            blocked_now = self.card_pin_failures >= app_settings.CARD_PIN_RETRIES
            if blocked_now:
                self.card_blocked_at = timezone.now()
            SecurityDevice.objects.filter(pk=self.pk).update(
                card_pin_failures=self.card_pin_failures, card_blocked_at=self.card_blocked_at
            )
            return "blocked" if blocked_now else "wrong"

    @property
    def card_pin_retries_left(self) -> int:
        return max(app_settings.CARD_PIN_RETRIES - self.card_pin_failures, 0)

    # --- throttling and lockout (per account: one active device per client) ----

    def get_throttle_factor(self) -> int:
        return app_settings.THROTTLE_FACTOR

    @property
    def lock_ends_at(self) -> datetime | None:
        """When the current lock ends by itself: LOCK_SECONDS, doubled for each
        lock in a row, capped at LOCK_MAX_SECONDS."""
        if self.locked_at is None:
            return None
        from .limits import lock_seconds

        return self.locked_at + timedelta(seconds=lock_seconds(self.lock_count))

    @property
    def is_locked(self) -> bool:
        ends = self.lock_ends_at
        return self.locked_at is not None and ends is not None and timezone.now() < ends

    def end_lock_if_due(self) -> None:
        """A lock that ran out gives a fresh count of tries (call with the row locked);
        lock_count stays, so the next lock lasts twice as long."""
        if self.locked_at is not None and not self.is_locked:
            SecurityDevice.objects.filter(pk=self.pk).update(
                locked_at=None, throttling_failure_count=0, throttling_failure_timestamp=None
            )
            self.locked_at, self.throttling_failure_count, self.throttling_failure_timestamp = (
                None,
                0,
                None,
            )

    def record_failure(self) -> bool:
        """Count one second-factor failure atomically (safe with several workers);
        returns True when this failure locked the account."""
        now = timezone.now()
        SecurityDevice.objects.filter(pk=self.pk).update(
            throttling_failure_count=F("throttling_failure_count") + 1,
            throttling_failure_timestamp=now,
        )
        self.refresh_from_db(
            fields=["throttling_failure_count", "throttling_failure_timestamp", "locked_at"]
        )
        if self.locked_at is None and self.throttling_failure_count >= (
            app_settings.LOCK_AFTER_FAILURES
        ):
            locked = SecurityDevice.objects.filter(pk=self.pk, locked_at__isnull=True).update(
                locked_at=now, lock_count=F("lock_count") + 1
            )
            self.refresh_from_db(fields=["locked_at", "lock_count"])
            return bool(locked)
        return False

    def record_success(self) -> None:
        SecurityDevice.objects.filter(pk=self.pk).update(
            throttling_failure_count=0,
            throttling_failure_timestamp=None,
            last_used_at=timezone.now(),
            lock_count=0,
        )
        self.throttling_failure_count = 0
        self.throttling_failure_timestamp = None

    def unlock(self) -> None:
        """Staff action: clear the lockout, the back-off and a blocked card."""
        SecurityDevice.objects.filter(pk=self.pk).update(
            locked_at=None,
            lock_count=0,
            throttling_failure_count=0,
            throttling_failure_timestamp=None,
            card_pin_failures=0,
            card_blocked_at=None,
        )
        self.refresh_from_db()

    def revoke(self) -> None:
        """End this credential. A hardware token it used stays assigned (it may be lost):
        only staff put it back in stock (device_assignment.revoke_token) or mark it lost."""
        SecurityDevice.objects.filter(pk=self.pk).update(confirmed=False, revoked_at=timezone.now())
        self.refresh_from_db()


def new_challenge_code(digits: int = 6) -> str:
    """A random numeric challenge of `digits` digits (6 for the emulated devices,
    the question length of a token's suite)."""
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def new_public_id() -> str:
    return secrets.token_urlsafe(18)


def binding_digest(nonce: str) -> str:
    """Challenges store only a digest of the nonce kept in the client's session."""
    return hashlib.sha256(nonce.encode()).hexdigest()


class Challenge(models.Model):
    """One challenge code, bound to one sign-in attempt or step-up task.

    Single use (`used_at` is set by an atomic UPDATE … WHERE used_at IS NULL),
    expires after CHALLENGE_SECONDS, withdrawn after MAX_FAILURES_PER_CHALLENGE
    wrong responses. Kept in the database so every worker sees it.
    """

    class Purpose(models.TextChoices):
        SIGNIN = "signin", _("Sign-in")
        CHANGE_EMAIL = "change-email", _("Change e-mail address")
        WITHDRAWAL = "withdrawal", _("Request a withdrawal")
        CARD_ACTIVATION = "card-activation", _("Card activation")
        TOKEN_ACTIVATION = "token-activation", _("Security token activation")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(SecurityDevice, on_delete=models.CASCADE, related_name="challenges")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    binding = models.CharField(max_length=64)
    code = models.CharField(max_length=10, default=new_challenge_code)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    # Set by the first answer, right or wrong: a prompt replaced while still
    # unanswered is audited (someone may be drawing prompts).
    answered = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_withdrawn(self) -> bool:
        return self.failures >= app_settings.MAX_FAILURES_PER_CHALLENGE

    def consume(self) -> bool:
        """Mark used; True only for the one caller that got there first."""
        now = timezone.now()
        taken = Challenge.objects.filter(
            pk=self.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, answered=True)
        return taken == 1

    def count_failure(self) -> None:
        Challenge.objects.filter(pk=self.pk).update(failures=F("failures") + 1, answered=True)
        self.refresh_from_db(fields=["failures", "answered"])


class AuditEvent(AppendOnlyModel):
    """Append-only record of security events; never holds a secret, PIN or response."""

    class Kind(models.TextChoices):
        CHALLENGE_ISSUED = "challenge-issued", _("Challenge issued")
        SUCCESS = "success", _("Verification passed")
        FAILURE = "failure", _("Verification failed")
        LOCKOUT = "lockout", _("Account locked")
        UNLOCK = "unlock", _("Account unlocked")
        CARD_BLOCKED = "card-blocked", _("Card blocked after wrong PINs")
        DEVICE_ASSIGNED = "device-assigned", _("Device assigned")
        DEVICE_REVOKED = "device-revoked", _("Device revoked")
        TEMP_CODE_ISSUED = "temp-code-issued", _("Temporary code issued")
        TEMP_CODE_USED = "temp-code-used", _("Signed in with a temporary code")
        CARD_ISSUED = "card-issued", _("Code card issued")
        CARD_ACTIVATED = "card-activated", _("Code card activated")
        REFUSED = "refused", _("Refused before checking")
        ADMIN_SIGNIN = "admin-signin", _("Staff signed in")
        ADMIN_FAILURE = "admin-failure", _("Staff sign-in failed")
        TOKENS_IMPORTED = "tokens-imported", _("Security tokens imported")
        TOKEN_ACTIVATED = "token-activated", _("Security token activated")
        TOKEN_LOST = "token-lost", _("Security token marked lost")
        PRACTICE_MARKED = "practice-marked", _("Account kind changed")

    class Reason(models.TextChoices):
        """Why something was refused (or which step passed): one vocabulary for every row."""

        PASSWORD = "password", _("Wrong password")
        WRONG = "wrong", _("Wrong response or code")
        SWAPPED = "swapped", _("Card values swapped")
        REPLACED_CODE = "replaced-code", _("Replaced temporary code")
        NO_CREDENTIAL = "no-credential", _("No credential")
        NOT_TEMPORARY = "no-temporary-code", _("No temporary code issued")
        THROTTLED = "throttled", _("Throttled (wait)")
        LOCKED = "locked", _("Account locked")
        TAMPERED = "tampered", _("Challenge of another attempt")
        REPLAYED = "replayed", _("Challenge already answered")
        EXPIRED = "expired", _("Challenge expired")
        WITHDRAWN = "withdrawn", _("Challenge withdrawn")
        UNANSWERED = "unanswered", _("Prompt replaced unanswered")
        PROMPT_LIMIT = "prompt-limit", _("Too many new prompts")
        CARD_ACTIVATED = "card-activated", _("Card activated")
        OTP = "otp", _("Wrong or missing staff one-time password")
        ADMIN = "admin", _("Staff sign-in")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("client"),
        editable=False,
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, editable=False)
    device = models.ForeignKey(
        SecurityDevice,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("device"),
        editable=False,
    )
    actor = models.CharField(_("by"), max_length=150, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=20, blank=True, editable=False)
    reason = models.CharField(
        _("reason"), max_length=40, blank=True, choices=Reason.choices, editable=False
    )
    # How many items one event concerns (e.g. tokens in one import); never a secret.
    count = models.PositiveIntegerField(_("count"), null=True, blank=True, editable=False)

    append_only_message = "The audit log is append-only."

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
