"""Temporary codes from client services: drawing, hashing and judging the form of a typed code.

A temporary code is a SecurityDevice of kind "temporary": the client's one
active credential until a code card is activated (or staff assign a device).
That keeps the per-account throttle, lockout, audit and admin shared with the
devices. The code itself is stored only as a salted hash (Django's password
hashers); staff see it once, right after issuing it.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password, make_password

from . import feedback
from .conf import app_settings

if TYPE_CHECKING:
    from securelogin.feedback import Problem

# Upper-case letters and digits without look-alikes: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LOOKS_LIKE_CODE = re.compile(r"[0-9A-Za-z]+")


def length() -> int:
    return app_settings.TEMPORARY_CODE_LENGTH


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length()))


def hash_code(code: str) -> str:
    return make_password(code)


def code_matches(code: str, encoded: str) -> bool:
    return bool(encoded) and check_password(code, encoded)


def check_form(raw: str) -> tuple[Any, Problem | None]:
    """(code, None) or (None, Problem) for the form of a typed temporary code; nothing secret is
    touched."""
    value = raw if isinstance(raw, str) else ""
    if len(value) > feedback.MAX_INPUT_LENGTH:
        return None, feedback.problem(feedback.CODE_LENGTH, length=length(), count=len(value))
    value = value.strip()
    if not value:
        return None, feedback.problem(feedback.CODE_EMPTY)
    joined = re.sub(r"\s+", "", value)
    has_spaces = joined != value
    has_lower = any(ch.islower() for ch in joined)
    if has_spaces and has_lower:
        return None, feedback.problem(feedback.CODE_LOWER_CASE_AND_SPACES)
    if has_lower:
        return None, feedback.problem(feedback.CODE_LOWER_CASE)
    if has_spaces:
        return None, feedback.problem(feedback.CODE_SPACES)
    if not _LOOKS_LIKE_CODE.fullmatch(value) or any(ch not in ALPHABET for ch in value):
        return None, feedback.problem(feedback.CODE_CHARACTERS)
    if len(value) != length():
        return None, feedback.problem(feedback.CODE_LENGTH, length=length(), count=len(value))
    return value, None
