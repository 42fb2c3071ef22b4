"""Emulated devices: bound to their own client, server-side responses, DSC+ PIN limit."""

import pytest
from django.test import Client

from securelogin.models import AuditEvent
from tests.securelogin.helpers import PASSWORD, PINS, current, sign_in

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def url(device, action=""):
    return f"/en/portal/devices/{device.pk}/{action}"


def test_emulator_needs_a_sign_in_in_progress(client, ios_client):
    _, device = ios_client
    assert client.get(url(device)).status_code == 404
    assert (
        client.post(url(device, "respond/"), {"challenge": "123456", "confirmed": "1"}).status_code
        == 404
    )


def test_password_step_opens_own_emulator_only(client, ios_client, android_client):
    user, device = ios_client
    _, other_device = android_client
    sign_in(client, user)
    assert client.get(url(device)).status_code == 200
    assert client.get("/en/portal/device/")["Location"] == url(device)
    assert client.get(url(other_device)).status_code == 404
    assert (
        client.post(
            url(other_device, "respond/"), {"challenge": "123456", "pin": "2468"}
        ).status_code
        == 404
    )
    assert client.post(url(other_device, "pin/"), {"pin": "2468"}).status_code == 404


def test_signed_in_client_cannot_use_another_clients_device(client, ios_client, dsc_client):
    user, _ = ios_client
    _, card = dsc_client
    client.force_login(user)
    assert client.get(url(card)).status_code == 404
    assert (
        client.post(url(card, "respond/"), {"challenge": "123456", "pin": "1357"}).status_code
        == 404
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_emulator_pages_render(client, any_client, lang):
    user, device = any_client
    client.force_login(user)
    page = client.get(f"/{lang}/portal/devices/{device.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "emulator.js" in html and "<script>" not in html
    assert device.encrypted_key not in html


def test_ios_asks_for_face_id_then_responds(client, ios_client):
    user, device = ios_client
    client.force_login(user)
    first = client.post(url(device, "respond/"), {"challenge": "482913"})
    assert first.status_code == 200 and first.context["screen"] == "biometric"
    denied = client.post(url(device, "respond/"), {"challenge": "482913"}, **JSON)
    assert denied.status_code == 400
    done = client.post(url(device, "respond/"), {"challenge": "482913", "confirmed": "1"}, **JSON)
    assert done.json() == {"ok": True, "response": device.response_for("482913")}
    html = client.post(url(device, "respond/"), {"challenge": "482913", "confirmed": "1"})
    assert device.response_for("482913") in html.content.decode()


def test_android_folds_the_pin_into_the_response(client, android_client):
    user, device = android_client
    client.force_login(user)
    right = client.post(
        url(device, "respond/"), {"challenge": "730158", "pin": PINS["android"]}, **JSON
    ).json()
    wrong = client.post(
        url(device, "respond/"), {"challenge": "730158", "pin": "0000"}, **JSON
    ).json()
    assert right["response"] == device.response_for("730158")
    assert wrong["ok"] and wrong["response"] != right["response"]
    missing = client.post(url(device, "respond/"), {"challenge": "730158"}, **JSON)
    assert missing.status_code == 400


@pytest.mark.parametrize(
    "challenge", ["", "12345", "1234567", "abcdef", "12 345", "١٢٣٤٥٦", "<script>"]
)
def test_device_refuses_bad_challenges(client, android_client, challenge):
    user, device = android_client
    client.force_login(user)
    result = client.post(url(device, "respond/"), {"challenge": challenge, "pin": "2468"}, **JSON)
    assert result.status_code == 400 and not result.json()["ok"]


def test_dsc_pin_retry_limit_blocks_the_card(client, dsc_client):
    user, device = dsc_client
    client.force_login(user)
    assert client.post(url(device, "pin/"), {"pin": PINS["dsc"]}, **JSON).json() == {"ok": True}
    first = client.post(url(device, "pin/"), {"pin": "0000"}, **JSON).json()
    assert first["retries_left"] == 2
    client.post(url(device, "pin/"), {"pin": "0000"}, **JSON)
    third = client.post(url(device, "pin/"), {"pin": "0000"}, **JSON)
    assert third.status_code == 403 and third.json()["blocked"]
    # Blocked: even the right PIN is refused, and so is a response.
    assert client.post(url(device, "pin/"), {"pin": PINS["dsc"]}, **JSON).json()["blocked"]
    assert (
        client.post(
            url(device, "respond/"), {"pin": PINS["dsc"], "challenge": "261594"}, **JSON
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CARD_BLOCKED, user=user).count() == 1


def test_dsc_responds_with_right_pin_only(client, dsc_client):
    user, device = dsc_client
    client.force_login(user)
    ok = client.post(
        url(device, "respond/"), {"pin": PINS["dsc"], "challenge": "261594"}, **JSON
    ).json()
    assert ok == {"ok": True, "response": device.response_for("261594")}
    bad = client.post(url(device, "respond/"), {"pin": "9999", "challenge": "261594"}, **JSON)
    assert bad.status_code == 403
    html = client.post(url(device, "respond/"), {"pin": PINS["dsc"], "challenge": "261594"})
    assert device.response_for("261594") in html.content.decode()


def test_emulator_needs_csrf(ios_client):
    user, device = ios_client
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert (
        strict.post(url(device, "respond/"), {"challenge": "123456", "confirmed": "1"}).status_code
        == 403
    )


def test_full_round_trip_through_the_emulator(client, android_client):
    user, device = android_client
    page = sign_in(client, user)
    public_id, code = current(page)
    shown = client.post(
        url(device, "respond/"), {"challenge": code, "pin": PINS["android"]}, **JSON
    ).json()
    result = client.post(
        "/en/portal/signin/verify/", {"challenge": public_id, "response": shown["response"]}
    )
    assert result.status_code == 302
    assert client.get("/en/portal/").context["user"] == user
    assert PASSWORD not in str(client.session.items())


def test_ios_falls_back_to_the_phone_passcode(client, ios_client):
    """KB2260 step 5: without Face ID / Touch ID, IB Key asks for the iPhone's passcode."""
    user, device = ios_client
    client.force_login(user)
    asked = client.post(url(device, "respond/"), {"challenge": "482913", "biometric": "passcode"})
    assert asked.status_code == 200 and asked.context["screen"] == "passcode"
    html = asked.content.decode()
    assert 'id="sl-passcode"' in html and device.response_for("482913") not in html
    done = client.post(
        url(device, "respond/"),
        {"challenge": "482913", "confirmed": "passcode", "passcode": "123456"},
        **JSON,
    )
    assert done.json() == {"ok": True, "response": device.response_for("482913")}
    four = client.post(
        url(device, "respond/"),
        {"challenge": "482913", "confirmed": "passcode", "passcode": "2580"},
    )
    assert (
        four.context["screen"] == "response"
        and device.response_for("482913") in four.content.decode()
    )


@pytest.mark.parametrize("passcode", ["", "12", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_ios_passcode_must_be_4_or_6_digits(client, ios_client, passcode):
    user, device = ios_client
    client.force_login(user)
    fields = {"challenge": "482913", "confirmed": "passcode", "passcode": passcode}
    page = client.post(url(device, "respond/"), fields)
    assert page.status_code == 400 and page.context["screen"] == "passcode"
    assert "4 or 6 digits" in page.context["passcode_error"]
    assert device.response_for("482913") not in page.content.decode()
    data = client.post(url(device, "respond/"), fields, **JSON)
    assert data.status_code == 400 and data.json()["screen"] == "passcode"
    german = client.post(url(device, "respond/").replace("/en/", "/de/"), fields)
    assert "4 oder 6 Ziffern" in german.context["passcode_error"]


@pytest.mark.parametrize("lang, label", [("en", "Enter Passcode"), ("de", "Code eingeben")])
def test_face_id_screen_offers_the_passcode(client, ios_client, lang, label):
    user, device = ios_client
    client.force_login(user)
    page = client.post(
        url(device, "respond/").replace("/en/", f"/{lang}/"), {"challenge": "482913"}
    )
    assert page.context["screen"] == "biometric"
    assert f'id="sl-use-passcode">{label}<' in page.content.decode()
