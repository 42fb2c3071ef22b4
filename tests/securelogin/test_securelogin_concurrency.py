"""Concurrent submissions of one right response are accepted once only (real threads, PostgreSQL)."""
import secrets
import threading

import pytest
from django.db import connection, connections

from securelogin import services
from securelogin.models import AuditEvent, Challenge
from tests.securelogin.helpers import make_client

THREADS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locking across connections)")
def test_one_right_response_accepted_once_under_concurrency():
    user, device = make_client("racer", "ios")
    nonce = secrets.token_urlsafe(16)
    challenge = services.issue_challenge(user, device, Challenge.Purpose.SIGNIN, nonce)
    response = device.response_for(challenge.code)
    barrier = threading.Barrier(THREADS)
    results = []

    def submit():
        try:
            barrier.wait()
            outcome = services.verify_response(user=user, nonce=nonce, challenge_id=challenge.public_id,
                                               response=response, purpose=Challenge.Purpose.SIGNIN)
            results.append(outcome.ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert AuditEvent.objects.filter(kind="success", user=user).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locking across connections)")
def test_concurrent_wrong_responses_are_all_counted():
    user, device = make_client("guesser", "android")
    nonce = secrets.token_urlsafe(16)
    challenge = services.issue_challenge(user, device, Challenge.Purpose.SIGNIN, nonce)
    wrong = "000000" if device.response_for(challenge.code) != "000000" else "111111"
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            services.verify_response(user=user, nonce=nonce, challenge_id=challenge.public_id, response=wrong,
                                     purpose=Challenge.Purpose.SIGNIN)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    device.refresh_from_db()
    assert device.throttling_failure_count == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locking across connections)")
def test_back_off_holds_for_parallel_wrong_responses(settings):
    """With a back-off in force, parallel guesses do not all get through: the device row is locked."""
    settings.SECURELOGIN_THROTTLE_FACTOR = 60
    user, device = make_client("parallel", "dsc")
    nonce = secrets.token_urlsafe(16)
    challenge = services.issue_challenge(user, device, Challenge.Purpose.SIGNIN, nonce)
    wrong = "000000" if device.response_for(challenge.code) != "000000" else "111111"
    barrier = threading.Barrier(6)
    codes = []

    def submit():
        try:
            barrier.wait()
            outcome = services.verify_response(user=user, nonce=nonce, challenge_id=challenge.public_id,
                                               response=wrong, purpose=Challenge.Purpose.SIGNIN)
            codes.append(outcome.problem.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == ["throttled"] * 5 + ["wrong"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locking across connections)")
def test_card_activated_once_and_wrong_codes_all_counted_under_concurrency(settings):
    """Parallel activations with two prompts (two tabs) activate the card once;
    parallel wrong temporary codes are each counted."""
    from securelogin import lostdevice

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURELOGIN_THROTTLE_FACTOR = 0
    user, _ = make_client("racer-card", "ios")
    temp, _ = lostdevice.issue_temporary_code(user, actor="agent")
    card = lostdevice.card_to_print(user, create=True).card
    nonces = [secrets.token_urlsafe(16) for _ in range(THREADS)]
    prompts = [lostdevice.issue_activation_prompt(user, card, nonce) for nonce in nonces]
    barrier = threading.Barrier(THREADS)
    results = []

    def activate(nonce, prompt):
        try:
            barrier.wait()
            outcome = lostdevice.activate_card(user=user, nonce=nonce, prompt_id=prompt.public_id,
                                               raw=card.response_for(prompt.code))
            results.append(outcome.ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=activate, args=pair) for pair in zip(nonces, prompts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert AuditEvent.objects.filter(kind="card-activated", user=user).count() == 1

    other, _ = make_client("racer-code", "ios")
    temp, _ = lostdevice.issue_temporary_code(other, actor="agent")
    barrier = threading.Barrier(THREADS)

    def wrong_code():
        try:
            barrier.wait()
            lostdevice.verify_temporary_code(user=other, raw="K7QM2XRA", purpose="signin")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrong_code) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    temp.refresh_from_db()
    assert temp.throttling_failure_count == THREADS
