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

ONE_WAY = [
    # C.1 One-way challenge-response
    *[
        ("OCRA-1:HOTP-SHA1-6:QN08", KEY20, {"question": q}, r)
        for q, r in [
            ("00000000", "237653"),
            ("11111111", "243178"),
            ("22222222", "653583"),
            ("33333333", "740991"),
            ("44444444", "608993"),
            ("55555555", "388898"),
            ("66666666", "816933"),
            ("77777777", "224598"),
            ("88888888", "750600"),
            ("99999999", "294470"),
        ]
    ],
    *[
        (
            "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1",
            KEY32,
            {"question": "12345678", "counter": c, "pin": PIN},
            r,
        )
        for c, r in enumerate(
            [
                "65347737",
                "86775851",
                "78192410",
                "71565254",
                "10104329",
                "65983500",
                "70069104",
                "91771096",
                "75011558",
                "08522129",
            ]
        )
    ],
    *[
        ("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", KEY32, {"question": q, "pin_hash": PIN_SHA1}, r)
        for q, r in [
            ("00000000", "83238735"),
            ("11111111", "01501458"),
            ("22222222", "17957585"),
            ("33333333", "86776967"),
            ("44444444", "86807031"),
        ]
    ],
    *[
        ("OCRA-1:HOTP-SHA512-8:C-QN08", KEY64, {"question": str(c) * 8, "counter": c}, r)
        for c, r in enumerate(
            [
                "07016083",
                "63947962",
                "70123924",
                "25341727",
                "33203315",
                "34205738",
                "44343969",
                "51946085",
                "20403879",
                "31409299",
            ]
        )
    ],
    *[
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", KEY64, {"question": q, "timestep": T}, r)
        for q, r in [
            ("00000000", "95209754"),
            ("11111111", "55907591"),
            ("22222222", "22048402"),
            ("33333333", "24218844"),
            ("44444444", "36209546"),
        ]
    ],
]

MUTUAL = [
    # C.2 Mutual challenge-response: (server suite, client suite, key, Qc, Qs, server R, client R)
    *[
        (
            "OCRA-1:HOTP-SHA256-8:QA08",
            "OCRA-1:HOTP-SHA256-8:QA08",
            KEY32,
            f"CLI2222{i}",
            f"SRV1111{i}",
            rs,
            rc,
        )
        for i, (rs, rc) in enumerate(
            [
                ("28247970", "15510767"),
                ("01984843", "90175646"),
                ("65387857", "33777207"),
                ("03351211", "95285278"),
                ("83412541", "28934924"),
            ]
        )
    ],
    *[
        (
            "OCRA-1:HOTP-SHA512-8:QA08",
            "OCRA-1:HOTP-SHA512-8:QA08-PSHA1",
            KEY64,
            f"CLI2222{i}",
            f"SRV1111{i}",
            rs,
            rc,
        )
        for i, (rs, rc) in enumerate(
            [
                ("79496648", "18806276"),
                ("76831980", "70020315"),
                ("12250499", "01600026"),
                ("90856481", "18951020"),
                ("12761449", "32528969"),
            ]
        )
    ],
]

SIGNATURE = [
    # C.3 Plain signature
    *[
        ("OCRA-1:HOTP-SHA256-8:QA08", KEY32, {"question": q}, r)
        for q, r in [
            ("SIG10000", "53095496"),
            ("SIG11000", "04110475"),
            ("SIG12000", "31331128"),
            ("SIG13000", "76028668"),
            ("SIG14000", "46554205"),
        ]
    ],
    *[
        ("OCRA-1:HOTP-SHA512-8:QA10-T1M", KEY64, {"question": q, "timestep": T}, r)
        for q, r in [
            ("SIG1000000", "77537423"),
            ("SIG1100000", "31970405"),
            ("SIG1200000", "10235557"),
            ("SIG1300000", "95213541"),
            ("SIG1400000", "65360607"),
        ]
    ],
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
