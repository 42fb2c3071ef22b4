"""PSKC files with known secrets, and an OCRA written independently of securelogin/ocra.py.

The tests compute a token's responses here, from the secret they put into the
file, so they check the portal's verification against a second implementation
(itself checked against RFC 6287 Appendix C in test_tokens.py).
"""

import hashlib
import hmac
import io
from pathlib import Path

import pskc

from securelogin.pskc_import import PIN_ALGORITHM

FILES = Path(__file__).parent / "pskc"
OCRA_URI = "urn:ietf:params:xml:ns:keyprov:pskc:ocra"
PRESHARED_KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
PASSPHRASE = "vendor passphrase 2026"
# Malformed responses to an 8-digit token (QN08) and the problem each gets.
MALFORMED_8_DIGITS = [
    ("1234567", "token-wrong-length"),
    ("1234 5678", "token-spaces"),
    ("", "empty"),
    ("12-345678", "token-not-digits"),
]


def reference_ocra(suite: str, key: bytes, question: str, pin: str | None = None) -> str:
    """RFC 6287 §5 for numeric questions, with an optional PIN hash, nothing else."""
    _, crypto, data = suite.split(":")
    _, hash_name, digits = crypto.split("-")
    digestmod = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}[
        hash_name
    ]
    q_hex = format(int(question), "X")
    message = suite.encode() + b"\x00" + bytes.fromhex(q_hex.ljust(256, "0"))
    for part in data.split("-"):
        if part.startswith("P"):
            pin_hash = {
                "PSHA1": hashlib.sha1,
                "PSHA256": hashlib.sha256,
                "PSHA512": hashlib.sha512,
            }[part]
            message += pin_hash(pin.encode()).digest()
    mac = hmac.new(key, message, digestmod).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10 ** int(digits)).zfill(int(digits))


def pskc_file(tokens, protection="plain"):
    """A PSKC file (bytes) written by python-pskc: `tokens` are dicts with serial, secret,
    suite and optionally pin / algorithm; protection "plain", "preshared" or "pbkdf2"."""
    container = pskc.PSKC()
    for token in tokens:
        key = container.add_key(
            id=f"key-{token['serial']}",
            serial=token["serial"],
            manufacturer="Acme Tokens",
            secret=token["secret"],
            algorithm=token.get("algorithm", OCRA_URI),
            algorithm_suite=token.get("suite"),
        )
        if token.get("pin"):
            container.add_key(
                id=f"pin-{token['serial']}",
                serial=token["serial"],
                secret=token["pin"].encode(),
                algorithm=PIN_ALGORITHM,
            )
            key.policy.pin_key_id = f"pin-{token['serial']}"
            key.policy.pin_usage = "Algorithmic"
            key.policy.pin_min_length = key.policy.pin_max_length = len(token["pin"])
            key.policy.pin_max_failed_attempts = 3
    if protection == "preshared":
        container.encryption.setup_preshared_key(key=PRESHARED_KEY)
    elif protection == "pbkdf2":
        container.encryption.setup_pbkdf2(PASSPHRASE, iterations=1000)
    out = io.BytesIO()
    container.write(out)
    return out.getvalue()


def token(serial, suite="OCRA-1:HOTP-SHA1-6:QN06", pin=None, secret=None, **extra):
    return {
        "serial": serial,
        "suite": suite,
        "pin": pin,
        "secret": secret or hashlib.sha256(serial.encode()).digest(),
        **extra,
    }
