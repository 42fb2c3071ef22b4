"""NUL and control characters in any field or URL (issue 10, finding 7)."""

import pytest
from django.contrib.auth import SESSION_KEY

from securelogin.models import AuditEvent
from tests.securelogin.helpers import PASSWORD, current, sign_in

pytestmark = pytest.mark.django_db

BAD = ["\x00", "12\x0034", "\x1b[2J", "abc\ndef", "a\tb"]


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("field", ["username", "password"])
def test_signin_fields_refuse_control_characters(client, ios_client, field, value):
    user, _ = ios_client
    data = {"username": user.username, "password": PASSWORD, field: value}
    result = client.post("/en/portal/signin/", data)
    assert result.status_code == 400
    assert result.context["problem"].code == "control-characters"
    assert not AuditEvent.objects.filter(kind="failure").exists()  # nothing was tried


@pytest.mark.parametrize("value", BAD)
def test_response_field_refuses_control_characters(client, ios_client, value):
    user, _ = ios_client
    page = sign_in(client, user)
    result = client.post(
        "/en/portal/signin/verify/", {"challenge": current(page)[0], "response": value}
    )
    assert result.status_code == 400 and result.context["problem"].code == "control-characters"
    assert result.context["problem"].help_url
    assert SESSION_KEY not in client.session


def test_hidden_challenge_field_with_nul_is_explained_too(client, ios_client):
    user, _ = ios_client
    sign_in(client, user)
    result = client.post("/en/portal/signin/verify/", {"challenge": "\x00", "response": "123456"})
    assert result.status_code == 400 and result.context["problem"].code == "control-characters"


def test_german_message(client, ios_client):
    user, _ = ios_client
    page = sign_in(client, user, lang="de")
    result = client.post(
        "/de/portal/signin/verify/", {"challenge": current(page)[0], "response": "1\x00"}
    )
    assert "Steuerzeichen" in result.content.decode()


def test_temporary_code_field_refuses_nul(client, db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nodevice", password=PASSWORD)
    client.post("/en/portal/signin/", {"username": "nodevice", "password": PASSWORD})
    result = client.post("/en/portal/signin/verify/", {"code": "K7QM\x002XRA"})
    assert result.status_code == 400 and result.context["problem"].code == "control-characters"


def test_task_form_refuses_nul(client, ios_client):
    user, _ = ios_client
    client.force_login(user)
    result = client.post("/en/portal/tasks/change-email/", {"email": "a\x00@example.com"})
    assert result.status_code == 200
    assert "control-characters" in [
        error.code for error in result.context["form"].errors.as_data()["email"]
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/en/kb/%00/",
        "/en/portal/signin/%00",
        "/de/%00",
        "/en/portal/devices/1%00/",
        "/en/admin/%00/",
        "/en/portal/signin/?next=%00",
        "/en/search/?q=a%00b",
    ],
)
def test_nul_in_any_url_is_404(client, url):
    assert client.get(url).status_code == 404


def test_nul_in_a_form_field_is_no_500(client, ios_client):
    user, _ = ios_client
    result = client.post(
        "/en/portal/signin/", {"username": user.username, "password": PASSWORD, "next": "\x00"}
    )
    assert result.status_code in (302, 400)


def test_nul_404_page_speaks_the_paths_language(client):
    result = client.get("/de/kb/%00/")
    assert result.status_code == 404 and '<html lang="de">' in result.content.decode()


def test_sign_in_during_a_database_outage_is_a_translated_503(ios_client, monkeypatch):
    """Finding 10 (the 503 page is the stateless work's): a sign-in POST while the database is
    gone."""
    from django.db import OperationalError
    from django.test import Client

    from securelogin import services

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "authenticate", gone)
    user, _ = ios_client
    result = Client(raise_request_exception=False).post(
        "/de/portal/signin/", {"username": user.username, "password": PASSWORD}
    )
    assert result.status_code == 503 and result["Retry-After"]
    assert "Vorübergehend nicht erreichbar" in result.content.decode()


def test_a_limit_that_cannot_count_refuses_the_sign_in(ios_client, monkeypatch):
    """The password limits never let a try through uncounted when the shared store is gone."""
    from django.test import Client
    from redis.exceptions import ConnectionError as RedisConnectionError

    from securelogin import limits

    def gone(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(limits.counters, "hit", gone)
    user, _ = ios_client
    visitor = Client(raise_request_exception=False)
    result = visitor.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    assert result.status_code == 503
    assert "securelogin.pending" not in visitor.session  # the password step did not pass
