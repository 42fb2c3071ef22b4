"""Helpers shared by the securelogin tests (imported by module name: tests/ has no package)."""

from django.contrib.auth import get_user_model

from securelogin.account_kinds import mark_practice
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
