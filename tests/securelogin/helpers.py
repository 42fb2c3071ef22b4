"""Helpers shared by the securelogin tests (imported by module name: tests/ has no package)."""

import secrets

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from securelogin import services
from securelogin.account_kinds import mark_practice
from securelogin.models import Challenge
from securelogin.services import assign_device

PASSWORD = "correct horse 2260"
PINS = {"ios": "", "android": "2468", "dsc": "1357"}


def make_client(username, kind, practice=True):
    """A client with an emulated device: a practice account unless `practice` is False."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    if practice:
        mark_practice(user)
    device = assign_device(user, kind, PINS[kind])
    return user, device


def sign_in(client, user, password=PASSWORD, lang="en"):
    """First factor; returns the challenge page response."""
    client.post(f"/{lang}/portal/signin/", {"username": user.username, "password": password})
    return client.get(f"/{lang}/portal/signin/verify/")


def current(page):
    """(challenge public id, challenge code) shown on a challenge page."""
    challenge = page.context["challenge"]
    return challenge.public_id, challenge.code


def answer(user, nonce, challenge, response, purpose=Challenge.Purpose.SIGNIN):
    """services.verify_response for the challenge of a sign-in attempt (`nonce`)."""
    return services.verify_response(
        user=user,
        nonce=nonce,
        challenge_id=challenge.public_id,
        response=response,
        purpose=purpose,
    )


def wrong_response(device, challenge):
    """A response of the right shape that is not the device's."""
    return "000000" if device.response_for(challenge.code) != "000000" else "111111"


def new_signin_challenge(user, device):
    """(nonce, challenge) of a fresh sign-in attempt."""
    nonce = secrets.token_urlsafe(16)
    return nonce, services.issue_challenge(user, device, Challenge.Purpose.SIGNIN, nonce)


# Real threads need real row locks: SQLite serialises the whole database instead.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locking across connections)"
)


def fast_sign_in(settings):
    """Cheap password hashing and no back-off: the tests sign in many times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURELOGIN_THROTTLE_FACTOR = 0


# --- browser tests (tests/browser/test_securelogin_*.py) ---------------------------

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def keyboard_sign_in(page, username, password):
    """User name, Tab, password, Enter: the sign-in form by keyboard alone."""
    page.locator("#id_username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
