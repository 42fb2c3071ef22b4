"""Bench-only settings for securelogin_flow.py: the project's settings with the limits
that bind one source address lifted (every bench client signs in from 127.0.0.1,
over and over), and with BENCH_FAST_HASHER=1 a cheap password hasher, to show the
cost of the sign-in flow apart from PBKDF2. Never use elsewhere."""

import os

from portal.settings import *  # noqa: F403

SECURELOGIN_PASSWORD_FREE_TRIES_PER_PAIR = 10**9
SECURELOGIN_PASSWORD_FREE_TRIES_PER_SOURCE = 10**9
SECURELOGIN_PROMPTS_PER_HOUR = 10**9

if os.environ.get("BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
