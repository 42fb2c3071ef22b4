"""Hardware tokens end to end: import, assign, activate, sign in, revoke, lost.

Every response is computed in the test from the secret written into the PSKC
file (token_helpers.reference_ocra), never by the portal."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from securelogin import device_assignment, pskc_import, temporary_access
from securelogin.models import AuditEvent, Challenge, HardwareToken, SecurityDevice
from tests.securelogin.helpers import PASSWORD
from tests.securelogin.token_helpers import MALFORMED_8_DIGITS, pskc_file, reference_ocra, token

pytestmark = pytest.mark.django_db
SIX = token("TK-6", "OCRA-1:HOTP-SHA1-6:QN06-PSHA1", pin="2580")
EIGHT = token("TK-8", "OCRA-1:HOTP-SHA256-8:QN08")
SECURITY = "/en/portal/account/security/secure-login/device/"
ACTIVATE = "/en/portal/account/security/secure-login/token/activate/"


@pytest.fixture
def stock(db):
    return pskc_import.import_tokens(
        pskc_file([SIX, EIGHT, token("TK-SPARE")], "pbkdf2"),
        passphrase="vendor passphrase 2026",
        actor="staff",
    )


@pytest.fixture
def client_account(db):
    """A client account (not practice) that signs in with a temporary code from client services."""
    user = get_user_model().objects.create_user("klara", "klara@example.com", PASSWORD)
    _, code = temporary_access.issue_temporary_code(user, actor="agent")
    return user, code


def answer(spec, code):
    return reference_ocra(spec["suite"], spec["secret"], code, pin=spec.get("pin"))


def sign_in_with_code(client, user, code):
    client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    assert client.post("/en/portal/signin/verify/", {"code": code}).status_code == 302


def activate(client, spec):
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    challenge = page.context["challenge"]
    return client.post(
        ACTIVATE, {"challenge": challenge.public_id, "response": answer(spec, challenge.code)}
    )


def signed_in_with_token(client, user, spec):
    client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    page = client.get("/en/portal/signin/verify/")
    challenge = page.context["challenge"]
    return page, client.post(
        "/en/portal/signin/verify/",
        {"challenge": challenge.public_id, "response": answer(spec, challenge.code)},
    )


def test_import_assign_activate_and_sign_in_with_an_8_digit_token(client, stock, client_account):
    user, code = client_account
    out = io.StringIO()
    call_command("assign_device", "klara", "TK-8", stdout=out)
    assert "TK-8 assigned to klara" in out.getvalue()
    pending = device_assignment.pending_token(user)
    assert pending.kind == "token" and not pending.confirmed
    assert HardwareToken.objects.get(serial="TK-8").status == HardwareToken.Status.ASSIGNED

    # Until activation the temporary code stays the credential.
    sign_in_with_code(client, user, code)
    security = client.get(SECURITY)
    assert b'id="activate-token"' in security.content and b"TK-8" in security.content
    page = client.get(ACTIVATE)
    assert len(page.context["challenge"].code) == 8  # QN08: an 8-digit challenge
    assert b"The 8 digits your security token shows" in page.content
    result = activate(client, EIGHT)
    assert result.status_code == 302 and result["Location"] == SECURITY
    active = SecurityDevice.objects.get(user=user, confirmed=True)
    assert active.pk == pending.pk and active.activated_at is not None
    assert SecurityDevice.objects.get(user=user, kind="temporary").revoked_at is not None
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TOKEN_ACTIVATED, user=user, device=active
    ).exists()

    client.post("/en/portal/signout/")
    page, result = signed_in_with_token(client, user, EIGHT)
    assert page.context["emulator_url"] == "" and b'id="open-emulator"' not in page.content
    assert len(page.context["challenge"].code) == 8
    assert result.status_code == 302 and result["Location"] == "/en/portal/"
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.SUCCESS, user=user, device=active
    ).exists()


def test_a_6_digit_token_with_pin_hash_signs_in(client, stock, client_account):
    user, code = client_account
    device_assignment.assign_token(user, "TK-6", actor="staff")
    sign_in_with_code(client, user, code)
    assert activate(client, SIX).status_code == 302
    client.post("/en/portal/signout/")
    page, result = signed_in_with_token(client, user, SIX)
    assert len(page.context["challenge"].code) == 6
    assert result.status_code == 302


def test_a_wrong_pin_gives_a_wrong_response_that_counts(client, stock, client_account):
    user, code = client_account
    device_assignment.assign_token(user, "TK-6")
    sign_in_with_code(client, user, code)
    assert activate(client, SIX).status_code == 302
    client.post("/en/portal/signout/")
    page, result = signed_in_with_token(client, user, {**SIX, "pin": "0000"})
    assert result.status_code == 400 and result.context["problem"].code == "wrong"
    device = SecurityDevice.objects.get(user=user, confirmed=True)
    assert device.throttling_failure_count == 1
    assert AuditEvent.objects.filter(kind="failure", reason="wrong", device=device).exists()


@pytest.mark.parametrize(
    "typed, problem",
    MALFORMED_8_DIGITS,
)
def test_malformed_token_responses_are_explained_with_the_suites_length_and_not_counted(
    client, stock, client_account, typed, problem
):
    user, code = client_account
    device_assignment.assign_token(user, "TK-8")
    sign_in_with_code(client, user, code)
    assert activate(client, EIGHT).status_code == 302
    client.post("/en/portal/signout/")
    client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    page = client.get("/en/portal/signin/verify/")
    result = client.post(
        "/en/portal/signin/verify/",
        {"challenge": page.context["challenge"].public_id, "response": typed},
    )
    assert result.status_code == 400 and result.context["problem"].code == problem
    if problem == "token-wrong-length":
        assert "exactly 8 digits; you typed 7" in result.context["problem"].message
    german = client.post(
        "/de/portal/signin/verify/",
        {"challenge": page.context["challenge"].public_id, "response": typed},
    )
    assert german.context["problem"].code == problem
    assert SecurityDevice.objects.get(user=user, confirmed=True).throttling_failure_count == 0


def test_a_wrong_activation_response_counts_on_the_current_credential_and_keeps_it(
    client, stock, client_account
):
    user, code = client_account
    device_assignment.assign_token(user, "TK-8")
    sign_in_with_code(client, user, code)
    page = client.get(ACTIVATE)
    challenge = page.context["challenge"]
    wrong = str((int(answer(EIGHT, challenge.code)) + 1) % 10**8).zfill(8)
    result = client.post(ACTIVATE, {"challenge": challenge.public_id, "response": wrong})
    assert result.status_code == 400 and result.context["problem"].code == "wrong"
    temp = SecurityDevice.objects.get(user=user, confirmed=True)
    assert temp.kind == "temporary" and temp.throttling_failure_count == 1
    assert device_assignment.pending_token(user) is not None
    assert AuditEvent.objects.filter(
        kind="failure", purpose="token-activation", reason="wrong"
    ).exists()


def test_ten_wrong_activation_responses_lock_the_account(client, stock, client_account, settings):
    user, code = client_account
    device_assignment.assign_token(user, "TK-8")
    sign_in_with_code(client, user, code)
    for _ in range(10):
        page = client.get(ACTIVATE)
        if page.status_code != 200:
            break
        client.post(
            ACTIVATE, {"challenge": page.context["challenge"].public_id, "response": "00000000"}
        )
    temp = SecurityDevice.objects.get(user=user, kind="temporary")
    assert temp.is_locked
    assert AuditEvent.objects.filter(kind="lockout", user=user).exists()


def test_an_activation_challenge_is_single_use(client, stock, client_account):
    user, code = client_account
    device_assignment.assign_token(user, "TK-8")
    sign_in_with_code(client, user, code)
    page = client.get(ACTIVATE)
    challenge = page.context["challenge"]
    response = answer(EIGHT, challenge.code)
    assert (
        client.post(ACTIVATE, {"challenge": challenge.public_id, "response": response}).status_code
        == 302
    )
    again = client.post(ACTIVATE, {"challenge": challenge.public_id, "response": response})
    assert again.status_code == 302  # nothing waits any more: back to the security page
    assert Challenge.objects.get(pk=challenge.pk).used_at is not None


def test_revoke_then_reassign_and_lost_tokens_are_never_reused(stock, client_account):
    user, _ = client_account
    other = get_user_model().objects.create_user("otto", password=PASSWORD)
    device = device_assignment.assign_token(user, "TK-SPARE", actor="staff")
    with pytest.raises(device_assignment.AssignmentRefused, match="assigned to klara"):
        device_assignment.assign_token(other, "TK-SPARE")
    token = HardwareToken.objects.get(serial="TK-SPARE")
    assert device_assignment.revoke_token(token, actor="staff")
    device.refresh_from_db()
    assert device.revoked_at is not None
    token.refresh_from_db()
    assert token.status == HardwareToken.Status.AVAILABLE
    device_assignment.assign_token(other, "TK-SPARE", actor="staff")
    assert device_assignment.mark_lost(token, actor="staff")
    token.refresh_from_db()
    assert (
        token.status == HardwareToken.Status.LOST and device_assignment.pending_token(other) is None
    )
    with pytest.raises(device_assignment.AssignmentRefused, match="lost"):
        device_assignment.assign_token(user, "TK-SPARE")
    with pytest.raises(CommandError, match="lost"):
        call_command("assign_device", "klara", "TK-SPARE", stdout=io.StringIO())
    kinds = list(AuditEvent.objects.filter(actor="staff").values_list("kind", flat=True))
    assert {"device-assigned", "device-revoked", "token-lost"} <= set(kinds)


def test_assignment_refusals(stock, client_account, admin_user):
    user, _ = client_account
    with pytest.raises(device_assignment.AssignmentRefused, match="No security token"):
        device_assignment.assign_token(user, "NOPE")
    with pytest.raises(device_assignment.AssignmentRefused, match="client accounts"):
        device_assignment.assign_token(admin_user, "TK-8")
    with pytest.raises(CommandError, match="No user"):
        call_command("assign_device", "nobody", "TK-8", stdout=io.StringIO())
    assert not SecurityDevice.objects.filter(kind="token").exists()


def test_a_replaced_or_superseded_token_stays_assigned_until_staff_decide(stock, client_account):
    """A token whose device was replaced (another token, a temporary code) may be lost or in
    the post: it returns to stock only by "Revoke the assignment", or is marked lost."""
    user, _ = client_account
    device_assignment.assign_token(user, "TK-6")
    device_assignment.assign_token(user, "TK-8")
    assert device_assignment.pending_token(user).hardware_token.serial == "TK-8"
    first = HardwareToken.objects.get(serial="TK-6")
    assert first.status == HardwareToken.Status.ASSIGNED
    with pytest.raises(device_assignment.AssignmentRefused, match="assigned to klara"):
        device_assignment.assign_token(user, "TK-6")
    temporary_access.issue_temporary_code(user, actor="agent")  # e.g. "I lost my token"
    assert HardwareToken.objects.get(serial="TK-8").status == HardwareToken.Status.ASSIGNED
    assert device_assignment.revoke_token(first, actor="staff")
    first.refresh_from_db()
    assert first.status == HardwareToken.Status.AVAILABLE
    assert not device_assignment.revoke_token(first, actor="staff")  # nothing more to revoke


def test_nobody_gets_a_client_accounts_response_from_the_site(client, stock, client_account):
    user, code = client_account
    device_assignment.assign_token(user, "TK-8")
    sign_in_with_code(client, user, code)
    activate(client, EIGHT)
    device = SecurityDevice.objects.get(user=user, confirmed=True)
    for url in (f"/en/portal/devices/{device.pk}/", "/en/portal/device/"):
        assert client.get(url).status_code == 404
    for url in (f"/en/portal/devices/{device.pk}/respond/", f"/en/portal/devices/{device.pk}/pin/"):
        assert client.post(url, {"challenge": "12345678", "pin": "2580"}).status_code == 404
    assert b"emulated device" not in client.get(SECURITY).content


def test_staff_import_and_assign_in_the_admin(admin_client, client_account):
    user, _ = client_account
    data = pskc_file([EIGHT], "preshared")
    page = admin_client.get("/en/admin/securelogin/hardwaretoken/import/")
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    upload = io.BytesIO(data)
    upload.name = "tokens.pskc"
    wrong = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/import/", {"file": upload, "key": "11" * 16}
    )
    assert wrong.status_code == 400 and "wrong" in wrong.context["form"].non_field_errors()[0]
    assert not HardwareToken.objects.exists()
    upload = io.BytesIO(data)
    upload.name = "tokens.pskc"
    result = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/import/",
        {"file": upload, "key": "000102030405060708090A0B0C0D0E0F"},
    )
    assert result.status_code == 302 and HardwareToken.objects.get().serial == "TK-8"

    token = HardwareToken.objects.get()
    picked = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/",
        {"action": "assign_token", "_selected_action": [token.pk]},
    )
    assert picked.status_code == 302 and picked["Location"].endswith("assign/?serial=TK-8")
    refused = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/assign/", {"serial": "TK-9", "user": "klara"}
    )
    assert refused.status_code == 400
    assigned = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/assign/", {"serial": "TK-8", "user": "klara"}
    )
    assert assigned.status_code == 302 and device_assignment.pending_token(user) is not None
    listing = admin_client.get("/en/admin/securelogin/hardwaretoken/")
    assert b"klara (waiting for activation)" in listing.content
    admin_client.post(
        "/en/admin/securelogin/hardwaretoken/",
        {"action": "mark_lost", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.status == "lost" and device_assignment.pending_token(user) is None
    assert admin_client.get("/de/admin/securelogin/hardwaretoken/import/").status_code == 200


def test_the_import_form_refuses_both_secrets_and_bad_hex(admin_client):
    upload = io.BytesIO(pskc_file([EIGHT]))
    upload.name = "tokens.pskc"
    both = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/import/",
        {"file": upload, "key": "00" * 16, "passphrase": "x"},
    )
    assert both.status_code == 400 and not HardwareToken.objects.exists()
    upload.seek(0)
    bad = admin_client.post(
        "/en/admin/securelogin/hardwaretoken/import/", {"file": upload, "key": "zz"}
    )
    assert bad.status_code == 400 and bad.context["form"].errors["key"]
