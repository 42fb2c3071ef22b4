"""OCRA (RFC 6287) against every test vector of the RFC's Appendix C."""

import pytest

from securelogin.ocra import OcraError, hash_pin, ocra, parse_suite

KEY20 = bytes.fromhex("3132333435363738393031323334353637383930")
KEY32 = bytes.fromhex("3132333435363738393031323334353637383930313233343536373839303132")
KEY64 = bytes.fromhex(
    "3132333435363738393031323334353637383930313233343536373839303132"
    "3334353637383930313233343536373839303132333435363738393031323334"
)
PIN = "1234"
PIN_SHA1 = bytes.fromhex("7110eda4d09e062aa5e4a390b0a572ac0d2c0220")
T = 0x132D0B6


def eight_digits(row: int) -> str:
    """The numeric questions of Appendix C: "00000000", "11111111", …"""
    return str(row) * 8


def vectors(suite, key, question, responses, *, counted=False, **inputs):
    """One suite's rows of Appendix C as (suite, key, inputs, expected): row i (from 0) answers
    `question(i)`, with counter i where the suite is `counted`, and the same other `inputs`."""
    rows = []
    for row, expected in enumerate(responses.split()):
        row_inputs = {"question": question(row), **inputs}
        if counted:
            row_inputs["counter"] = row
        rows.append((suite, key, row_inputs, expected))
    return rows


def mutual(server_suite, client_suite, key, server_responses, client_responses):
    """One pair of suites' rows of Appendix C.2 as (server suite, client suite, key, Qc, Qs,
    server R, client R): row i (from 0) has the challenges CLI2222i and SRV1111i."""
    pairs = zip(server_responses.split(), client_responses.split(), strict=True)
    return [
        (server_suite, client_suite, key, f"CLI2222{row}", f"SRV1111{row}", rs, rc)
        for row, (rs, rc) in enumerate(pairs)
    ]


ONE_WAY = [
    # C.1 One-way challenge-response
    *vectors(
        "OCRA-1:HOTP-SHA1-6:QN08",
        KEY20,
        eight_digits,
        "237653 243178 653583 740991 608993 388898 816933 224598 750600 294470",
    ),
    *vectors(
        "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1",
        KEY32,
        lambda row: "12345678",
        "65347737 86775851 78192410 71565254 10104329 65983500 70069104 91771096 75011558 08522129",
        counted=True,
        pin=PIN,
    ),
    *vectors(
        "OCRA-1:HOTP-SHA256-8:QN08-PSHA1",
        KEY32,
        eight_digits,
        "83238735 01501458 17957585 86776967 86807031",
        pin_hash=PIN_SHA1,
    ),
    *vectors(
        "OCRA-1:HOTP-SHA512-8:C-QN08",
        KEY64,
        eight_digits,
        "07016083 63947962 70123924 25341727 33203315 34205738 44343969 51946085 20403879 31409299",
        counted=True,
    ),
    *vectors(
        "OCRA-1:HOTP-SHA512-8:QN08-T1M",
        KEY64,
        eight_digits,
        "95209754 55907591 22048402 24218844 36209546",
        timestep=T,
    ),
]

MUTUAL = [
    # C.2 Mutual challenge-response
    *mutual(
        "OCRA-1:HOTP-SHA256-8:QA08",
        "OCRA-1:HOTP-SHA256-8:QA08",
        KEY32,
        "28247970 01984843 65387857 03351211 83412541",
        "15510767 90175646 33777207 95285278 28934924",
    ),
    *mutual(
        "OCRA-1:HOTP-SHA512-8:QA08",
        "OCRA-1:HOTP-SHA512-8:QA08-PSHA1",
        KEY64,
        "79496648 76831980 12250499 90856481 12761449",
        "18806276 70020315 01600026 18951020 32528969",
    ),
]

SIGNATURE = [
    # C.3 Plain signature
    *vectors(
        "OCRA-1:HOTP-SHA256-8:QA08",
        KEY32,
        lambda row: f"SIG1{row}000",
        "53095496 04110475 31331128 76028668 46554205",
    ),
    *vectors(
        "OCRA-1:HOTP-SHA512-8:QA10-T1M",
        KEY64,
        lambda row: f"SIG1{row}00000",
        "77537423 31970405 10235557 95213541 65360607",
        timestep=T,
    ),
]


@pytest.mark.parametrize(("suite", "key", "inputs", "expected"), ONE_WAY)
def test_one_way_vectors(suite, key, inputs, expected):
    assert ocra(suite, key, **inputs) == expected


@pytest.mark.parametrize(
    ("server_suite", "client_suite", "key", "qc", "qs", "server_r", "client_r"), MUTUAL
)
def test_mutual_vectors(server_suite, client_suite, key, qc, qs, server_r, client_r):
    # The server answers the client's challenge followed by its own; the client the reverse.
    assert ocra(server_suite, key, qc + qs) == server_r
    extra = {"pin": PIN} if "PSHA1" in client_suite else {}
    assert ocra(client_suite, key, qs + qc, **extra) == client_r


@pytest.mark.parametrize(("suite", "key", "inputs", "expected"), SIGNATURE)
def test_signature_vectors(suite, key, inputs, expected):
    assert ocra(suite, key, **inputs) == expected


def test_vector_counts_cover_all_of_appendix_c():
    assert len(ONE_WAY) == 40 and len(MUTUAL) == 10 and len(SIGNATURE) == 10


def test_leading_zeros_are_kept():
    assert (
        ocra("OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", KEY32, "12345678", counter=9, pin=PIN)
        == "08522129"
    )
    assert ocra("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, "11111111", pin=PIN) == "01501458"


def test_pin_hash_of_rfc():
    assert hash_pin("1234") == PIN_SHA1


def test_device_suites_parse():
    suite = parse_suite("OCRA-1:HOTP-SHA256-6:QN06-PSHA1")
    assert (suite.hash_name, suite.digits, suite.question_format, suite.question_length) == (
        "SHA256",
        6,
        "N",
        6,
    )
    assert suite.pin_hash_name == "SHA1"
    assert len(ocra("OCRA-1:HOTP-SHA256-6:QN06", KEY32, "000001")) == 6


def test_wrong_pin_gives_another_response():
    suite = "OCRA-1:HOTP-SHA256-6:QN06-PSHA1"
    assert ocra(suite, KEY32, "482913", pin="1234") != ocra(suite, KEY32, "482913", pin="1235")


@pytest.mark.parametrize(
    ("suite", "question", "inputs"),
    [
        ("OCRA-2:HOTP-SHA1-6:QN08", "1", {}),
        ("OCRA-1:HOTP-MD5-6:QN08", "1", {}),
        ("OCRA-1:HOTP-SHA1-6:QX08", "1", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08", "12a4", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08", "", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08-PSHA1", "1234", {}),
        ("OCRA-1:HOTP-SHA1-6:C-QN08", "1234", {}),
        ("OCRA-1:HOTP-SHA1-6:QA08", "ünïcode", {}),
        ("OCRA-1:HOTP-SHA1-6:QH08", "xyz", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08-T1M", "1", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08-S004", "1", {"session": b"too long"}),
    ],
)
def test_bad_suites_and_inputs_raise(suite, question, inputs):
    with pytest.raises(OcraError):
        ocra(suite, KEY20, question, **inputs)
