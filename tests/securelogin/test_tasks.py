"""Step-up verification for tasks in the emulated Client Portal."""

import pytest
from django.test import Client

from securelogin.models import AuditEvent, Challenge
from tests.securelogin.helpers import PASSWORD, current, make_client

pytestmark = pytest.mark.django_db


TASK_PASSWORD = "/en/portal/tasks/sign-in-again/"


def start(client, purpose, data, user=None):
    """The task's form, then user name and password again (the source's step 1), then the
    challenge."""
    assert client.post(f"/en/portal/tasks/{purpose}/", data)["Location"] == TASK_PASSWORD
    user = user or client.get("/en/portal/").context["user"]
    again = client.post(TASK_PASSWORD, {"username": user.username, "password": PASSWORD})
    assert again["Location"] == "/en/portal/tasks/verify/"
    return client.get("/en/portal/tasks/verify/")


def test_change_email_asks_again_and_applies_after_the_right_response(client, ios_client):
    user, device = ios_client
    client.force_login(user)
    page = start(client, "change-email", {"email": "new@example.com"})
    public_id, code = current(page)
    assert Challenge.objects.get(public_id=public_id).purpose == "change-email"
    wrong = client.post(
        "/en/portal/tasks/verify/", {"challenge": public_id, "response": "12 34 56"}
    )
    assert wrong.context["problem"].code == "spaces"
    user.refresh_from_db()
    assert user.email != "new@example.com"
    done = client.post(
        "/en/portal/tasks/verify/", {"challenge": public_id, "response": device.response_for(code)}
    )
    assert done["Location"] == "/en/portal/"
    user.refresh_from_db()
    assert user.email == "new@example.com"
    # The task is over: the same response again changes nothing and asks to start again.
    again = client.post(
        "/en/portal/tasks/verify/", {"challenge": public_id, "response": device.response_for(code)}
    )
    assert again.status_code == 302


def test_withdrawal_asks_for_a_new_challenge_bound_to_the_task(client, dsc_client):
    user, device = dsc_client
    client.force_login(user)
    page = start(client, "withdrawal", {"amount": "250.00", "currency": "CHF"})
    public_id, code = current(page)
    challenge = Challenge.objects.get(public_id=public_id)
    assert challenge.purpose == "withdrawal" and challenge.user == user
    done = client.post(
        "/en/portal/tasks/verify/",
        {"challenge": public_id, "response": device.response_for(code)},
        follow=True,
    )
    assert "250.00 CHF" in done.content.decode()


def test_sign_in_challenge_cannot_answer_a_task(client, ios_client):
    """A challenge bound to another attempt is refused even for the same client."""
    user, device = ios_client
    other = Client()
    other.post("/en/portal/signin/", {"username": user.username, "password": "correct horse 2260"})
    signin_page = other.get("/en/portal/signin/verify/")
    foreign_id, foreign_code = current(signin_page)
    client.force_login(user)
    start(client, "change-email", {"email": "x@example.com"})
    result = client.post(
        "/en/portal/tasks/verify/",
        {"challenge": foreign_id, "response": device.response_for(foreign_code)},
    )
    assert result.context["problem"].code == "tampered"
    user.refresh_from_db()
    assert user.email != "x@example.com"


@pytest.mark.parametrize(
    ("purpose", "data"),
    [
        ("change-email", {"email": "not-an-email"}),
        ("change-email", {"email": ""}),
        ("withdrawal", {"amount": "-5", "currency": "CHF"}),
        ("withdrawal", {"amount": "10", "currency": "XXX"}),
        ("withdrawal", {"amount": "1e99", "currency": "USD"}),
    ],
)
def test_bad_task_input_is_refused_before_any_challenge(client, ios_client, purpose, data):
    user, _ = ios_client
    client.force_login(user)
    result = client.post(f"/en/portal/tasks/{purpose}/", data)
    assert result.status_code == 200 and result.context["form"].errors
    assert not Challenge.objects.filter(user=user).exists()


def test_unknown_task_is_404(client, ios_client):
    client.force_login(ios_client[0])
    assert client.get("/en/portal/tasks/delete-everything/").status_code == 404


def test_task_verify_without_task_goes_home(client, ios_client):
    client.force_login(ios_client[0])
    assert client.get("/en/portal/tasks/verify/")["Location"] == "/en/portal/"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_portal_pages_render(client, any_client, lang):
    user, _ = any_client
    client.force_login(user)
    for path in [
        "",
        "account/security/secure-login/device/",
        "tasks/change-email/",
        "tasks/withdrawal/",
    ]:
        assert client.get(f"/{lang}/portal/{path}").status_code == 200


@pytest.mark.parametrize("lang", ["en", "de"])
def test_task_asks_for_user_name_and_password_before_the_device(client, ios_client, lang):
    user, _device = ios_client
    client.force_login(user)
    started = client.post(f"/{lang}/portal/tasks/change-email/", {"email": "new@example.com"})
    assert started["Location"] == f"/{lang}/portal/tasks/sign-in-again/"
    # The device step cannot be reached before the password step.
    assert (
        client.get(f"/{lang}/portal/tasks/verify/")["Location"]
        == f"/{lang}/portal/tasks/sign-in-again/"
    )
    page = client.get(f"/{lang}/portal/tasks/sign-in-again/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html
    intro = {
        "en": "enter your user name and password again",
        "de": "geben Sie Ihren Benutzernamen und Ihr Passwort erneut ein",
    }
    assert intro[lang] in html
    assert not Challenge.objects.filter(user=user, purpose="change-email").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "", "password": ""},
        {"username": "ios-user", "password": "wrong password"},
        {"username": "someone-else", "password": PASSWORD},
    ],
)
def test_task_password_step_refuses_wrong_credentials_and_keeps_the_task(
    client, ios_client, fields
):
    user, _device = ios_client
    make_client("someone-else", "android")
    fields = {
        **fields,
        "username": user.username if fields["username"] == "ios-user" else fields["username"],
    }
    client.force_login(user)
    client.post("/en/portal/tasks/change-email/", {"email": "new@example.com"})
    refused = client.post(TASK_PASSWORD, fields)
    assert refused.status_code == 400
    assert refused.context["problem"].message and 'id="problem"' in refused.content.decode()
    assert client.get("/en/portal/tasks/verify/")["Location"] == TASK_PASSWORD
    assert not Challenge.objects.filter(user=user, purpose="change-email").exists()
    user.refresh_from_db()
    assert user.email != "new@example.com"
    # The task is still there: the right credentials lead on to the device.
    right = client.post(TASK_PASSWORD, {"username": user.username, "password": PASSWORD})
    assert right["Location"] == "/en/portal/tasks/verify/"


def test_task_password_step_goes_through_the_sign_in_limits(client, ios_client):
    user, _device = ios_client
    client.force_login(user)
    client.post("/en/portal/tasks/change-email/", {"email": "new@example.com"})
    client.post(TASK_PASSWORD, {"username": user.username, "password": "wrong"})
    assert AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.FAILURE).exists()


def test_task_password_step_without_a_task_asks_to_start_again(client, ios_client):
    user, _device = ios_client
    client.force_login(user)
    assert client.get(TASK_PASSWORD)["Location"] == "/en/portal/"
