"""App settings with defaults; each can be overridden in settings as SECURELOGIN_<NAME>."""

from django.conf import settings

_DEFAULTS = {
    # A challenge lives 5 minutes: long enough to open the device in a second
    # tab (or fetch the card) and type two 6-digit numbers, short enough that a
    # shoulder-surfed challenge is soon useless.
    "CHALLENGE_SECONDS": 300,
    # Wrong responses allowed on one challenge before it is withdrawn.
    "MAX_FAILURES_PER_CHALLENGE": 5,
    # Consecutive second-factor failures (they need the right password) that
    # lock the account. Wrong passwords never lock it (see limits.py).
    "LOCK_AFTER_FAILURES": 10,
    # A lock ends by itself after LOCK_SECONDS, doubling with each lock in a row
    # (reset by a successful sign-in), capped at LOCK_MAX_SECONDS; staff can lift it earlier.
    "LOCK_SECONDS": 15 * 60,
    "LOCK_MAX_SECONDS": 24 * 3600,
    # Wrong passwords slow down the pair (source address, user name) and the
    # source address (NIST SP 800-63B 5.2.2): after the free tries, one try per
    # delay, the delay doubling from PASSWORD_DELAY_SECONDS up to PASSWORD_DELAY_MAX_SECONDS.
    "PASSWORD_FREE_TRIES_PER_PAIR": 5,
    "PASSWORD_FREE_TRIES_PER_SOURCE": 50,
    "PASSWORD_DELAY_SECONDS": 2,
    "PASSWORD_DELAY_MAX_SECONDS": 15 * 60,
    # How long the source counters remember tries.
    "PASSWORD_WINDOW_SECONDS": 3600,
    # New challenges (or card prompts with a new pair) per account and hour.
    "PROMPTS_PER_HOUR": 10,
    # Exponential back-off between wrong responses: factor * 2^(n-1) seconds.
    "THROTTLE_FACTOR": 1,
    # Wrong PINs that block the Digital Security Card itself.
    "CARD_PIN_RETRIES": 3,
    # How long a first-factor (user name + password) pass waits for the second factor.
    "PENDING_SIGNIN_SECONDS": 900,
    # Client sessions end after this much inactivity, and in any case this long after sign-in.
    "SESSION_IDLE_SECONDS": 15 * 60,
    "SESSION_ABSOLUTE_SECONDS": 12 * 3600,
    # Temporary codes from client services: characters and validity (KB70: two days).
    "TEMPORARY_CODE_LENGTH": 8,
    "TEMPORARY_CODE_HOURS": 48,
    # Validity of an activated Online Security Code Card (KB2636: 21 days).
    "CARD_DAYS": 21,
}


def get(name):
    return getattr(settings, f"SECURELOGIN_{name}", _DEFAULTS[name])
