"""Staff: assign, revoke and unlock devices; the audit log is append-only; demo clients."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

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
    result = staff.post("/en/admin/securelogin/securitydevice/",
                        {"action": "unlock_devices", "_selected_action": [device.pk]})
    assert result.status_code == 302
    device.refresh_from_db()
    assert not device.is_locked and device.throttling_failure_count == 0
    assert AuditEvent.objects.filter(kind="unlock", user=user).exists()


def test_staff_assigns_a_device_replacing_the_old_one(staff, android_client):
    user, old = android_client
    result = staff.post("/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": "dsc", "pin": "4321"})
    assert result.status_code == 302
    old.refresh_from_db()
    assert not old.confirmed
    new = SecurityDevice.objects.get(user=user, confirmed=True)
    assert new.kind == "dsc" and new.check_card_pin("4321") == "right"
    assert "4321" not in new.encrypted_pin_hash


def test_assigning_a_pin_device_without_pin_is_refused(staff, ios_client):
    user, _ = ios_client
    result = staff.post("/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": "android", "pin": ""})
    assert result.status_code == 200
    assert SecurityDevice.objects.get(user=user, confirmed=True).kind == "ios"


def test_staff_revokes_a_device(staff, ios_client):
    user, device = ios_client
    staff.post("/en/admin/securelogin/securitydevice/", {"action": "revoke_devices", "_selected_action": [device.pk]})
    device.refresh_from_db()
    assert not device.confirmed and device.revoked_at


def test_audit_log_is_read_only_for_staff(staff, ios_client):
    event = AuditEvent.objects.first()
    assert staff.get("/en/admin/securelogin/auditevent/").status_code == 200
    assert staff.get(f"/en/admin/securelogin/auditevent/{event.pk}/change/").status_code == 200
    assert staff.post(f"/en/admin/securelogin/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
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
    assert SecurityDevice.objects.filter(user__username__startswith="demo-", confirmed=True).count() == 4
    assert SecurityDevice.objects.filter(user__username__startswith="demo-", kind__in=["ios", "android", "dsc"]
                                         ).count() == 3
    # the lost-device client gets a new temporary code each run; the latest one is printed
    temp = SecurityDevice.objects.get(user__username="demo-lost", confirmed=True)
    assert temp.kind == "temporary"
    code = out.strip().splitlines()[-1].split("temporary code ")[1].split()[0]
    from securelogin.temporary_codes import code_matches

    assert code_matches(code, temp.code_hash)


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


def issue(staff, *users):
    return staff.post("/en/admin/auth/user/", {"action": "issue_temporary_code",
                                                "_selected_action": [u.pk for u in users]})


def test_staff_issue_a_temporary_code_shown_once(staff, dsc_client, admin_user):
    user, old = dsc_client
    page = issue(staff, user)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    code = page.context["code"]
    assert f"sl-admin-code\">{code}<" in page.content.decode()
    temp = SecurityDevice.objects.get(user=user, confirmed=True)
    assert temp.kind == "temporary" and temp.issued_by == admin_user.username and code not in temp.code_hash
    old.refresh_from_db()
    assert old.revoked_at is not None
    event = AuditEvent.objects.get(kind="temp-code-issued", user=user)
    assert event.actor == admin_user.username
    # never again: not in the listing, the change page or the messages
    for url in ["/en/admin/auth/user/", f"/en/admin/securelogin/securitydevice/{temp.pk}/change/",
                "/en/admin/securelogin/securitydevice/"]:
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
        result = staff.post("/en/admin/securelogin/securitydevice/add/", {"user": user.pk, "kind": kind})
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
    SecurityDevice.objects.filter(pk=card.pk).update(confirmed=True, activated_at=now,
                                                     expires_at=now + timedelta(days=21))
    listing = staff.get("/en/admin/securelogin/securitydevice/?kind=card").content.decode()
    assert "active, expires on" in listing
    german = staff.get("/de/admin/securelogin/securitydevice/?kind=card").content.decode()
    assert "läuft am" in german
    staff.post("/en/admin/securelogin/securitydevice/", {"action": "revoke_devices", "_selected_action": [card.pk]})
    card.refresh_from_db()
    assert card.status == "revoked"
    assert "revoked" in staff.get("/en/admin/securelogin/securitydevice/?kind=card").content.decode()
