"""App settings with defaults; each can be overridden in settings as SECURELOGIN_<NAME>."""
from django.conf import settings

_DEFAULTS = {
    # A challenge lives 5 minutes: long enough to open the device in a second
    # tab (or fetch the card) and type two 6-digit numbers, short enough that a
    # shoulder-surfed challenge is soon useless.
    "CHALLENGE_SECONDS": 300,
    # Wrong responses allowed on one challenge before it is withdrawn.
    "MAX_FAILURES_PER_CHALLENGE": 5,
    # Consecutive failures (passwords and responses) that lock the account
    # until staff unlock it in the admin (the issue allows at most 100).
    "LOCK_AFTER_FAILURES": 10,
    # Exponential back-off between wrong responses: factor * 2^(n-1) seconds.
    "THROTTLE_FACTOR": 1,
    # Wrong PINs that block the Digital Security Card itself.
    "CARD_PIN_RETRIES": 3,
    # How long a first-factor (user name + password) pass waits for the second factor.
    "PENDING_SIGNIN_SECONDS": 900,
    # Temporary codes from client services: characters and validity (KB70: two days).
    "TEMPORARY_CODE_LENGTH": 8,
    "TEMPORARY_CODE_HOURS": 48,
    # Validity of an activated Online Security Code Card (KB2636: 21 days).
    "CARD_DAYS": 21,
}


def get(name):
    return getattr(settings, f"SECURELOGIN_{name}", _DEFAULTS[name])
