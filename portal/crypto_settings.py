"""Start-up check of FIELD_ENCRYPTION_KEY (imported by settings, so no Django imports beyond
exceptions)."""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured


def check_field_encryption_key(value: str) -> None:
    """Production refuses to start without valid Fernet keys: a key derived from
    SECRET_KEY would tie every secret to it (rotating it would lose them)."""
    keys = [key.strip() for key in (value or "").split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be set when DJANGO_ENV=production: one or more Fernet keys, "
            "comma-separated, newest first. Make one with: "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for number, key in enumerate(keys, 1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY: key {number} is not a Fernet key "
                "(32 bytes, URL-safe base64)."
            )
