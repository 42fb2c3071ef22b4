"""Client sessions end after 15 idle minutes and 12 hours in any case (issue 10, finding 8)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests.securelogin.helpers import current, sign_in

pytestmark = pytest.mark.django_db


def signed_in(client, user, device):
    page = sign_in(client, user)
    public_id, code = current(page)
    client.post(
        "/en/portal/signin/verify/", {"challenge": public_id, "response": device.response_for(code)}
    )
    assert client.session[SESSION_KEY] == str(user.pk)


def test_idle_timeout_signs_out_and_says_so(client, ios_client):
    user, device = ios_client
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, user, device)
        clock.shift(timedelta(minutes=14))
        assert client.get("/en/portal/").status_code == 200  # activity restarts the idle clock
        clock.shift(timedelta(minutes=14))
        assert client.get("/en/portal/").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        result = client.get("/en/portal/account/security/secure-login/device/", follow=True)
    assert SESSION_KEY not in client.session
    assert result.redirect_chain[0][0].startswith("/en/portal/signin/?next=")
    assert "signed out after 15 minutes without activity" in result.content.decode()


def test_absolute_lifetime_ends_an_active_session(client, ios_client):
    user, device = ios_client
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, user, device)
        for _ in range(12 * 6 + 1):
            clock.shift(timedelta(minutes=10))
            client.get("/de/portal/")
        assert SESSION_KEY not in client.session
        result = client.get("/de/portal/signin/")
    assert "vor 12 Stunden angemeldet" in result.content.decode()


def test_limits_are_configurable_and_the_session_cookie_ends_too(client, ios_client, settings):
    settings.SECURELOGIN_SESSION_IDLE_SECONDS = 60
    settings.SECURELOGIN_SESSION_ABSOLUTE_SECONDS = 3600
    user, device = ios_client
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, user, device)
        assert client.session.get_expiry_age() == 3660
        clock.shift(timedelta(seconds=61))
        result = client.post(
            "/en/portal/tasks/withdrawal/", {"amount": "10", "currency": "EUR"}, follow=True
        )
    assert SESSION_KEY not in client.session
    assert "signed out after 1 minute without activity" in result.content.decode()


def test_staff_sessions_are_not_cut_by_the_client_limits(client, admin_user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(admin_user)
        clock.shift(timedelta(hours=1))
        client.get("/en/portal/signin/")
    assert SESSION_KEY in client.session
