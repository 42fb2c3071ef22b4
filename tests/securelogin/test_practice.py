"""Practice accounts keep the emulators; client accounts never get one, and are marked apart."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from securelogin import account_kinds
from securelogin.models import AuditEvent, SecurityDevice
from tests.securelogin.helpers import PINS, make_client, sign_in

pytestmark = pytest.mark.django_db


def emulator_urls(device):
    base = f"/en/portal/devices/{device.pk}/"
    return [
        ("get", base),
        ("get", "/en/portal/device/"),
        ("post", base + "respond/"),
        ("post", base + "pin/"),
    ]


@pytest.mark.parametrize("kind", ["ios", "android", "dsc"])
def test_emulators_work_for_a_practice_account(client, kind):
    user, device = make_client(f"practice-{kind}", kind)
    page = sign_in(client, user)
    assert page.context["emulator_url"] == f"/en/portal/devices/{device.pk}/"
    assert client.get(f"/en/portal/devices/{device.pk}/").status_code == 200
    assert client.get("/en/portal/device/").status_code == 302
    respond = client.post(
        f"/en/portal/devices/{device.pk}/respond/",
        {"challenge": page.context["challenge"].code, "pin": PINS[kind], "confirmed": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert respond.status_code == 200 and respond.json()["ok"]


@pytest.mark.parametrize("kind", ["ios", "android", "dsc"])
def test_every_emulator_url_is_a_404_for_a_client_account(client, kind):
    user, device = make_client(f"client-{kind}", kind, practice=False)
    page = sign_in(client, user)
    assert page.context["emulator_url"] == "" and b'id="open-emulator"' not in page.content
    for method, url in emulator_urls(device):
        response = getattr(client, method)(
            url, {"challenge": "123456", "pin": PINS[kind], "confirmed": "1"}
        )
        assert response.status_code == 404, url


def test_a_practice_account_made_a_client_account_loses_its_emulator_at_once(client):
    user, device = make_client("switch", "ios")
    sign_in(client, user)
    assert client.get(f"/en/portal/devices/{device.pk}/").status_code == 200
    assert account_kinds.mark_client(user, actor="staff")
    assert client.get(f"/en/portal/devices/{device.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PRACTICE_MARKED, user=user, purpose="client"
    ).exists()


@pytest.mark.parametrize("lang, label", [("en", "practice account"), ("de", "Übungskonto")])
def test_the_portal_banner_marks_practice_accounts_only(client, lang, label):
    practice, _ = make_client("practice-banner", "ios")
    real, _ = make_client("client-banner", "ios", practice=False)
    client.force_login(practice)
    page = client.get(f"/{lang}/portal/").content.decode()
    assert 'id="practice-account"' in page and label in page
    client.force_login(real)
    assert 'id="practice-account"' not in client.get(f"/{lang}/portal/").content.decode()


def test_staff_filter_users_by_account_kind_and_switch_them(admin_client):
    practice, _ = make_client("prax", "ios")
    real, _ = make_client("realo", "ios", practice=False)
    listing = admin_client.get("/en/admin/auth/user/?account_kind=practice").content.decode()
    assert "prax" in listing and "realo" not in listing
    listing = admin_client.get("/en/admin/auth/user/?account_kind=client").content.decode()
    assert "realo" in listing and "prax" not in listing
    assert admin_client.get("/de/admin/auth/user/?account_kind=practice").status_code == 200
    admin_client.post(
        "/en/admin/auth/user/", {"action": "make_practice_accounts", "_selected_action": [real.pk]}
    )
    assert account_kinds.is_practice(real)
    admin_client.post(
        "/en/admin/auth/user/",
        {"action": "make_client_accounts", "_selected_action": [practice.pk]},
    )
    assert not account_kinds.is_practice(practice)
    devices = admin_client.get(
        "/en/admin/securelogin/securitydevice/?account_kind=practice"
    ).content.decode()
    assert "realo" in devices and "prax" not in devices


def test_staff_cannot_give_a_client_account_an_emulated_device(admin_client):
    real = get_user_model().objects.create_user("nodemo", password="pw-123456789")
    result = admin_client.post(
        "/en/admin/securelogin/securitydevice/add/", {"user": real.pk, "kind": "ios"}
    )
    assert result.status_code == 200 and result.context["adminform"].form.errors["user"]
    assert not SecurityDevice.objects.filter(user=real).exists()
    account_kinds.mark_practice(real)
    result = admin_client.post(
        "/en/admin/securelogin/securitydevice/add/", {"user": real.pk, "kind": "ios"}
    )
    assert result.status_code == 302


def test_the_demo_clients_are_practice_accounts():
    call_command("create_demo_clients", stdout=io.StringIO())
    users = get_user_model().objects.filter(username__startswith="demo-", is_staff=False)
    assert users.count() == 4 and all(account_kinds.is_practice(user) for user in users)
    staff = get_user_model().objects.get(username="demo-staff")  # the demo staff account is not one
    assert not account_kinds.is_practice(staff)
