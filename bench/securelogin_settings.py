"""Bench-only settings: the project's settings with a cheap password hasher, to
show the cost of the sign-in flow apart from PBKDF2 (never use elsewhere)."""
from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
