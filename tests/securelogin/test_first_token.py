"""A new client whose only credential is an assigned, not yet activated token activates it
while signing in (device_assignment.token_to_activate_at_signin, first_token_views.py).

Every response is computed here from the secret written into the PSKC file
(token_helpers.reference_ocra), never by the portal."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from securelogin import device_assignment, pskc_import, services, temporary_access
from securelogin.conf import app_settings
from securelogin.models import AuditEvent, Challenge, HardwareToken, SecurityDevice
from tests.securelogin.helpers import PASSWORD
from tests.securelogin.token_helpers import MALFORMED_8_DIGITS, pskc_file, reference_ocra, token

pytestmark = pytest.mark.django_db
EIGHT = token("NEW-8", "OCRA-1:HOTP-SHA256-8:QN08")
SIX_PIN = token("NEW-6", "OCRA-1:HOTP-SHA1-6:QN06-PSHA1", pin="2580")
SIGNIN = "/en/portal/signin/"
VERIFY = "/en/portal/signin/verify/"


@pytest.fixture
def new_client(db):
    """A client account whose only credential is the token NEW-8, waiting for activation."""
    pskc_import.import_tokens(pskc_file([EIGHT, SIX_PIN]), actor="staff")
    user = get_user_model().objects.create_user("nora", "nora@example.com", PASSWORD)
    device_assignment.assign_token(user, "NEW-8", actor="staff")
    return user


def answer(spec, code):
    return reference_ocra(spec["suite"], spec["secret"], code, pin=spec.get("pin"))


def wrong_answer(spec, code):
    right = answer(spec, code)
    return str((int(right) + 1) % 10 ** len(right)).zfill(len(right))


def password_step(client, user, lang="en", password=PASSWORD):
    return client.post(f"/{lang}/portal/signin/", {"username": user.username, "password": password})


def post(client, challenge, response, lang="en"):
    return client.post(
        f"/{lang}/portal/signin/verify/", {"challenge": challenge.public_id, "response": response}
    )


def token_row(user):
    return SecurityDevice.objects.get(user=user, kind="token")


def test_a_new_client_activates_the_token_and_is_signed_in(client, new_client):
    assert password_step(client, new_client).status_code == 302
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert page.context["title"] == "Activate your new security token"
    assert b"first sign-in with the security token NEW-8" in page.content
    challenge = page.context["challenge"]
    assert len(challenge.code) == 8 and challenge.purpose == "token-activation"
    assert b"The 8 digits your security token shows" in page.content
    assert b'id="open-emulator"' not in page.content
    assert client.get("/en/portal/").status_code == 302  # not signed in yet

    result = post(client, challenge, answer(EIGHT, challenge.code))
    assert result.status_code == 302 and result["Location"] == "/en/portal/"
    device = token_row(new_client)
    assert device.confirmed and device.activated_at is not None
    assert HardwareToken.objects.get(serial="NEW-8").status == HardwareToken.Status.ASSIGNED
    home = client.get("/en/portal/")
    assert home.status_code == 200 and home.context["user"] == new_client
    shown = [str(m) for m in home.context["messages"]]
    assert "Your security token NEW-8 is active. From now on, sign in with it." in shown
    events = AuditEvent.objects.filter(user=new_client, device=device)
    activated = events.filter(kind=AuditEvent.Kind.TOKEN_ACTIVATED, purpose="token-activation")
    assert activated.count() == 1
    assert events.filter(kind=AuditEvent.Kind.SUCCESS, purpose="signin").count() == 1
    assert Challenge.objects.get(pk=challenge.pk).used_at is not None

    # From now on the token is the credential: the usual sign-in challenge.
    client.post("/en/portal/signout/")
    password_step(client, new_client)
    again = client.get(VERIFY)
    assert again.context["title"] == "Security check"
    challenge = again.context["challenge"]
    assert challenge.purpose == "signin"
    result = post(client, challenge, answer(EIGHT, challenge.code))
    assert result.status_code == 302 and result["Location"] == "/en/portal/"


def test_a_token_with_a_pin_and_the_next_url(client, new_client):
    user = get_user_model().objects.create_user("otto", password=PASSWORD)
    device_assignment.assign_token(user, "NEW-6")
    client.post(SIGNIN, {"username": "otto", "password": PASSWORD, "next": "/en/portal/device/"})
    page = client.get(VERIFY)
    challenge = page.context["challenge"]
    assert len(challenge.code) == 6
    wrong_pin = reference_ocra(SIX_PIN["suite"], SIX_PIN["secret"], challenge.code, pin="0000")
    refused = post(client, challenge, wrong_pin)
    assert refused.status_code == 400 and refused.context["problem"].code == "wrong"
    challenge = refused.context["challenge"]
    result = post(client, challenge, answer(SIX_PIN, challenge.code))
    assert result.status_code == 302 and result["Location"] == "/en/portal/device/"
    assert token_row(user).confirmed and token_row(user).throttling_failure_count == 0


def test_a_wrong_answer_counts_and_activates_nothing(client, new_client):
    password_step(client, new_client)
    challenge = client.get(VERIFY).context["challenge"]
    result = post(client, challenge, wrong_answer(EIGHT, challenge.code))
    assert result.status_code == 400 and result.context["problem"].code == "wrong"
    assert result.context["title"] == "Activate your new security token"
    device = token_row(new_client)
    assert not device.confirmed and device.activated_at is None
    assert device.throttling_failure_count == 1
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_ACTIVATED).exists()
    assert AuditEvent.objects.filter(
        kind="failure", reason="wrong", purpose="token-activation", user=new_client
    ).exists()
    assert client.get("/en/portal/").status_code == 302  # still not signed in


@pytest.mark.parametrize(
    "typed, problem",
    [*MALFORMED_8_DIGITS, ("١٢٣٤٥٦٧٨", "non-ascii-digits")],
)
def test_malformed_answers_are_explained_in_both_languages_and_not_counted(
    client, new_client, typed, problem
):
    password_step(client, new_client)
    challenge = client.get(VERIFY).context["challenge"]
    result = post(client, challenge, typed)
    assert result.status_code == 400 and result.context["problem"].code == problem
    if problem == "token-wrong-length":
        assert "exactly 8 digits; you typed 7" in result.context["problem"].message
    german = post(client, challenge, typed, lang="de")
    assert german.status_code == 400 and german.context["problem"].code == problem
    assert german.context["title"] == "Ihren neuen Sicherheitstoken aktivieren"
    assert token_row(new_client).throttling_failure_count == 0
    assert not token_row(new_client).confirmed


def test_a_challenge_is_used_once_and_withdrawn_after_five_wrong_answers(client, new_client):
    password_step(client, new_client)
    first = client.get(VERIFY).context["challenge"]
    for _ in range(5):
        result = post(client, first, wrong_answer(EIGHT, first.code))
    assert result.context["problem"].code == "withdrawn"
    second = result.context["challenge"]
    assert second.pk != first.pk
    late = post(client, first, answer(EIGHT, first.code))  # right, but for the withdrawn one
    assert late.status_code == 400 and late.context["problem"].code == "replayed"
    assert not token_row(new_client).confirmed
    third = late.context["challenge"]
    assert post(client, third, answer(EIGHT, third.code)).status_code == 302
    assert token_row(new_client).confirmed


def test_a_challenge_from_another_attempt_is_refused(client, new_client):
    password_step(client, new_client)
    other_attempt = client.get(VERIFY).context["challenge"]
    password_step(client, new_client)  # a new password step: a new attempt
    result = post(client, other_attempt, answer(EIGHT, other_attempt.code))
    assert result.status_code == 400 and result.context["problem"].code == "tampered"
    assert not token_row(new_client).confirmed


def test_ten_wrong_answers_lock_the_account_and_the_password_step_says_so(client, new_client):
    password_step(client, new_client)
    for _ in range(10):
        page = client.get(VERIFY)
        if page.status_code != 200:
            break
        result = post(client, page.context["challenge"], "00000000")
    assert result.status_code == 403 and result.context["problem"].code == "locked"
    device = token_row(new_client)
    assert device.is_locked and not device.confirmed
    assert AuditEvent.objects.filter(kind="lockout", user=new_client, device=device).exists()
    # Locked: the same answer whatever the password, and nothing to answer.
    for password in (PASSWORD, "wrong password"):
        refused = password_step(client, new_client, password=password)
        assert refused.status_code == 400 and refused.context["problem"].code == "locked"
    assert client.get(VERIFY).status_code == 302
    # The lock ends by itself; then the activation works.
    with time_machine.travel(timezone.now() + timedelta(seconds=app_settings.LOCK_SECONDS + 1)):
        password_step(client, new_client)
        challenge = client.get(VERIFY).context["challenge"]
        assert post(client, challenge, answer(EIGHT, challenge.code)).status_code == 302
    assert token_row(new_client).confirmed


def test_a_client_with_a_working_temporary_code_keeps_todays_sign_in(client, new_client):
    _, code = temporary_access.issue_temporary_code(new_client, actor="agent")
    password_step(client, new_client)
    page = client.get(VERIFY)
    assert page.templates[0].name == "securelogin/temporary_code.html"
    assert post(client, Challenge(public_id="x"), "12345678").status_code == 400  # no challenge
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert not token_row(new_client).confirmed  # activation stays under Security device
    assert not Challenge.objects.filter(purpose="token-activation").exists()


def test_an_expired_temporary_code_leaves_the_token_to_activate(client, new_client):
    temporary_access.issue_temporary_code(new_client, actor="agent")
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        password_step(client, new_client)
        challenge = client.get(VERIFY).context["challenge"]
        assert challenge.purpose == "token-activation"
        assert post(client, challenge, answer(EIGHT, challenge.code)).status_code == 302
    assert token_row(new_client).confirmed
    assert SecurityDevice.objects.get(user=new_client, kind="temporary").revoked_at is not None


def test_a_token_revoked_during_the_sign_in_leads_back_to_the_usual_step(client, new_client):
    password_step(client, new_client)
    challenge = client.get(VERIFY).context["challenge"]
    device_assignment.revoke_token(HardwareToken.objects.get(serial="NEW-8"), actor="staff")
    result = post(client, challenge, answer(EIGHT, challenge.code))
    assert result.status_code == 400 and result.context["problem"] is not None
    assert result.templates[0].name == "securelogin/temporary_code.html"
    page = client.get(VERIFY)
    assert page.templates[0].name == "securelogin/temporary_code.html"
    assert not SecurityDevice.objects.filter(user=new_client, confirmed=True).exists()


def test_new_challenges_are_limited_per_hour_with_a_translated_notice(client, new_client, settings):
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 2
    for _ in range(2):
        password_step(client, new_client)
        assert client.get(VERIFY).status_code == 200
    password_step(client, new_client, lang="de")
    refused = client.get("/de/portal/signin/verify/")
    assert refused.status_code == 429 and refused.context["problem"].code == "prompt-limit"
    assert refused.context["title"] == "Ihren neuen Sicherheitstoken aktivieren"
    assert AuditEvent.objects.filter(
        kind="refused", reason="prompt-limit", user=new_client
    ).exists()
    assert not token_row(new_client).confirmed


def test_a_deviceless_lock_from_before_the_assignment_still_holds(client, new_client):
    for _ in range(10):
        services.count_deviceless_failure(new_client)
    refused = password_step(client, new_client)
    assert refused.status_code == 400 and refused.context["problem"].code == "locked"
    assert not Challenge.objects.filter(user=new_client).exists()
