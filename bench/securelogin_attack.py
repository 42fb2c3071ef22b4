"""The security review's attacks, replayed in-process (issue 10), printing what got through.

1. A stranger sends N wrong passwords (default 100) for a client's user name from one
   address: how many were checked, how many refused unchecked, is the account locked,
   and can the client still sign in from another address?
2. With the password, the attacker starts N fresh sign-ins (default 600) against a
   code-card account from a second address: how many distinct index pairs are shown,
   how many new prompts were issued, how many refused?
3. Parallel wrong passwords (threads; PostgreSQL only): how many were checked.
Uses a throw-away SQLite database unless DATABASE_URL is set.
Run: .venv/bin/python bench/securelogin_attack.py [--passwords 100] [--signins 600]
"""

import secrets
import time
from datetime import timedelta

import securelogin_common  # noqa: F401 - sets Django up before any model import
from command_line import sizes
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from securelogin.models import AuditEvent, SecurityDevice
from securelogin.services import assign_device
from tests.parallel import run_parallel

PASSWORD = "correct horse " + secrets.token_hex(4)
# One address per scenario, so one scenario's per-source count does not slow the next.
STRANGER, CARD_ATTACKER, CROWD, CLIENT_HOME = (
    "203.0.113.9",
    "203.0.113.10",
    "203.0.113.11",
    "198.51.100.7",
)


def signin(client, username, password):
    return client.post("/en/portal/signin/", {"username": username, "password": password})


def password_attack(count):
    user = get_user_model().objects.create_user(f"victim-{secrets.token_hex(3)}", password=PASSWORD)
    device = assign_device(user, "ios")
    stranger = Client(REMOTE_ADDR=STRANGER)
    started = time.perf_counter()
    codes = [
        signin(stranger, user.username, f"guess-{n}").context["problem"].code for n in range(count)
    ]
    elapsed = time.perf_counter() - started
    device.refresh_from_db()
    home = Client(REMOTE_ADDR=CLIENT_HOME)
    signin(home, user.username, PASSWORD)
    page = home.get("/en/portal/signin/verify/")
    challenge = page.context["challenge"]
    home.post(
        "/en/portal/signin/verify/",
        {"challenge": challenge.public_id, "response": device.response_for(challenge.code)},
    )
    print(
        f"1. {count} wrong passwords from one address in {elapsed:.1f} s: "
        f"{codes.count('bad-credentials')} checked, {codes.count('throttled')} refused unchecked; "
        f"account locked: {device.is_locked}; failures counted on the account: "
        f"{device.throttling_failure_count}; "
        f"client signs in from another address: {home.session.get(SESSION_KEY) == str(user.pk)}; "
        f"audit rows for the stranger: {AuditEvent.objects.filter(ip=STRANGER, user=user).count()}"
    )


def card_redraw_attack(count):
    user = get_user_model().objects.create_user(
        f"cardholder-{secrets.token_hex(3)}", password=PASSWORD
    )
    now = timezone.now()
    assign_device(
        user, SecurityDevice.Kind.CARD, activated_at=now, expires_at=now + timedelta(days=21)
    )
    attacker = Client(REMOTE_ADDR=CARD_ATTACKER)
    pairs, statuses = set(), []
    started = time.perf_counter()
    for _ in range(count):
        if signin(attacker, user.username, PASSWORD).status_code != 302:
            statuses.append("slowed")
            continue
        page = attacker.get("/en/portal/signin/verify/")
        statuses.append(page.status_code)
        if page.status_code == 200:
            pairs.add(page.context["challenge"].code)
    elapsed = time.perf_counter() - started
    issued = AuditEvent.objects.filter(user=user, kind="challenge-issued").count()
    print(
        f"2. {count} fresh sign-ins with the password against a card in {elapsed:.1f} s: "
        f"{statuses.count(200)} reached the card prompt ({statuses.count('slowed')} slowed down "
        f"at the "
        f"password step), {len(pairs)} distinct pair(s) shown, {issued} prompt(s) issued, "
        f"{statuses.count(429)} refused (prompt limit)"
    )


def parallel_passwords(threads):
    if connection.vendor != "postgresql":
        print("3. parallel wrong passwords: skipped (needs PostgreSQL + a shared cache)")
        return
    user = get_user_model().objects.create_user(
        f"parallel-{secrets.token_hex(3)}", password=PASSWORD
    )
    assign_device(user, "ios")

    def guess(n):
        Client(REMOTE_ADDR=CROWD).post(
            "/en/portal/signin/", {"username": user.username, "password": f"guess-{n}"}
        )

    run_parallel(threads, guess)
    checked = AuditEvent.objects.filter(user=user, kind="failure", reason="password").count()
    print(f"3. {threads} parallel wrong passwords from one address: {checked} checked")


def main():
    options = sizes(__doc__, passwords=100, signins=600, threads=64)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    cache.clear()
    print(
        f"database: {connection.vendor}; cache: "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    password_attack(options.passwords)
    card_redraw_attack(options.signins)
    parallel_passwords(options.threads)


if __name__ == "__main__":
    main()
