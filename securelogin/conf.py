"""Every setting of the sign-in: one `AppSettings` (portal/app_settings.py).

Each is a Django setting and an environment variable of the same full name
(`SECURELOGIN_LOCK_SECONDS`); read them as `app_settings.LOCK_SECONDS`. The
meanings below are the README's table (### securelogin settings). The system
check portal.E010 refuses a value of the wrong type or out of bounds, and the
validators here refuse limits that contradict each other.
"""

from __future__ import annotations

from django.core import checks

from portal.app_settings import AppSettings, Setting

HOUR = 3600


def _ceilings_above_floors(conf: AppSettings) -> list[checks.CheckMessage]:
    """A cap below the value it caps would silently become the only value."""
    errors: list[checks.CheckMessage] = []
    for floor, ceiling, code in (
        ("LOCK_SECONDS", "LOCK_MAX_SECONDS", "securelogin.E003"),
        ("PASSWORD_DELAY_SECONDS", "PASSWORD_DELAY_MAX_SECONDS", "securelogin.E004"),
        ("SESSION_IDLE_SECONDS", "SESSION_ABSOLUTE_SECONDS", "securelogin.E005"),
    ):
        if getattr(conf, ceiling) < getattr(conf, floor):
            errors.append(
                checks.Error(
                    f"{conf.full_name(ceiling)} ({getattr(conf, ceiling)}) must not be less than "
                    f"{conf.full_name(floor)} ({getattr(conf, floor)}).",
                    id=code,
                )
            )
    return errors


app_settings = AppSettings(
    "SECURELOGIN_",
    {
        "CHALLENGE_SECONDS": Setting(
            300,
            "how long a challenge (or card prompt) lives: long enough to open the device in a "
            "second tab (or fetch the card) and type two 6-digit numbers, short enough that a "
            "shoulder-surfed challenge is soon useless",
            minimum=1,
        ),
        "MAX_FAILURES_PER_CHALLENGE": Setting(
            5, "wrong responses allowed on one challenge before it is withdrawn", minimum=1
        ),
        "LOCK_AFTER_FAILURES": Setting(
            10,
            "consecutive second-factor failures (they need the right password) that lock the "
            "account; wrong passwords never lock it",
            minimum=1,
        ),
        "LOCK_SECONDS": Setting(
            15 * 60,
            "a lock ends by itself after this long, doubling with each lock in a row (reset by "
            "a successful sign-in); staff can lift it earlier",
            minimum=1,
        ),
        "LOCK_MAX_SECONDS": Setting(24 * HOUR, "the longest lock the doubling reaches", minimum=1),
        "PASSWORD_FREE_TRIES_PER_PAIR": Setting(
            5,
            "password tries per (source address, user name) before each try waits for the "
            "delay (NIST SP 800-63B 5.2.2)",
            minimum=1,
        ),
        "PASSWORD_FREE_TRIES_PER_SOURCE": Setting(
            50, "password tries per source address before each try waits for the delay", minimum=1
        ),
        "PASSWORD_DELAY_SECONDS": Setting(
            2, "the first delay after the free tries; it doubles with every further try", minimum=0
        ),
        "PASSWORD_DELAY_MAX_SECONDS": Setting(
            15 * 60, "the longest delay between password tries", minimum=0
        ),
        "PASSWORD_WINDOW_SECONDS": Setting(
            HOUR, "how long the password-try counters remember tries", minimum=1
        ),
        "PROMPTS_PER_HOUR": Setting(
            10, "new challenges (or card prompts with a new pair) per account and hour", minimum=1
        ),
        "THROTTLE_FACTOR": Setting(
            1,
            "back-off between wrong responses: factor * 2^(n-1) seconds (0: none)",
            minimum=0,
        ),
        "CARD_PIN_RETRIES": Setting(
            3, "wrong PINs that block the Digital Security Card itself", minimum=1
        ),
        "PENDING_SIGNIN_SECONDS": Setting(
            900,
            "how long a first-factor (user name + password) pass waits for the second factor",
            minimum=1,
        ),
        "SESSION_IDLE_SECONDS": Setting(
            15 * 60, "client sessions end after this much inactivity", minimum=1
        ),
        "SESSION_ABSOLUTE_SECONDS": Setting(
            12 * HOUR, "client sessions end this long after sign-in in any case", minimum=1
        ),
        "TEMPORARY_CODE_LENGTH": Setting(
            8, "characters of a temporary code from client services", minimum=6, maximum=64
        ),
        "TEMPORARY_CODE_HOURS": Setting(
            48, "validity of a temporary code (KB70: two days)", minimum=1
        ),
        "CARD_DAYS": Setting(
            21, "validity of an activated Online Security Code Card (KB2636: 21 days)", minimum=1
        ),
    },
    validators=(_ceilings_above_floors,),
)
