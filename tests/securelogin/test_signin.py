"""Sign-in with user name, password and a challenge/response device."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from securelogin.models import AuditEvent, Challenge
from tests.securelogin.helpers import PASSWORD, current, sign_in

pytestmark = pytest.mark.django_db


def answer(client, page, response, lang="en", url=None):
    public_id, _ = current(page)
    return client.post(
        url or f"/{lang}/portal/signin/verify/", {"challenge": public_id, "response": response}
    )


def test_each_device_kind_signs_in(client, any_client):
    user, device = any_client
    page = sign_in(client, user)
    assert page.status_code == 200
    assert SESSION_KEY not in client.session  # not signed in after the password alone
    _, code = current(page)
    assert re.fullmatch(r"[0-9]{6}", code)
    result = answer(client, page, device.response_for(code))
    assert result.status_code == 302 and result["Location"] == "/en/portal/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/en/portal/").status_code == 200


def test_challenge_page_links_the_emulator_in_a_new_tab(client, ios_client):
    user, device = ios_client
    html = sign_in(client, user).content.decode()
    assert f'href="/en/portal/devices/{device.pk}/" target="_blank"' in html


@pytest.mark.parametrize("lang", ["en", "de"])
def test_unknown_user_and_wrong_password_get_the_same_message(client, ios_client, lang):
    user, device = ios_client
    wrong = client.post(f"/{lang}/portal/signin/", {"username": user.username, "password": "nope"})
    unknown = client.post(f"/{lang}/portal/signin/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.context["problem"].message == unknown.context["problem"].message
    assert SESSION_KEY not in client.session
    device.refresh_from_db()
    assert (
        device.throttling_failure_count == 0
    )  # wrong passwords never count toward the account's lock
    assert (
        AuditEvent.objects.filter(kind="failure", reason="password", username=user.username).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(kind="failure", reason="password", username="nobody").count() == 1
    )


def test_unknown_user_still_runs_the_password_hasher(client, db, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher,
        "encode",
        lambda self, *a, **k: calls.append(1) or original(self, *a, **k),
    )
    client.post("/en/portal/signin/", {"username": "nobody", "password": "whatever"})
    assert calls


def test_wrong_response_does_not_say_which_factor(client, android_client):
    user, _ = android_client
    page = sign_in(client, user)
    result = answer(client, page, "000000" if current(page)[1] != "000000" else "111111")
    assert result.status_code == 400
    assert "User name, password or response not correct." in result.content.decode()
    assert "#android" in result.context["problem"].help_url
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("123 456", "spaces"),
        ("12 34 56", "spaces"),
        ("12345", "wrong-length"),
        ("1234567", "wrong-length"),
        ("abcdef", "lower-case"),
        ("ABC123", "lower-case"),
        ("١٢٣٤٥٦", "non-ascii-digits"),
        ("１２３４５６", "non-ascii-digits"),
        ("<b>12</b>", "lower-case"),
        ("12-345", "not-digits"),
        ("9" * 5000, "too-long"),
    ],
)
def test_bad_input_gets_its_own_message_and_counts_nothing(client, dsc_client, typed, code):
    user, device = dsc_client
    page = sign_in(client, user)
    result = answer(client, page, typed)
    assert result.status_code == 400
    problem = result.context["problem"]
    assert problem.code == code
    assert problem.help_url
    assert "<b>12</b>" not in result.content.decode()  # escaped, never rendered
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_help_links_point_to_matching_sections(client, ios_client):
    user, _ = ios_client
    page = sign_in(client, user)
    links = {
        typed: answer(client, page, typed).context["problem"].help_url
        for typed in ["123 456", "12345", "abcdef", "000000"]
    }
    assert links["123 456"] == "/en/articles/sign-in-troubleshooting/#card-or-device"
    assert links["12345"] == "/en/articles/challenge-response/#ios"
    assert links["abcdef"] == "/en/articles/sign-in-troubleshooting/#temporary-code"
    assert links["000000"] == "/en/articles/challenge-response/#ios"


def test_expired_challenge_is_refused_and_replaced(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    public_id, code = current(page)
    Challenge.objects.filter(public_id=public_id).update(expires_at=timezone.now())
    result = answer(client, page, device.response_for(code))
    assert result.context["problem"].code == "expired"
    assert result.context["challenge"].public_id != public_id
    assert SESSION_KEY not in client.session


def test_tampered_or_missing_challenge_id(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    _, code = current(page)
    for bad in ["", "x" * 40, "not-a-challenge"]:
        result = client.post(
            "/en/portal/signin/verify/", {"challenge": bad, "response": device.response_for(code)}
        )
        assert result.context["problem"].code == "tampered"
    assert SESSION_KEY not in client.session


def test_response_to_another_challenge_is_refused(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    public_id, code = current(page)
    other = str((int(code) + 1) % 10**6).zfill(6)
    result = answer(client, page, device.response_for(other))
    if device.response_for(other) != device.response_for(code):
        assert result.context["problem"].code == "wrong"


def test_challenge_of_another_attempt_is_refused(client, ios_client, android_client):
    """A challenge id from someone else's sign-in cannot be answered here."""
    from django.test import Client

    user, device = ios_client
    other_user, _ = android_client
    other = Client()
    other_page = sign_in(other, other_user)
    sign_in(client, user)
    foreign_id, foreign_code = current(other_page)
    result = client.post(
        "/en/portal/signin/verify/", {"challenge": foreign_id, "response": "123456"}
    )
    assert result.context["problem"].code == "tampered"


def test_replayed_response_is_refused(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    public_id, code = current(page)
    data = {"challenge": public_id, "response": device.response_for(code)}
    assert client.post("/en/portal/signin/verify/", data).status_code == 302
    client.post("/en/portal/signout/")
    again = client.post("/en/portal/signin/verify/", data)
    assert again.status_code == 302 and again["Location"] == "/en/portal/signin/"
    assert SESSION_KEY not in client.session


def test_brute_force_withdraws_challenge_then_locks_account(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    first_id, code = current(page)
    wrong = device.response_for(str((int(code) + 7) % 10**6).zfill(6))
    codes = []
    for _ in range(10):
        result = client.post(
            "/en/portal/signin/verify/", {"challenge": current(page)[0], "response": wrong}
        )
        codes.append(
            result.context["problem"].code
            if result.status_code != 302 and result.context
            else "locked"
        )
        if result.status_code == 200 or result.status_code == 400:
            page = result
    assert codes[4] == "withdrawn"  # 5 wrong answers per challenge at most
    assert codes[-1] == "locked"
    device.refresh_from_db()
    assert device.is_locked
    # Even the right password and response no longer get in.
    client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKOUT, user=user).count() == 1


def test_throttle_backoff_asks_to_wait(client, ios_client, settings):
    settings.SECURELOGIN_THROTTLE_FACTOR = 30
    user, device = ios_client
    page = sign_in(client, user)
    code = current(page)[1]
    wrong = device.response_for(str((int(code) + 3) % 10**6).zfill(6))
    answer(client, page, wrong)
    result = answer(client, page, device.response_for(code))
    assert result.context["problem"].code == "throttled"
    assert SESSION_KEY not in client.session


def test_verify_without_password_step_redirects(client, db):
    result = client.get("/en/portal/signin/verify/")
    assert result.status_code == 302 and result["Location"] == "/en/portal/signin/"


def test_portal_pages_need_sign_in(client, db):
    for url in [
        "/en/portal/",
        "/en/portal/account/security/secure-login/device/",
        "/en/portal/tasks/withdrawal/",
    ]:
        result = client.get(url)
        assert result.status_code == 302 and result["Location"].startswith(
            "/en/portal/signin/?next="
        )


def test_next_is_followed_only_when_safe(client, ios_client):
    user, device = ios_client
    client.post(
        "/en/portal/signin/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    page = client.get("/en/portal/signin/verify/")
    result = answer(client, page, device.response_for(current(page)[1]))
    assert result["Location"] == "/en/portal/"


def test_audit_log_has_no_secrets(client, ios_client):
    user, device = ios_client
    page = sign_in(client, user)
    response = device.response_for(current(page)[1])
    answer(client, page, response)
    kinds = set(AuditEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"challenge-issued", "success"} <= kinds
    for row in AuditEvent.objects.values():
        assert response not in " ".join(str(v) for v in row.values())
        assert PASSWORD not in " ".join(str(v) for v in row.values())


def test_german_pages(client, dsc_client):
    user, device = dsc_client
    page = sign_in(client, user, lang="de")
    html = page.content.decode()
    assert "Sicherheitsprüfung" in html
    result = client.post(
        "/de/portal/signin/verify/", {"challenge": current(page)[0], "response": "12 34 56"}
    )
    assert "ohne Leerzeichen" in result.content.decode()


def test_account_without_device_is_bounded_too(client, db, settings):
    """No "no device" answer after the right password: the second step asks for a
    temporary code like for any client whose device is lost. Its (always wrong)
    codes lock it like a device's wrong responses, and that lock ends by itself;
    wrong passwords do not lock it."""
    from django.contrib.auth import get_user_model

    settings.SECURELOGIN_PASSWORD_FREE_TRIES_PER_PAIR = 100
    get_user_model().objects.create_user("nodevice", password=PASSWORD)
    for _ in range(20):
        client.post("/en/portal/signin/", {"username": "nodevice", "password": "guess"})
    first = client.post("/en/portal/signin/", {"username": "nodevice", "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == "/en/portal/signin/verify/"
    page = client.get("/en/portal/signin/verify/")
    assert page.status_code == 200 and "id_code" in page.content.decode()
    wrong = client.post("/en/portal/signin/verify/", {"code": "K7QM2XRA"})
    assert wrong.context["problem"].code == "code-wrong"
    assert SESSION_KEY not in client.session
    for _ in range(9):
        client.post("/en/portal/signin/verify/", {"code": "K7QM2XRA"})
    after = client.post("/en/portal/signin/", {"username": "nodevice", "password": PASSWORD})
    assert after.context["problem"].code == "locked"
    assert (
        client.post("/en/portal/signin/", {"username": "nodevice", "password": "guess"})
        .context["problem"]
        .code
        == "locked"
    )  # the same answer whatever the password
    assert AuditEvent.objects.filter(kind="lockout", username="nodevice").count() == 1


def test_old_challenges_are_cleaned_up(client, ios_client):
    from datetime import timedelta

    user, _ = ios_client
    page = sign_in(client, user)
    old_id, _ = current(page)
    Challenge.objects.filter(public_id=old_id).update(created_at=timezone.now() - timedelta(days=2))
    client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    client.get("/en/portal/signin/verify/")
    assert not Challenge.objects.filter(public_id=old_id).exists()
