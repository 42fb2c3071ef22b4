"""Encryption of secrets at rest (device keys, card secrets) with Fernet.

The key comes from settings.FIELD_ENCRYPTION_KEY (a Fernet key); when that is
empty it is derived from SECRET_KEY, so a fresh machine works without set-up.
"""
import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken  # noqa: F401  (re-exported)
from django.conf import settings


@cache
def _fernet(key_material):
    if settings.FIELD_ENCRYPTION_KEY:
        return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())
    digest = hashlib.sha256(b"portal.crypto:" + key_material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def fernet():
    return _fernet(settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt(data: bytes) -> str:
    """Encrypt bytes; returns ASCII text safe for a CharField/TextField."""
    return fernet().encrypt(data).decode("ascii")


def decrypt(token: str) -> bytes:
    """Decrypt text made by encrypt(); raises InvalidToken when tampered with."""
    return fernet().decrypt(token.encode("ascii"))
