"""Staff: assign, revoke and unlock devices; the audit log is append-only; demo clients."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from securelogin.models import AuditEvent, SecurityDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_staff_unlocks_a_locked_device(staff, ios_client):
    user, device = ios_client
    for _ in range(10):
        device.record_failure()
    device.refresh_from_db()
    assert device.is_locked
    result = staff.post(
        "/en/admin/securelogin/securitydevice/",
        {"action": "unlock_devices", "_selected_action": [device.pk]},
    )
    assert result.status_code == 302
    device.refresh_from_db()
    assert not device.is_locked and device.throttling_failure_count == 0
    assert AuditEvent.objects.filter(kind="unlock", user=user).exists()


def test_staff_assigns_a_device_replacing_the_old_one(staff, android_client):
    user, old = android_client
    result = staff.post(
        "/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": "dsc", "pin": "4321"}
    )
    assert result.status_code == 302
    old.refresh_from_db()
    assert not old.confirmed
    new = SecurityDevice.objects.get(user=user, confirmed=True)
    assert new.kind == "dsc" and new.check_card_pin("4321") == "right"
    assert "4321" not in new.encrypted_pin_hash


def test_assigning_a_pin_device_without_pin_is_refused(staff, ios_client):
    user, _ = ios_client
    result = staff.post(
        "/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": "android", "pin": ""}
    )
    assert result.status_code == 200
    assert SecurityDevice.objects.get(user=user, confirmed=True).kind == "ios"


def test_staff_revokes_a_device(staff, ios_client):
    user, device = ios_client
    staff.post(
        "/en/admin/securelogin/securitydevice/",
        {"action": "revoke_devices", "_selected_action": [device.pk]},
    )
    device.refresh_from_db()
    assert not device.confirmed and device.revoked_at


def test_audit_log_is_read_only_for_staff(staff, ios_client):
    event = AuditEvent.objects.first()
    assert staff.get("/en/admin/securelogin/auditevent/").status_code == 200
    assert staff.get(f"/en/admin/securelogin/auditevent/{event.pk}/change/").status_code == 200
    assert (
        staff.post(
            f"/en/admin/securelogin/auditevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_rows_cannot_be_changed_or_deleted(ios_client):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.update(reason="x")


def test_device_keys_are_encrypted_at_rest(ios_client):
    _, device = ios_client
    raw = SecurityDevice.objects.values_list("encrypted_key", flat=True).get(pk=device.pk)
    assert raw.startswith("gAAAA")  # a Fernet token, not the key


def test_demo_clients_are_idempotent(capsys):
    call_command("create_demo_clients")
    call_command("create_demo_clients")
    out = capsys.readouterr().out
    assert "demo-ios" in out and "demo-android" in out and "demo-dsc" in out and "DEMO ONLY" in out
    assert (
        SecurityDevice.objects.filter(user__username__startswith="demo-", confirmed=True).count()
        == 4
    )
    assert (
        SecurityDevice.objects.filter(
            user__username__startswith="demo-", kind__in=["ios", "android", "dsc"]
        ).count()
        == 3
    )
    # the lost-device client gets a new temporary code each run; the latest one is printed
    temp = SecurityDevice.objects.get(user__username="demo-lost", confirmed=True)
    assert temp.kind == "temporary"
    code = (
        [line for line in out.splitlines() if "temporary code " in line][-1]
        .split("temporary code ")[1]
        .split()[0]
    )
    from securelogin.temporary_codes import code_matches

    assert code_matches(code, temp.code_hash)


def test_demo_staff_account_signs_in_to_the_admin_with_its_printed_key(client, capsys, settings):
    """The demo staff account printed with the demo clients gets into the admin with the code of
    the key it printed; a second run keeps that key (an app enrolled once keeps working)."""
    import base64

    from django_otp.oath import TOTP

    settings.STAFF_OTP_REQUIRED = True
    call_command("create_demo_clients")
    first = capsys.readouterr().out
    call_command("create_demo_clients")
    out = capsys.readouterr().out
    assert "demo-staff" in out and "practise-staff-2260" in out
    secret = out.split("authenticator app: ")[1].split()[0]
    assert secret == first.split("authenticator app: ")[1].split()[0] and "otpauth://totp/" in out
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{TOTP(key).token():06d}"
    page = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "demo-staff", "password": "practise-staff-2260", "otp_token": code},
    )
    assert page.status_code == 302 and client.get("/en/admin/").status_code == 200
    call_command("demo_staff_code")
    assert re.fullmatch(r"[0-9]{6}", capsys.readouterr().out.split()[0])


def test_demo_accounts_are_refused_in_production(settings):
    settings.PRODUCTION = True
    for command in ("create_demo_clients", "demo_staff_code"):
        with pytest.raises(CommandError, match="development only"):
            call_command(command)
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_running_it_again_restores_a_demo_client_given_a_temporary_code(staff, capsys):
    call_command("create_demo_clients")
    user = get_user_model().objects.get(username="demo-ios")
    assert issue(staff, user).status_code == 200
    assert SecurityDevice.objects.get(user=user, confirmed=True).kind == "temporary"
    call_command("create_demo_clients")
    assert SecurityDevice.objects.get(user=user, confirmed=True).kind == "ios"


def test_admin_pages_render_without_secrets(staff, dsc_client):
    _, device = dsc_client
    add = staff.get("/en/admin/securelogin/securitydevice/add/")
    change = staff.get(f"/en/admin/securelogin/securitydevice/{device.pk}/change/")
    listing = staff.get("/en/admin/securelogin/securitydevice/?q=carla")
    assert add.status_code == change.status_code == listing.status_code == 200
    for page in (change, listing):
        assert device.encrypted_key not in page.content.decode()
        assert device.encrypted_pin_hash not in page.content.decode()
    assert staff.get(f"/en/admin/securelogin/securitydevice/{device.pk}/delete/").status_code == 403


# --- temporary codes and code cards -------------------------------------------------


def issue(staff, *users, confirmed=True):
    data = {"action": "issue_temporary_code", "_selected_action": [u.pk for u in users]}
    return staff.post("/en/admin/auth/user/", {**data, "post": "yes"} if confirmed else data)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_issuing_a_code_asks_first_naming_the_client_and_the_device_that_stops(
    staff, ios_client, lang
):
    user, device = ios_client
    page = staff.post(
        f"/{lang}/admin/auth/user/",
        {"action": "issue_temporary_code", "_selected_action": [user.pk]},
    )
    html = page.content.decode()
    assert page.status_code == 200 and user.username in html
    assert ("stops working now" if lang == "en" else "funktioniert ab sofort nicht mehr") in html
    assert 'name="post" value="yes"' in html and "csrfmiddlewaretoken" in html
    assert not SecurityDevice.objects.filter(kind="temporary").exists()  # nothing issued yet
    device.refresh_from_db()
    assert device.revoked_at is None and device.confirmed


def test_a_staff_account_is_refused_even_when_confirmed(staff, admin_user):
    for confirmed in (False, True):
        assert issue(staff, admin_user, confirmed=confirmed).status_code == 302
    assert not SecurityDevice.objects.filter(kind="temporary").exists()


def test_staff_issue_a_temporary_code_shown_once(staff, dsc_client, admin_user):
    user, old = dsc_client
    page = issue(staff, user)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    code = page.context["code"]
    assert f'sl-admin-code">{code}<' in page.content.decode()
    temp = SecurityDevice.objects.get(user=user, confirmed=True)
    assert (
        temp.kind == "temporary"
        and temp.issued_by == admin_user.username
        and code not in temp.code_hash
    )
    old.refresh_from_db()
    assert old.revoked_at is not None
    event = AuditEvent.objects.get(kind="temp-code-issued", user=user)
    assert event.actor == admin_user.username
    # never again: not in the listing, the change page or the messages
    for url in [
        "/en/admin/auth/user/",
        f"/en/admin/securelogin/securitydevice/{temp.pk}/change/",
        "/en/admin/securelogin/securitydevice/",
    ]:
        assert code not in staff.get(url).content.decode()


def test_issue_needs_exactly_one_active_client(staff, ios_client, android_client, admin_user):
    result = issue(staff, ios_client[0], android_client[0])
    assert result.status_code == 302
    assert not SecurityDevice.objects.filter(kind="temporary").exists()
    assert issue(staff, admin_user).status_code == 302  # staff accounts get no temporary code
    assert not SecurityDevice.objects.filter(kind="temporary").exists()


def test_staff_cannot_assign_codes_or_cards_as_devices(staff, ios_client):
    user, _ = ios_client
    for kind in ("temporary", "card"):
        result = staff.post(
            "/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": kind}
        )
        assert result.status_code == 200  # refused: not a choice
    assert SecurityDevice.objects.get(user=user, confirmed=True).kind == "ios"


def test_card_status_in_the_admin_and_revoking_it(staff, ios_client):
    from datetime import timedelta

    from django.utils import timezone

    from securelogin import card_activation, temporary_access

    user, _ = ios_client
    temp, _ = temporary_access.issue_temporary_code(user, actor="agent")
    card = card_activation.card_to_print(user, create=True).card
    listing = staff.get("/en/admin/securelogin/securitydevice/?kind=card").content.decode()
    assert "waiting for activation" in listing
    now = timezone.now()
    temp.revoke()
    SecurityDevice.objects.filter(pk=card.pk).update(
        confirmed=True, activated_at=now, expires_at=now + timedelta(days=21)
    )
    listing = staff.get("/en/admin/securelogin/securitydevice/?kind=card").content.decode()
    assert "active, expires on" in listing
    german = staff.get("/de/admin/securelogin/securitydevice/?kind=card").content.decode()
    assert "läuft am" in german
    staff.post(
        "/en/admin/securelogin/securitydevice/",
        {"action": "revoke_devices", "_selected_action": [card.pk]},
    )
    card.refresh_from_db()
    assert card.status == "revoked"
    assert (
        "revoked" in staff.get("/en/admin/securelogin/securitydevice/?kind=card").content.decode()
    )


def test_german_admin_has_no_english_column_or_filter_of_django_otp(staff, ios_client, admin_user):
    """django-otp names its fields without gettext; both device admins label them."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=admin_user, defaults={"name": "app", "confirmed": True})
    devices = staff.get("/de/admin/securelogin/securitydevice/").content.decode()
    apps = staff.get("/de/admin/otp_totp/totpdevice/").content.decode()
    for english in (
        "Throttling failure count",
        "Last used at",
        ">User<",
        "By confirmed",
        "Created at",
        "QR Code",
        "TOTP devices löschen",
    ):
        assert english not in devices and english not in apps, english
    assert (
        "Fehlversuche in Folge" in devices
        and "Zuletzt verwendet am" in devices
        and "Nach bestätigt" in devices
    )
    assert "Erstellt am" in apps and "Ausgewählte Authenticator-Apps (TOTP) löschen" in apps
    assert (
        staff.get(f"/de/admin/securelogin/securitydevice/{ios_client[1].pk}/change/").status_code
        == 200
    )


def test_german_admin_names_the_authenticator_apps_in_german(staff, admin_user):
    """django-otp names its model and app without gettext ("TOTP device", "Otp_Totp")."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=admin_user, defaults={"name": "app", "confirmed": True}
    )
    pages = [
        staff.get(url).content.decode()
        for url in (
            "/de/admin/",
            "/de/admin/otp_totp/",
            "/de/admin/otp_totp/totpdevice/",
            "/de/admin/otp_totp/totpdevice/add/",
            f"/de/admin/otp_totp/totpdevice/{device.pk}/change/",
        )
    ]
    for page in pages:
        assert "TOTP device" not in page and "Otp_Totp" not in page
    assert "Authenticator-App (TOTP)" in pages[3] and "Anmelde-Apps des Personals" in pages[0]
    english = staff.get("/en/admin/otp_totp/totpdevice/").content.decode()
    assert "Select authenticator app (TOTP) to change" in english
