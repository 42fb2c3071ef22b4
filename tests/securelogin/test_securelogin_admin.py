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
    assert new.kind == "dsc" and new.check_card_pin("4321")
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
    assert SecurityDevice.objects.filter(user__username__startswith="demo-", confirmed=True).count() == 3
    assert SecurityDevice.objects.filter(user__username__startswith="demo-").count() == 3


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
