"""Server time to verify one challenge response (target: median under 5 ms).

Uses a throw-away SQLite database (or DATABASE_URL if set, e.g. PostgreSQL) and
times services.verify_response() end to end: form check, challenge lookup,
throttle check, OCRA with the decrypted key, the atomic single-use UPDATE and
the audit row. Also times OCRA alone and a wrong response.
Run: .venv/bin/python bench/securelogin_verify.py
"""

import secrets
import statistics
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from securelogin_common import elapsed, report, timed  # sets Django up before any model import

from securelogin import services
from securelogin.ocra import ocra
from tests.securelogin.helpers import answer, new_signin_challenge, wrong_response

ROUNDS = 500


def main():
    call_command("migrate", verbosity=0)
    settings.SECURELOGIN_THROTTLE_FACTOR = 0
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 10**9  # 500 challenges for one account in a few seconds
    User = get_user_model()
    user = User.objects.create_user(f"bench-{secrets.token_hex(4)}", password="x" * 12)
    device = services.assign_device(user, "android", "2468")
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")

    key = secrets.token_bytes(32)
    suite = "OCRA-1:HOTP-SHA256-6:QN06-PSHA1"
    timed(
        "OCRA alone",
        lambda: ocra(suite, key, f"{secrets.randbelow(10**6):06d}", pin="2468"),
        ROUNDS * 4,
    )

    right, wrong = [], []
    for round_number in range(ROUNDS):
        nonce, challenge = new_signin_challenge(user, device)
        response = device.response_for(challenge.code)
        if round_number % 2:
            bad = wrong_response(device, challenge)
            milliseconds, outcome = elapsed(partial(answer, user, nonce, challenge, bad))
            wrong.append(milliseconds)
            assert not outcome.ok
            device.record_success()  # keep the account unlocked between rounds
        else:
            milliseconds, outcome = elapsed(partial(answer, user, nonce, challenge, response))
            right.append(milliseconds)
            assert outcome.ok
    report("verify_response, right response", right)
    report("verify_response, wrong response", wrong)
    median = statistics.median(right)
    print(f"target median < 5 ms: {'met' if median < 5 else 'NOT met'} ({median:.3f} ms)")


if __name__ == "__main__":
    main()
