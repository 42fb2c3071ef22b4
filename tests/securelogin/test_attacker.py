"""The attacker's paths found by the security review (issue 10, findings 1–3 and 5):
a stranger cannot lock an account, a locked account's answers carry no
information, card prompts cannot be redrawn, and every refusal is audited
with the right address."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.utils import timezone

from securelogin.models import AuditEvent, SecurityDevice
from securelogin.services import assign_device
from tests.securelogin.helpers import PASSWORD, current

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.9"
CLIENT_HOME = "198.51.100.7"


def signin(client, username, password):
    return client.post("/en/portal/signin/", {"username": username, "password": password})


def full_signin(client, user, device):
    """Password, then the right response: True when signed in."""
    first = signin(client, user.username, PASSWORD)
    if first.status_code != 302:
        return False
    page = client.get("/en/portal/signin/verify/")
    public_id, code = current(page)
    client.post(
        "/en/portal/signin/verify/", {"challenge": public_id, "response": device.response_for(code)}
    )
    return client.session.get(SESSION_KEY) == str(user.pk)


def lock_by_wrong_responses(client, user, device):
    """Ten wrong responses after the right password (only the client can do this)."""
    signin(client, user.username, PASSWORD)
    page = client.get("/en/portal/signin/verify/")
    for _ in range(10):
        public_id, code = current(page)
        wrong = device.response_for(str((int(code) + 7) % 10**6).zfill(6))
        result = client.post(
            "/en/portal/signin/verify/", {"challenge": public_id, "response": wrong}
        )
        if result.context and "challenge" in result.context:
            page = result
    device.refresh_from_db()
    assert device.is_locked


def test_a_stranger_with_100_wrong_passwords_cannot_stop_the_client(db, ios_client):
    """Done-when 1: 100 wrong passwords from one address; the client signs in from another."""
    user, device = ios_client
    stranger = Client(REMOTE_ADDR=STRANGER)
    codes = [
        signin(stranger, user.username, f"guess-{n}").context["problem"].code for n in range(100)
    ]
    assert codes[:5] == ["bad-credentials"] * 5
    assert codes.count("throttled") >= 90  # one try per growing delay after the free tries
    device.refresh_from_db()
    assert not device.is_locked and device.throttling_failure_count == 0
    assert full_signin(Client(REMOTE_ADDR=CLIENT_HOME), user, device)
    throttled = AuditEvent.objects.filter(kind="refused", reason="throttled", user=user)
    assert throttled.count() == codes.count("throttled")
    assert set(throttled.values_list("ip", flat=True)) == {STRANGER}


def test_throttled_answer_is_the_same_for_the_right_password(db, ios_client):
    user, _ = ios_client
    stranger = Client(REMOTE_ADDR=STRANGER)
    for n in range(6):
        signin(stranger, user.username, f"guess-{n}")
    wrong, right = (
        signin(stranger, user.username, "guess-x"),
        signin(stranger, user.username, PASSWORD),
    )
    assert wrong.status_code == right.status_code == 400
    assert wrong.context["problem"].code == right.context["problem"].code == "throttled"
    assert SESSION_KEY not in stranger.session


def test_one_source_is_slowed_down_across_user_names(db, settings):
    settings.SECURELOGIN_PASSWORD_FREE_TRIES_PER_SOURCE = 20
    stranger = Client(REMOTE_ADDR=STRANGER)
    codes = [signin(stranger, f"user{n}", "guess").context["problem"].code for n in range(30)]
    assert codes[:20] == ["bad-credentials"] * 20
    assert "throttled" in codes[20:]
    assert (
        signin(Client(REMOTE_ADDR=CLIENT_HOME), "user1", "guess").context["problem"].code
        == "bad-credentials"
    )


def test_delays_grow_and_end(db, ios_client, settings):
    settings.SECURELOGIN_PASSWORD_DELAY_SECONDS = 10
    user, device = ios_client
    stranger = Client(REMOTE_ADDR=STRANGER)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            signin(stranger, user.username, f"guess-{n}")
        assert (
            signin(stranger, user.username, "x").context["problem"].code == "bad-credentials"
        )  # 6th: slot taken
        assert signin(stranger, user.username, "x").context["problem"].code == "throttled"
        clock.shift(timedelta(seconds=21))
        # After the wait a try is checked again, and the right password resets the pair.
        assert full_signin(stranger, user, device)


@pytest.mark.parametrize("right_password", [False, True])
def test_a_locked_account_tells_nothing_about_the_password(db, ios_client, right_password):
    """Finding 1: wrong and right passwords get the same answer on a locked account."""
    user, device = ios_client
    lock_by_wrong_responses(Client(REMOTE_ADDR=CLIENT_HOME), user, device)
    stranger = Client(REMOTE_ADDR=STRANGER)
    wrong = signin(stranger, user.username, "guess")
    answer = signin(stranger, user.username, PASSWORD if right_password else "guess-2")
    assert wrong.status_code == answer.status_code == 400
    assert wrong.context["problem"].code == answer.context["problem"].code == "locked"
    assert wrong.content.decode().replace("guess", "").count(
        "locked"
    ) == answer.content.decode().count("locked")
    refused = AuditEvent.objects.filter(kind="refused", reason="locked", user=user, ip=STRANGER)
    assert refused.count() == 2


def test_lock_ends_by_itself_doubling_on_repeat_and_staff_can_lift_it(db, ios_client, settings):
    settings.SECURELOGIN_LOCK_SECONDS = 900
    user, device = ios_client
    with time_machine.travel(timezone.now(), tick=False) as clock:
        lock_by_wrong_responses(Client(), user, device)
        clock.shift(timedelta(seconds=899))
        device.refresh_from_db()
        assert device.is_locked
        clock.shift(timedelta(seconds=2))
        device.refresh_from_db()
        assert not device.is_locked
        lock_by_wrong_responses(
            Client(), user, device
        )  # a fresh count of tries, then a second lock
        assert device.lock_count == 2
        clock.shift(timedelta(seconds=901))
        device.refresh_from_db()
        assert device.is_locked  # 30 minutes this time
        clock.shift(timedelta(seconds=900))
        device.refresh_from_db()
        assert not device.is_locked
        lock_by_wrong_responses(Client(), user, device)
        device.unlock()
        assert not device.is_locked and device.lock_count == 0
        assert full_signin(Client(), user, device)


def test_lock_is_capped(db, ios_client, settings):
    settings.SECURELOGIN_LOCK_MAX_SECONDS = 3600
    _, device = ios_client
    device.locked_at, device.lock_count = timezone.now(), 12
    assert device.lock_ends_at == device.locked_at + timedelta(seconds=3600)


def make_card_client(username="cora"):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    now = timezone.now()
    card = assign_device(
        user, SecurityDevice.Kind.CARD, activated_at=now, expires_at=now + timedelta(days=21)
    )
    return user, card


def test_card_prompt_stays_the_same_for_new_sign_ins_from_another_source(db, settings):
    """Finding 2: the attacker with the password cannot redraw pairs by starting over."""
    user, card = make_card_client()
    attacker = Client(REMOTE_ADDR=STRANGER)
    pairs = set()
    for _ in range(30):
        assert signin(attacker, user.username, PASSWORD).status_code == 302
        page = attacker.get("/en/portal/signin/verify/")
        pairs.add(current(page)[1])
    assert len(pairs) == 1
    assert AuditEvent.objects.filter(kind="challenge-issued", user=user).count() == 1


def test_expired_prompts_are_audited_unanswered_and_limited_per_hour(db, settings):
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 4
    user, card = make_card_client()
    attacker = Client(REMOTE_ADDR=STRANGER)
    statuses = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            signin(attacker, user.username, PASSWORD)
            statuses.append(attacker.get("/en/portal/signin/verify/").status_code)
            clock.shift(timedelta(seconds=301))  # the prompt expires unanswered
    assert statuses == [200] * 4 + [429] * 2
    assert AuditEvent.objects.filter(kind="failure", reason="unanswered", user=user).count() == 3
    refused = AuditEvent.objects.filter(kind="refused", reason="prompt-limit", user=user)
    assert refused.count() == 2 and set(refused.values_list("ip", flat=True)) == {STRANGER}


def test_device_challenges_are_limited_per_account_and_hour(db, settings, ios_client):
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 3
    user, _ = ios_client
    attacker = Client(REMOTE_ADDR=STRANGER)
    statuses = []
    for _ in range(5):
        signin(attacker, user.username, PASSWORD)
        statuses.append(attacker.get("/en/portal/signin/verify/").status_code)
    assert statuses == [200, 200, 200, 429, 429]
    page = attacker.get("/en/portal/signin/verify/")
    assert page.context["problem"].code == "prompt-limit"


def test_deviceless_lock_ends_by_itself(db, settings):
    get_user_model().objects.create_user("nodev", password=PASSWORD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        signin(client, "nodev", PASSWORD)
        for _ in range(10):
            client.post("/en/portal/signin/verify/", {"code": "K7QM2XRA"})
        assert signin(client, "nodev", PASSWORD).context["problem"].code == "locked"
        clock.shift(timedelta(seconds=901))
        assert signin(client, "nodev", PASSWORD).status_code == 302


def test_a_refused_password_step_ends_the_earlier_pending_attempt(ios_client):
    user, _ = ios_client
    client = Client()
    assert signin(client, user.username, PASSWORD).status_code == 302
    assert signin(client, user.username, "wrong").status_code == 400
    assert client.get("/en/portal/signin/verify/")["Location"] == "/en/portal/signin/"


def test_staff_lift_a_deviceless_lock_by_issuing_a_temporary_code(db):
    """An account without a credential has no device row to unlock: the temporary code
    staff issue for it becomes the credential, and its sign-in is not locked."""
    from securelogin.temporary_access import issue_temporary_code

    user = get_user_model().objects.create_user("nodev2", password=PASSWORD)
    client = Client()
    signin(client, "nodev2", PASSWORD)
    for _ in range(10):
        client.post("/en/portal/signin/verify/", {"code": "K7QM2XRA"})
    assert signin(client, "nodev2", PASSWORD).context["problem"].code == "locked"
    _, code = issue_temporary_code(user, actor="agent")
    assert signin(client, "nodev2", PASSWORD).status_code == 302
    result = client.post("/en/portal/signin/verify/", {"code": code})
    assert result.status_code == 302 and client.session[SESSION_KEY] == str(user.pk)
