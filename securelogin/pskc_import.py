"""Import hardware tokens from a vendor's PSKC file (RFC 6030), all or nothing.

The file is first read by defusedxml with DTDs forbidden, so entity expansion
("billion laughs") and external entities never reach a parser; python-pskc then
reads the container and decrypts the secrets (plain, pre-shared AES key, or a
key derived from a passphrase by PBKDF2), checking their MACs. Every token is
checked before anything is written: one bad key, suite or serial refuses the
whole file with a translated message, and nothing is imported. Secrets are
encrypted at rest with portal.crypto; the audit row holds the count only.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pskc
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XmlParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from pskc.exceptions import DecryptionError, KeyDerivationError, PSKCError

from portal.crypto import encrypt

from .models import AuditEvent, HardwareToken
from .ocra import OcraError, Suite, hash_pin, parse_suite

if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOKENS = 5000
MIN_SECRET_BYTES = 16  # RFC 4226 §4 R6: at least 128 bits
RESPONSE_DIGITS = (6, 7, 8)
CHALLENGE_DIGITS = range(6, 11)  # what Challenge.code holds and a client types
PIN_ALGORITHM = "urn:ietf:params:xml:ns:keyprov:pskc:pin"
_SERIAL_RE = re.compile(r"[A-Za-z0-9._:/-]{1,64}")


class ImportRefused(Exception):
    """The whole file is refused; `message` says why (translated, no secret in it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TokenData:
    """One checked token of the file, secrets still in clear (never logged)."""

    serial: str
    manufacturer: str
    suite: str
    secret: bytes
    pin_hash: bytes | None
    pin_usage: str
    pin_min_length: int | None
    pin_max_length: int | None
    pin_max_failed_attempts: int | None


def _is_ocra(algorithm: str) -> bool:
    text = algorithm.lower()
    return text.endswith(":ocra") or text.endswith("#ocra") or "#ocra-1:" in text


def suite_of(key: Any) -> str:
    """The OCRA suite a key declares: its <Suite> parameter, or the suite written
    after '#' in the algorithm URI (draft-hoyer-keyprov-pskc-algorithm-profiles)."""
    if key.algorithm_suite:
        return key.algorithm_suite.strip()
    algorithm = key.algorithm or ""
    if "#" in algorithm and algorithm.split("#", 1)[1].upper().startswith("OCRA-1:"):
        return algorithm.split("#", 1)[1].strip()
    return ""


def supported_suite(text: str, serial: str = "") -> Suite:
    """The suite, when this portal can verify it: numeric challenge of 6–10 digits,
    a 6–8 digit response no longer than the challenge, optionally a PIN hash; no
    counter, session or time input (the portal keeps no such state per token)."""
    try:
        suite = parse_suite(text)
    except OcraError:
        suite = None
    if (
        suite is None
        or suite.counter
        or suite.session_length is not None
        or suite.time_step_seconds is not None
        or suite.question_format != "N"
        or suite.question_length not in CHALLENGE_DIGITS
        or suite.digits not in RESPONSE_DIGITS
        or suite.digits > suite.question_length
    ):
        raise ImportRefused(
            _(
                "Token %(serial)s declares the OCRA suite “%(suite)s”, which this portal cannot "
                "verify. Supported: numeric challenges of 6 to 10 digits, responses of 6 to 8 "
                "digits, with or without a PIN hash, "
                "without counter, session or time input."
            )
            % {"serial": serial, "suite": text[:80]}
        )
    return suite


def _open_container(data: bytes, key: bytes | None, passphrase: str | None) -> pskc.PSKC:
    if not data:
        raise ImportRefused(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            _("The file is larger than %(size)d MB; a PSKC file of tokens is far smaller.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    try:
        safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportRefused(
            _(
                "The file declares a DTD or entities, which a PSKC file never needs; it was "
                "refused unread."
            )
        ) from None
    except (XmlParseError, ValueError):
        raise ImportRefused(_("The file is not well-formed XML.")) from None
    try:
        container = pskc.PSKC(io.BytesIO(data))
    except PSKCError:
        raise ImportRefused(_("The file is XML but not a PSKC key container (RFC 6030).")) from None
    if container.encryption.is_encrypted:
        if key is None and passphrase is None:
            raise ImportRefused(
                _(
                    "The secrets in this file are encrypted: give the pre-shared key (hex) or the "
                    "passphrase."
                )
            )
        try:
            if passphrase is not None:
                container.encryption.derive_key(passphrase)
            else:
                container.encryption.key = key
        except (KeyDerivationError, PSKCError):
            raise ImportRefused(
                _("The file's key derivation is not supported or the passphrase cannot be used.")
            ) from None
    return container


def _secret(key: Any, serial: str) -> bytes:
    try:
        secret = key.secret
    except DecryptionError:
        raise ImportRefused(
            _("The key or passphrase is wrong: the secret of token %(serial)s cannot be decrypted.")
            % {"serial": serial}
        ) from None
    except PSKCError:
        raise ImportRefused(
            _("The secret of token %(serial)s cannot be read.") % {"serial": serial}
        ) from None
    if not secret or len(secret) < MIN_SECRET_BYTES:
        raise ImportRefused(
            _("The secret of token %(serial)s is shorter than %(bytes)d bytes.")
            % {"serial": serial, "bytes": MIN_SECRET_BYTES}
        )
    return bytes(secret)


def _pin_hash(key: Any, suite: Suite, serial: str, pin_keys: dict) -> bytes | None:
    """The hash of the PIN the file carries for `key` (its PINPolicy's PINKeyId), when the
    suite feeds the PIN into the response. `pin_keys`: the file's PIN keys by id (looked up
    once, not per token, so a large file costs linear time)."""
    if not suite.pin_hash_name:
        return None
    pin_key = pin_keys.get(key.policy.pin_key_id)
    try:
        secret = pin_key.secret if pin_key is not None else None
        pin = secret.decode() if secret else ""
    except UnicodeDecodeError:
        pin = ""
    except DecryptionError:
        raise ImportRefused(
            _("The key or passphrase is wrong: the PIN of token %(serial)s cannot be decrypted.")
            % {"serial": serial}
        ) from None
    if not pin:
        raise ImportRefused(
            _(
                "The suite of token %(serial)s includes the PIN, but the file carries no PIN for "
                "it (PINPolicy PINKeyId)."
            )
            % {"serial": serial}
        )
    return hash_pin(pin, suite.pin_hash_name)


def read_tokens(
    data: bytes, *, key: bytes | None = None, passphrase: str | None = None
) -> list[TokenData]:
    """Every token of the file, checked; ImportRefused at the first problem."""
    container = _open_container(data, key, passphrase)
    all_keys = container.keys
    keys = [k for k in all_keys if (k.algorithm or "") != PIN_ALGORITHM]
    pin_keys = {k.id: k for k in all_keys if (k.algorithm or "") == PIN_ALGORITHM and k.id}
    if not keys:
        raise ImportRefused(_("The file holds no token."))
    if len(keys) > MAX_TOKENS:
        raise ImportRefused(
            _("The file holds more than %(count)d tokens; split it.") % {"count": MAX_TOKENS}
        )
    tokens, seen = [], set()
    for position, pskc_key in enumerate(keys, start=1):
        serial = (pskc_key.serial or pskc_key.id or "").strip()
        if not _SERIAL_RE.fullmatch(serial):
            raise ImportRefused(
                _(
                    "Token %(position)d has no usable serial number (1–64 letters, digits or "
                    ". _ : / "
                    "-)."
                )
                % {"position": position}
            )
        if serial in seen:
            raise ImportRefused(
                _("Serial number %(serial)s appears twice in the file.") % {"serial": serial}
            )
        seen.add(serial)
        secret = _secret(pskc_key, serial)  # first, so a wrong key or passphrase is named as such
        algorithm = pskc_key.algorithm or ""
        if not _is_ocra(algorithm):
            raise ImportRefused(
                _(
                    "Token %(serial)s uses the algorithm “%(algorithm)s”; only OCRA "
                    "challenge/response tokens (RFC 6287) can be imported."
                )
                % {"serial": serial, "algorithm": algorithm[:120] or "–"}
            )
        suite = supported_suite(suite_of(pskc_key), serial)
        if pskc_key.policy.unknown_policy_elements:
            raise ImportRefused(
                _(
                    "Token %(serial)s has a usage policy this portal does not understand; RFC 6030 "
                    "forbids using such a key."
                )
                % {"serial": serial}
            )
        policy = pskc_key.policy
        tokens.append(
            TokenData(
                serial=serial,
                manufacturer=(pskc_key.manufacturer or "")[:100],
                suite=suite.text,
                secret=secret,
                pin_hash=_pin_hash(pskc_key, suite, serial, pin_keys),
                pin_usage=(policy.pin_usage or "")[:20],
                pin_min_length=policy.pin_min_length,
                pin_max_length=policy.pin_max_length,
                pin_max_failed_attempts=policy.pin_max_failed_attempts,
            )
        )
    known = list(HardwareToken.objects.filter(serial__in=seen).values_list("serial", flat=True)[:5])
    if known:
        raise ImportRefused(
            _("These serial numbers are already known: %(serials)s. Nothing was imported.")
            % {"serials": ", ".join(sorted(known))}
        )
    return tokens


def parse_hex_key(text: str) -> bytes:
    """The pre-shared key as typed (hex, spaces allowed); ImportRefused when it is not hex."""
    cleaned = re.sub(r"\s+", "", text or "")
    if cleaned.lower().startswith("0x"):
        cleaned = cleaned[2:]
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        key = b""
    if len(key) not in (16, 24, 32):
        raise ImportRefused(
            _("The pre-shared key is 32, 48 or 64 hexadecimal digits (an AES key).")
        )
    return key


def import_tokens(
    data: bytes,
    *,
    key: bytes | None = None,
    passphrase: str | None = None,
    actor: str = "",
    request: HttpRequest | None = None,
) -> list[HardwareToken]:
    """Read, check and store every token of the file as an unassigned HardwareToken, or none."""
    from .services import audit

    tokens = read_tokens(data, key=key, passphrase=passphrase)
    rows = [
        HardwareToken(
            serial=token.serial,
            manufacturer=token.manufacturer,
            suite=token.suite,
            encrypted_key=encrypt(token.secret),
            encrypted_pin_hash=encrypt(token.pin_hash) if token.pin_hash else "",
            pin_usage=token.pin_usage,
            pin_min_length=token.pin_min_length,
            pin_max_length=token.pin_max_length,
            pin_max_failed_attempts=token.pin_max_failed_attempts,
            imported_by=actor[:150],
        )
        for token in tokens
    ]
    try:
        with transaction.atomic():
            HardwareToken.objects.bulk_create(rows)
            audit(AuditEvent.Kind.TOKENS_IMPORTED, actor=actor, request=request, count=len(rows))
    except IntegrityError:  # another import took one of these serials meanwhile
        raise ImportRefused(
            _("Some of these serial numbers were imported meanwhile. Nothing was imported.")
        ) from None
    return rows


def import_file(
    path: str, *, key_hex: str | None = None, passphrase: str | None = None, actor: str = ""
) -> list[HardwareToken]:
    """`import_tokens` for a file on disk, the key given in hex (as `manage.py import_pskc`
    takes them); ImportRefused also when the file cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportRefused(f"Cannot read {path}: {exc.strerror}") from None
    key = parse_hex_key(key_hex) if key_hex is not None else None
    return import_tokens(data, key=key, passphrase=passphrase if key is None else None, actor=actor)
