"""Staff sign-in: TOTP, throttled and audited like the clients' (issue 10, finding 4).

These tests post the real admin login form; they do not use the verified-device
shortcut that tests/conftest.py gives force_login()."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from securelogin.checks import staff_second_factor
from securelogin.models import AuditEvent
from tests.staff_otp import current_code, enrol

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.9"
PASSWORD = "agent pass 2260"


@pytest.fixture
def agent(db):
    return get_user_model().objects.create_superuser("agent", "agent@example.com", PASSWORD)


def admin_login(client, password=PASSWORD, token=None, username="agent"):
    data = {"username": username, "password": password}
    if token is not None:
        data["otp_token"] = token
    return client.post("/en/admin/login/?next=/en/admin/", data)


def test_password_alone_does_not_open_the_admin(agent):
    enrol(agent)
    client = Client(REMOTE_ADDR=STRANGER)
    result = admin_login(client)
    assert result.status_code == 200
    assert client.get("/en/admin/").status_code == 302  # back to the login page
    failure = AuditEvent.objects.get(kind="admin-failure")
    assert failure.reason == "otp" and failure.ip == STRANGER and failure.user == agent


def test_password_and_totp_code_open_the_admin_and_are_audited(agent):
    device = enrol(agent)
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert admin_login(client, token=current_code(device)).status_code == 302
    assert client.get("/en/admin/").status_code == 200
    success = AuditEvent.objects.get(kind="admin-signin")
    assert success.user == agent and success.ip == "198.51.100.7" and success.reason == "admin"


def test_wrong_totp_code_is_refused(agent):
    device = enrol(agent)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client = Client()
    assert admin_login(client, token=wrong).status_code == 200
    assert client.get("/en/admin/").status_code == 302
    assert AuditEvent.objects.filter(kind="admin-failure", reason="otp").count() == 1


def test_admin_login_is_throttled_per_source_and_audited(agent):
    """25 wrong passwords then the right one (the review's attack): throttled, every try audited."""
    device = enrol(agent)
    stranger = Client(REMOTE_ADDR=STRANGER)
    for n in range(25):
        admin_login(stranger, password=f"guess-{n}")
    result = admin_login(stranger, token=current_code(device))
    assert result.status_code == 200 and "Please wait" in result.content.decode()
    assert stranger.get("/en/admin/").status_code == 302
    assert (
        AuditEvent.objects.filter(kind="admin-failure", reason="password", ip=STRANGER).count() >= 5
    )
    refused = AuditEvent.objects.filter(
        kind="refused", reason="throttled", purpose="admin", ip=STRANGER
    ).count()
    failures = AuditEvent.objects.filter(kind="admin-failure", ip=STRANGER).count()
    assert refused + failures == 26
    # The agent, from the office, is not affected.
    assert (
        admin_login(Client(REMOTE_ADDR="198.51.100.7"), token=current_code(device)).status_code
        == 302
    )


def test_development_may_relax_the_second_factor_but_production_never(agent, settings):
    settings.STAFF_OTP_REQUIRED = False
    settings.PRODUCTION = False
    client = Client()
    assert admin_login(client).status_code == 302
    assert client.get("/en/admin/").status_code == 200
    assert [p.id for p in staff_second_factor(None)] == ["securelogin.W001"]
    settings.PRODUCTION = True
    assert client.get("/en/admin/").status_code == 302  # the unverified session no longer counts
    assert admin_login(Client()).status_code == 200
    assert [p.id for p in staff_second_factor(None)] == ["securelogin.I001"]


def test_checks_pass_with_the_second_factor_on(settings):
    settings.STAFF_OTP_REQUIRED = True
    assert staff_second_factor(None) == []


def test_enrol_command_prints_the_uri_and_a_qr_code(agent):
    out = io.StringIO()
    call_command("enrol_staff_totp", "agent", stdout=out)
    text = out.getvalue()
    device = TOTPDevice.objects.get(user=agent)
    assert device.config_url in text and text.count("\n") > 15  # the QR code's rows
    with pytest.raises(CommandError, match="already has"):
        call_command("enrol_staff_totp", "agent", stdout=io.StringIO())
    call_command("enrol_staff_totp", "agent", "--replace", "--no-qr", stdout=io.StringIO())
    assert (
        TOTPDevice.objects.filter(user=agent).count() == 1
        and TOTPDevice.objects.get(user=agent).pk != device.pk
    )


def test_enrol_command_refuses_clients_and_unknown_users(db):
    get_user_model().objects.create_user("client", password="x")
    with pytest.raises(CommandError, match="not staff"):
        call_command("enrol_staff_totp", "client")
    with pytest.raises(CommandError, match="No user"):
        call_command("enrol_staff_totp", "nobody")
