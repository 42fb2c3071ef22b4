"""Server time to verify one challenge response (target: median under 5 ms).

Uses a throw-away SQLite database (or DATABASE_URL if set, e.g. PostgreSQL) and
times services.verify_response() end to end: form check, challenge lookup,
throttle check, OCRA with the decrypted key, the atomic single-use UPDATE and
the audit row. Also times OCRA alone and a wrong response.
Run: .venv/bin/python bench/securelogin_verify.py
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='sl-bench-')}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from securelogin import services  # noqa: E402
from securelogin.models import Challenge  # noqa: E402
from securelogin.ocra import ocra  # noqa: E402

ROUNDS = 500


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(label, times):
    print(
        f"{label:<42} median {statistics.median(times):6.3f} ms   p95 {percentile(times, 0.95):6.3f} ms   "
        f"max {max(times):6.3f} ms   (n={len(times)})"
    )


def main():
    call_command("migrate", verbosity=0)
    settings.SECURELOGIN_THROTTLE_FACTOR = 0
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 10**9  # 500 challenges for one account in a few seconds
    User = get_user_model()
    user = User.objects.create_user(f"bench-{secrets.token_hex(4)}", password="x" * 12)
    device = services.assign_device(user, "android", "2468")
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")

    key = secrets.token_bytes(32)
    times = []
    for _ in range(ROUNDS * 4):
        started = time.perf_counter()
        ocra("OCRA-1:HOTP-SHA256-6:QN06-PSHA1", key, f"{secrets.randbelow(10**6):06d}", pin="2468")
        times.append((time.perf_counter() - started) * 1000)
    report("OCRA alone", times)

    right, wrong = [], []
    for round_number in range(ROUNDS):
        nonce = secrets.token_urlsafe(16)
        challenge = services.issue_challenge(user, device, Challenge.Purpose.SIGNIN, nonce)
        response = device.response_for(challenge.code)
        if round_number % 2:
            bad = "000000" if response != "000000" else "111111"
            started = time.perf_counter()
            outcome = services.verify_response(
                user=user,
                nonce=nonce,
                challenge_id=challenge.public_id,
                response=bad,
                purpose=Challenge.Purpose.SIGNIN,
            )
            wrong.append((time.perf_counter() - started) * 1000)
            assert not outcome.ok
            device.record_success()  # keep the account unlocked between rounds
        else:
            started = time.perf_counter()
            outcome = services.verify_response(
                user=user,
                nonce=nonce,
                challenge_id=challenge.public_id,
                response=response,
                purpose=Challenge.Purpose.SIGNIN,
            )
            right.append((time.perf_counter() - started) * 1000)
            assert outcome.ok
    report("verify_response, right response", right)
    report("verify_response, wrong response", wrong)
    median = statistics.median(right)
    print(f"target median < 5 ms: {'met' if median < 5 else 'NOT met'} ({median:.3f} ms)")


if __name__ == "__main__":
    main()
