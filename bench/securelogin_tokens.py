"""Cost of hardware tokens: importing a vendor's PSKC file and verifying a token's response.

Uses a throw-away SQLite database (or DATABASE_URL if set). Prints:
- import_tokens for a file of N tokens (default 1000) in each protection mode
  (plain, pre-shared AES key, PBKDF2 with 10 000 iterations): total seconds,
  tokens per second and the peak Python memory of the import (tracemalloc);
- refusing a billion-laughs file (how fast the hostile file is turned away);
- services.verify_response for an 8-digit token with a PIN hash: median / p95.
Run: .venv/bin/python bench/securelogin_tokens.py [tokens] [runs]
"""

import hashlib
import io
import sys
import time
import tracemalloc
from functools import partial

import pskc
from django.contrib.auth import get_user_model
from django.core.management import call_command
from securelogin_common import elapsed, report  # sets Django up before any model import

from securelogin import device_assignment, pskc_import
from securelogin.models import Challenge, HardwareToken, SecurityDevice
from securelogin.ocra import ocra
from tests.securelogin.helpers import answer, new_signin_challenge

TOKENS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
SUITE = "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
KEY = bytes(range(16))


def make_file(prefix: str, protection: str) -> bytes:
    container = pskc.PSKC()
    for number in range(TOKENS):
        serial = f"{prefix}-{number:06d}"
        key = container.add_key(
            id=serial,
            serial=serial,
            algorithm="urn:ietf:params:xml:ns:keyprov:pskc:ocra",
            algorithm_suite=SUITE,
            secret=hashlib.sha256(serial.encode()).digest(),
        )
        container.add_key(
            id=f"pin-{serial}",
            serial=serial,
            secret=b"1234",
            algorithm="urn:ietf:params:xml:ns:keyprov:pskc:pin",
        )
        key.policy.pin_key_id = f"pin-{serial}"
    if protection == "preshared":
        container.encryption.setup_preshared_key(key=KEY)
    elif protection == "pbkdf2":
        container.encryption.setup_pbkdf2("bench passphrase", iterations=10_000)
    out = io.BytesIO()
    container.write(out)
    return out.getvalue()


def bench_import(protection: str, secrets: dict) -> None:
    data = make_file(protection.upper(), protection)
    started = time.perf_counter()
    pskc_import.import_tokens(data, actor="bench", **secrets)
    seconds = time.perf_counter() - started
    # Memory in a second run (tracemalloc slows Python down several times).
    HardwareToken.objects.filter(serial__startswith=protection.upper()).delete()
    tracemalloc.start()
    pskc_import.import_tokens(data, actor="bench", **secrets)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"import {TOKENS} tokens, {protection:<9} {len(data) / 1e6:5.2f} MB file: {seconds:6.2f} s "
        f"({TOKENS / seconds:7.0f} tokens/s), peak Python memory {peak / 1e6:6.1f} MB"
    )


def bench_hostile() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b']><KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:pskc">&j;</KeyContainer>'
    )
    started = time.perf_counter()
    refused = False
    try:
        pskc_import.import_tokens(laughs)
    except pskc_import.ImportRefused:
        refused = True
    assert refused
    print(f"billion-laughs file refused in {(time.perf_counter() - started) * 1000:.2f} ms")


def bench_verify() -> None:
    user = get_user_model().objects.create_user("bench-client")
    token = HardwareToken.objects.filter(status="available").first()
    device = device_assignment.assign_token(user, token.serial)
    SecurityDevice.objects.filter(pk=device.pk).update(confirmed=True)
    secret = token.secret_key()
    times = []
    for _ in range(RUNS):
        nonce, challenge = new_signin_challenge(user, device)
        response = ocra(SUITE, secret, challenge.code, pin="1234")
        milliseconds, outcome = elapsed(partial(answer, user, nonce, challenge, response))
        times.append(milliseconds)
        assert outcome.ok, outcome.problem
        Challenge.objects.all().delete()
    report(f"verify_response, 8-digit token with PIN hash, {RUNS} runs", times)


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    from django.test.utils import override_settings

    with override_settings(SECURELOGIN_PROMPTS_PER_HOUR=10**9):
        bench_import("plain", {})
        bench_import("preshared", {"key": KEY})
        bench_import("pbkdf2", {"passphrase": "bench passphrase"})
        bench_hostile()
        bench_verify()
