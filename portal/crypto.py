"""Encryption of secrets at rest (device keys, card secrets) with Fernet.

FIELD_ENCRYPTION_KEY holds one or more Fernet keys, comma-separated, newest
first: the newest encrypts, all decrypt (MultiFernet), so a key can be rotated
without losing a secret; `manage.py rotate_field_encryption` then re-encrypts
every secret under the newest key, after which the old key can be dropped.

Production requires the setting (portal/settings.py refuses to start without
it). Only in development, without it, a key is derived from SECRET_KEY so a
fresh machine works; that derived key also stays accepted for decryption (last),
so secrets made before a real key was set are still readable until rotated.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet  # noqa: F401  (InvalidToken re-exported)
from django.conf import settings


def derived_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(b"portal.crypto:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys(setting: str) -> list[str]:
    return [key.strip() for key in (setting or "").split(",") if key.strip()]


@cache
def _multi(field_keys: str, secret_key: str) -> MultiFernet:
    keys = [Fernet(key.encode()) for key in configured_keys(field_keys)]
    keys.append(Fernet(derived_key(secret_key)))
    return MultiFernet(keys)


def fernet() -> MultiFernet:
    return _multi(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(data: bytes) -> str:
    """Encrypt bytes under the newest key; returns ASCII text safe for a CharField/TextField."""
    return fernet().encrypt(data).decode("ascii")


def decrypt(token: str) -> bytes:
    """Decrypt text made by encrypt() under any accepted key; raises InvalidToken when tampered
    with."""
    return fernet().decrypt(token.encode("ascii"))


def rotate(token: str) -> str:
    """The same secret re-encrypted under the newest key (its timestamp kept)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")
