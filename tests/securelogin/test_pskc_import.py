"""PSKC import (RFC 6030): every protection mode, the RFC's examples, every bad file;
all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from securelogin import pskc_import
from securelogin.models import AuditEvent, HardwareToken
from securelogin.ocra import hash_pin
from tests.securelogin.token_helpers import (
    FILES,
    PASSPHRASE,
    PRESHARED_KEY,
    pskc_file,
    reference_ocra,
    token,
)

pytestmark = pytest.mark.django_db
KEY20 = b"12345678901234567890"
KEY32 = b"12345678901234567890123456789012"


def test_the_tests_ocra_matches_rfc_6287_appendix_c():
    """The independent OCRA the token tests use is itself right (RFC 6287 Appendix C)."""
    assert [reference_ocra("OCRA-1:HOTP-SHA1-6:QN08", KEY20, q * 8) for q in "0123"] == [
        "237653",
        "243178",
        "653583",
        "740991",
    ]
    assert [
        reference_ocra("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, q * 8, pin="1234") for q in "012"
    ] == ["83238735", "01501458", "17957585"]


@pytest.mark.parametrize(
    "protection, secrets",
    [
        ("plain", {}),
        ("preshared", {"key": PRESHARED_KEY}),
        ("pbkdf2", {"passphrase": PASSPHRASE}),
    ],
)
def test_each_protection_mode_imports_every_token_encrypted_at_rest(protection, secrets):
    data = pskc_file(
        [token("AC-1001"), token("AC-1002", "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", pin="4711")],
        protection,
    )
    rows = pskc_import.import_tokens(data, actor="staff-anna", **secrets)
    assert [row.serial for row in rows] == ["AC-1001", "AC-1002"]
    first, second = HardwareToken.objects.order_by("serial")
    assert first.status == HardwareToken.Status.AVAILABLE and first.manufacturer == "Acme Tokens"
    assert first.suite == "OCRA-1:HOTP-SHA1-6:QN06" and first.pin_hash() is None
    assert first.secret_key() == token("AC-1001")["secret"]
    assert (
        token("AC-1001")["secret"].hex() not in first.encrypted_key
    )  # encrypted, not hex in clear
    assert second.response_digits == 8 and second.pin_hash() == hash_pin("4711", "SHA1")
    assert (second.pin_usage, second.pin_min_length, second.pin_max_failed_attempts) == (
        "Algorithmic",
        4,
        3,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKENS_IMPORTED)
    assert (event.count, event.actor) == (2, "staff-anna")


def test_the_audit_row_holds_no_secret():
    data = pskc_file([token("AC-2001", "OCRA-1:HOTP-SHA1-6:QN06-PSHA1", pin="9876")], "pbkdf2")
    pskc_import.import_tokens(data, passphrase=PASSPHRASE)
    event = AuditEvent.objects.get()
    values = " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.fields)
    assert "9876" not in values and PASSPHRASE not in values
    assert token("AC-2001")["secret"].hex() not in values


def refused(data, **secrets):
    with pytest.raises(pskc_import.ImportRefused) as info:
        pskc_import.import_tokens(data, **secrets)
    assert not HardwareToken.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKENS_IMPORTED).exists()
    return info.value.message


def test_rfc_6030_figure_6_preshared_key_wrong_key_is_named():
    data = (FILES / "rfc6030-figure6.pskcxml").read_bytes()
    assert "key or passphrase is wrong" in refused(data, key=bytes(16))


def test_rfc_6030_figure_6_and_7_decrypt_but_hotp_is_not_challenge_response():
    """The RFC's examples carry event-based HOTP keys: decrypted with the right key or
    passphrase, then refused by name (the portal verifies OCRA challenge/response only)."""
    figure6 = (FILES / "rfc6030-figure6.pskcxml").read_bytes()
    message = refused(figure6, key=bytes.fromhex("12345678901234567890123456789012"))
    assert "987654321" in message and "urn:ietf:params:xml:ns:keyprov:pskc:hotp" in message
    figure7 = (FILES / "rfc6030-figure7.pskcxml").read_bytes()
    assert "pskc:hotp" in refused(figure7, passphrase="qwerty")
    assert "key or passphrase is wrong" in refused(figure7, passphrase="QWERTY")
    figure5 = (FILES / "rfc6030-figure5.pskcxml").read_bytes()  # plain, with a PIN key
    assert "pskc:hotp" in refused(figure5)


def test_rfc_6030_secrets_read_as_the_rfc_says():
    """The library reads the RFC's figures: the secret of Figures 6 and 7 is 1234…890."""
    data = (FILES / "rfc6030-figure7.pskcxml").read_bytes()
    container = pskc_import._open_container(data, None, "qwerty")
    assert container.keys[0].secret == KEY20


def test_a_counter_based_ocra_suite_is_refused():
    data = (FILES / "draft-hoyer-ocra.pskcxml").read_bytes()
    assert "OCRA-1:HOTP-SHA512-8:C-QN08" in refused(data)


@pytest.mark.parametrize(
    "suite",
    [
        "OCRA-1:HOTP-SHA1-6:C-QN06",  # counter
        "OCRA-1:HOTP-SHA1-6:QN06-T1M",  # time
        "OCRA-1:HOTP-SHA1-6:QN06-S064",  # session
        "OCRA-1:HOTP-SHA1-6:QA06",  # alphanumeric challenge
        "OCRA-1:HOTP-SHA1-8:QN06",  # response longer than the challenge
        "OCRA-1:HOTP-SHA1-4:QN06",  # too short a response
        "OCRA-1:HOTP-MD5-6:QN06",  # not an OCRA suite
        "",
    ],
)
def test_unsupported_suites_are_refused_by_name(suite):
    message = refused(pskc_file([token("AC-3001"), token("AC-3002", suite)]))
    assert "AC-3002" in message and "cannot verify" in message


def test_an_unsupported_algorithm_is_refused():
    data = pskc_file([token("AC-4001", algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp")])
    assert "pskc:totp" in refused(data)


def test_wrong_preshared_key_and_wrong_passphrase():
    assert "wrong" in refused(pskc_file([token("AC-5001")], "preshared"), key=bytes([7] * 16))
    assert "wrong" in refused(
        pskc_file([token("AC-5001")], "pbkdf2"), passphrase="not the passphrase"
    )


def test_an_encrypted_file_without_key_asks_for_one():
    assert "pre-shared key" in refused(pskc_file([token("AC-5101")], "preshared"))


def test_a_known_serial_refuses_the_whole_file():
    pskc_import.import_tokens(pskc_file([token("AC-6001")]))
    with pytest.raises(pskc_import.ImportRefused) as info:
        pskc_import.import_tokens(pskc_file([token("AC-6002"), token("AC-6001")]))
    assert "AC-6001" in info.value.message
    assert list(HardwareToken.objects.values_list("serial", flat=True)) == ["AC-6001"]


def test_a_serial_twice_in_one_file_is_refused():
    assert "twice" in refused(pskc_file([token("AC-7001"), token("AC-7001", secret=bytes(32))]))


def test_a_pin_suite_without_a_pin_is_refused():
    assert "PIN" in refused(pskc_file([token("AC-7101", "OCRA-1:HOTP-SHA1-6:QN06-PSHA1")]))


def test_a_short_secret_is_refused():
    assert "shorter" in refused(pskc_file([token("AC-7201", secret=b"1234")]))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo>
<SerialNo>&lol9;</SerialNo></DeviceInfo></KeyPackage></KeyContainer>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo>
<SerialNo>&xxe;</SerialNo></DeviceInfo></KeyPackage></KeyContainer>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE KeyContainer SYSTEM "http://127.0.0.1:9/evil.dtd">
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"/>"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "dtd"]
)
def test_hostile_xml_is_refused_unread(data):
    assert "DTD or entities" in refused(data)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"<KeyContainer", "not well-formed"),
        (b"\xff\xfe not xml", "not well-formed"),
        (b"<html><body>hello</body></html>", "not a PSKC"),
        (b'<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"/>', "no token"),
        (b"<a>" + b" " * (pskc_import.MAX_FILE_BYTES + 1) + b"</a>", "larger"),
    ],
)
def test_malformed_files_are_refused(data, words):
    assert words in refused(data)


def test_the_command_imports_with_a_passphrase(tmp_path):
    path = tmp_path / "tokens.pskc"
    path.write_bytes(pskc_file([token("AC-8001"), token("AC-8002")], "pbkdf2"))
    out = io.StringIO()
    call_command("import_pskc", str(path), "--passphrase", PASSPHRASE, stdout=out)
    assert "2 token(s) imported" in out.getvalue()
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.TOKENS_IMPORTED).actor == "import_pskc"


def test_the_command_imports_with_a_hex_key_and_refuses_bad_input(tmp_path):
    path = tmp_path / "tokens.pskc"
    path.write_bytes(pskc_file([token("AC-8101")], "preshared"))
    with pytest.raises(CommandError, match="hexadecimal"):
        call_command("import_pskc", str(path), "--key", "not-hex", stdout=io.StringIO())
    with pytest.raises(CommandError, match="wrong"):
        call_command("import_pskc", str(path), "--key", "00" * 16, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_pskc", str(tmp_path / "missing.pskc"), stdout=io.StringIO())
    assert not HardwareToken.objects.exists()
    call_command(
        "import_pskc", str(path), "--key", PRESHARED_KEY.hex().upper(), stdout=io.StringIO()
    )
    assert HardwareToken.objects.get().serial == "AC-8101"
