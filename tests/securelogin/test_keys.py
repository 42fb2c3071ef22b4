"""Keys of the secrets at rest: several accepted, rotation re-encrypts, production needs one
(finding 9)."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from portal import crypto
from portal.crypto_settings import check_field_encryption_key
from securelogin.models import SecurityDevice
from tests.securelogin.helpers import make_client

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def reloaded(device):
    return SecurityDevice.objects.get(pk=device.pk)


def test_rotation_re_encrypts_under_the_newest_key(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    _, device = make_client("dora", "dsc")
    expected = device.response_for("123456")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert reloaded(device).response_for("123456") == expected  # both keys accepted
    before = reloaded(device).encrypted_key
    out = io.StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "secrets of 1 device under" in out.getvalue()
    after = reloaded(device)
    assert after.encrypted_key != before
    Fernet(NEW.encode()).decrypt(after.encrypted_key.encode())  # the newest key alone reads it
    Fernet(NEW.encode()).decrypt(after.encrypted_pin_hash.encode())
    settings.FIELD_ENCRYPTION_KEY = NEW
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40  # no longer tied to SECRET_KEY
    assert reloaded(device).response_for("123456") == expected


def test_secrets_made_with_the_development_key_survive_the_first_real_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    _, device = make_client("emil", "ios")
    expected = device.response_for("654321")
    settings.FIELD_ENCRYPTION_KEY = NEW
    call_command("rotate_field_encryption", stdout=io.StringIO())
    settings.SECRET_KEY = "rotated-secret-key-" + "z" * 40
    assert reloaded(device).response_for("654321") == expected


def test_rotation_changes_nothing_when_a_secret_cannot_be_read(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    _, device = make_client("fritz", "ios")
    _, other = make_client("gina", "ios")
    SecurityDevice.objects.filter(pk=other.pk).update(
        encrypted_key=Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    )
    settings.FIELD_ENCRYPTION_KEY = NEW  # OLD forgotten: nothing can be read
    before = reloaded(device).encrypted_key
    with pytest.raises(CommandError, match="2 devices could not be decrypted"):
        call_command("rotate_field_encryption")
    assert reloaded(device).encrypted_key == before


def test_production_needs_a_valid_key():
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY must be set"):
        check_field_encryption_key("")
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        check_field_encryption_key(f"{NEW},not-a-key")
    check_field_encryption_key(f"{NEW}, {OLD}")


def test_encrypt_uses_the_newest_key(settings):
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert Fernet(NEW.encode()).decrypt(crypto.encrypt(b"secret").encode()) == b"secret"


def test_rotation_re_encrypts_imported_token_secrets(settings):
    from securelogin import pskc_import
    from tests.securelogin.token_helpers import pskc_file, token

    settings.FIELD_ENCRYPTION_KEY = OLD
    spec = token("ROT-1", "OCRA-1:HOTP-SHA1-6:QN06-PSHA1", pin="1111")
    (row,) = pskc_import.import_tokens(pskc_file([spec]))
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    out = io.StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "secrets of 1 security token(s)" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEY = NEW
    row.refresh_from_db()
    assert row.secret_key() == spec["secret"] and row.pin_hash() is not None
