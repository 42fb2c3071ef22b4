"""Concurrent submissions of one right response are accepted once only (real threads,
PostgreSQL)."""

import secrets

import pytest

from securelogin.models import AuditEvent
from tests.parallel import run_parallel
from tests.securelogin.helpers import (
    answer,
    make_client,
    needs_postgresql,
    new_signin_challenge,
    wrong_response,
)

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]
THREADS = 8


def test_one_right_response_accepted_once_under_concurrency():
    user, device = make_client("racer", "ios")
    nonce, challenge = new_signin_challenge(user, device)
    response = device.response_for(challenge.code)
    results = run_parallel(THREADS, lambda _: answer(user, nonce, challenge, response).ok)
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert AuditEvent.objects.filter(kind="success", user=user).count() == 1


def test_concurrent_wrong_responses_are_all_counted():
    user, device = make_client("guesser", "android")
    nonce, challenge = new_signin_challenge(user, device)
    wrong = wrong_response(device, challenge)
    run_parallel(4, lambda _: answer(user, nonce, challenge, wrong))
    device.refresh_from_db()
    assert device.throttling_failure_count == 4


def test_back_off_holds_for_parallel_wrong_responses(settings):
    """With a back-off in force, parallel guesses do not all get through: the device row is
    locked."""
    settings.SECURELOGIN_THROTTLE_FACTOR = 60
    user, device = make_client("parallel", "dsc")
    nonce, challenge = new_signin_challenge(user, device)
    wrong = wrong_response(device, challenge)
    codes = run_parallel(6, lambda _: answer(user, nonce, challenge, wrong).problem.code)
    assert sorted(codes) == ["throttled"] * 5 + ["wrong"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_card_activated_once_and_wrong_codes_all_counted_under_concurrency(settings):
    """Parallel activations with two prompts (two tabs) activate the card once;
    parallel wrong temporary codes are each counted."""
    from securelogin import card_activation, temporary_access

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURELOGIN_THROTTLE_FACTOR = 0
    user, _ = make_client("racer-card", "ios")
    temp, _ = temporary_access.issue_temporary_code(user, actor="agent")
    card = card_activation.card_to_print(user, create=True).card
    nonces = [secrets.token_urlsafe(16) for _ in range(THREADS)]
    prompts = [card_activation.issue_activation_prompt(user, card, nonce) for nonce in nonces]

    def activate(n):
        return card_activation.activate_card(
            user=user,
            nonce=nonces[n],
            prompt_id=prompts[n].public_id,
            raw=card.response_for(prompts[n].code),
        ).ok

    results = run_parallel(THREADS, activate)
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert AuditEvent.objects.filter(kind="card-activated", user=user).count() == 1

    other, _ = make_client("racer-code", "ios")
    temp, _ = temporary_access.issue_temporary_code(other, actor="agent")
    run_parallel(
        THREADS,
        lambda _: temporary_access.verify_temporary_code(
            user=other, raw="K7QM2XRA", purpose="signin"
        ),
    )
    temp.refresh_from_db()
    assert temp.throttling_failure_count == THREADS


def test_dsc_pin_limit_holds_under_parallel_requests(settings):
    """Finding 6: 8 parallel wrong PINs: exactly 3 compared, the card blocked once, one audit
    row."""
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user, device = make_client("pinracer", "dsc")

    def wrong_pin(n):
        client = Client()
        client.force_login(user)
        result = client.post(
            f"/en/portal/devices/{device.pk}/pin/", {"pin": "0000"}, HTTP_ACCEPT="application/json"
        )
        return result.status_code, result.json()

    results = run_parallel(8, wrong_pin)
    device.refresh_from_db()
    assert device.card_blocked_at is not None and device.card_pin_failures == 3
    compared = [body for _, body in results if "retries_left" in body and body["retries_left"] > 0]
    assert (
        len(compared) == 2
    )  # the third wrong PIN blocked the card; the other five were refused unseen
    assert AuditEvent.objects.filter(kind="card-blocked", user=user).count() == 1


def test_lockout_once_across_parallel_wrong_responses(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURELOGIN_THROTTLE_FACTOR = 0
    settings.SECURELOGIN_MAX_FAILURES_PER_CHALLENGE = 100
    user, device = make_client("lockracer", "ios")
    nonce, challenge = new_signin_challenge(user, device)
    wrong = wrong_response(device, challenge)
    codes = run_parallel(14, lambda _: answer(user, nonce, challenge, wrong).problem.code)
    device.refresh_from_db()
    assert device.is_locked and device.throttling_failure_count == 10
    assert codes.count("locked") == 5 and codes.count("wrong") == 9
    assert AuditEvent.objects.filter(kind="lockout", user=user).count() == 1
    assert AuditEvent.objects.filter(kind="refused", reason="locked", user=user).count() == 4


def test_parallel_password_guesses_from_one_source_are_bounded(settings):
    """20 parallel wrong passwords for one user name from one source: the free tries plus one slot
    are checked."""
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user, device = make_client("pwracer", "ios")

    def guess(n):
        return (
            Client(REMOTE_ADDR="203.0.113.9")
            .post("/en/portal/signin/", {"username": user.username, "password": f"guess{n}"})
            .status_code
        )

    run_parallel(20, guess)
    checked = AuditEvent.objects.filter(kind="failure", reason="password", user=user).count()
    assert checked == 6
    assert AuditEvent.objects.filter(kind="refused", reason="throttled", user=user).count() == 14
    device.refresh_from_db()
    assert not device.is_locked and device.throttling_failure_count == 0
