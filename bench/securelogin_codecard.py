"""Cost of temporary access: the temporary-code check, a card sign-in, the card PDF.

Uses a throw-away SQLite database (or DATABASE_URL if set) and Django's default
password hasher (PBKDF2, as in production), because the temporary code is
stored as a password hash: checking it costs one PBKDF2 round, like a password.
Times (median / p95 of N runs):
- temporary_codes.check_form alone (no secret touched);
- temporary_access.verify_temporary_code end to end, right and wrong code;
- services.verify_response with a code card (two HMAC values, single-use prompt);
- codecard.render_pdf (A4 at 300 dpi with Pillow) and its size.
Run: .venv/bin/python bench/securelogin_codecard.py [runs]
"""

import statistics
import sys
import time

import securelogin_common  # sets Django up before any model import
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from securelogin import card_activation, codecard, temporary_access, temporary_codes
from securelogin.models import SecurityDevice
from tests.securelogin.helpers import answer, new_signin_challenge

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 50


def timed(label, func, runs=RUNS):
    securelogin_common.timed(label, func, runs)


def main():
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    User = get_user_model()
    user = User.objects.create_user(f"bench-{time.time_ns()}", password="bench pw")  # noqa: S106
    with override_settings(
        SECURELOGIN_LOCK_AFTER_FAILURES=10**6,
        SECURELOGIN_THROTTLE_FACTOR=0,
        SECURELOGIN_PROMPTS_PER_HOUR=10**9,
    ):
        _, code = temporary_access.issue_temporary_code(user, actor="bench")
        timed("check_form (form only)", lambda: temporary_codes.check_form(code))
        timed(
            "verify_temporary_code, right code",
            lambda: temporary_access.verify_temporary_code(user=user, raw=code, purpose="signin"),
        )
        wrong = "K7QM2XRA" if code != "K7QM2XRA" else "K7QM2XRB"
        timed(
            "verify_temporary_code, wrong code",
            lambda: temporary_access.verify_temporary_code(user=user, raw=wrong, purpose="signin"),
        )

        card = card_activation.card_to_print(user, create=True).card
        SecurityDevice.objects.filter(user=user, kind="temporary").update(confirmed=False)
        SecurityDevice.objects.filter(pk=card.pk).update(confirmed=True)
        card.refresh_from_db()

        def card_signin():
            nonce, prompt = new_signin_challenge(user, card)
            outcome = answer(user, nonce, prompt, card.response_for(prompt.code))
            assert outcome.ok, outcome

        timed("card sign-in: issue prompt + verify values", card_signin)
        key = card.secret_key()
        timed(
            "card values for one prompt (2 HMACs)", lambda: codecard.response_for_pair(key, "0713")
        )
        sizes = []

        def pdf():
            sizes.append(
                len(
                    codecard.render_pdf(
                        key,
                        title="Online Security Code Card",
                        subtitle="Valid 21 days",
                        holder="Card holder: bench",
                        serial="OSC-000001",
                        expires_note="",
                    )
                )
            )

        timed("card PDF, A4 at 300 dpi (Pillow)", pdf, runs=max(RUNS // 10, 3))
        print(f"card PDF size: {statistics.median(sizes) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
