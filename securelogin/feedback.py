"""Error messages that teach: each problem gets its own text and a link to the help section that explains it."""

import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

RESPONSE_DIGITS = 6
MAX_INPUT_LENGTH = 64

# Problems with the form of a response (checked before any secret is touched).
EMPTY = "empty"
TOO_LONG = "too-long"
SPACES = "spaces"
NOT_DIGITS = "not-digits"
LOWER_CASE = "lower-case"
WRONG_LENGTH = "wrong-length"
# Problems with the challenge or the account.
WRONG = "wrong"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"
REPLAYED = "replayed"
TAMPERED = "tampered"
THROTTLED = "throttled"
LOCKED = "locked"
CARD_BLOCKED = "card-blocked"
NO_DEVICE = "no-device"
BAD_CREDENTIALS = "bad-credentials"

_MESSAGES = {
    EMPTY: _("Please type the response that your security device shows."),
    TOO_LONG: _("That is far longer than a response. Type only the 6 digits your device shows."),
    SPACES: _("The response contains spaces. Type it without spaces, as one block of 6 digits."),
    NOT_DIGITS: _("The response consists of digits only (0–9). Type the 6 digits your device shows."),
    LOWER_CASE: _(
        "The response consists of digits only. Letters, lower case or upper case, belong to temporary codes, "
        "not to the response of a security device."
    ),
    WRONG_LENGTH: _("The response has exactly 6 digits; you typed %(count)d. Check that you copied all of them."),
    WRONG: _("User name, password or response not correct."),
    EXPIRED: _(
        "The challenge code expired (it is valid for %(minutes)d minutes). We have shown you a new one: "
        "type it into your device and enter the new response."
    ),
    WITHDRAWN: _("Too many wrong responses to this challenge. We have shown you a new challenge code."),
    REPLAYED: _("This challenge has already been answered. Please start again."),
    TAMPERED: _("This challenge does not belong to your sign-in. We have shown you a new challenge code."),
    THROTTLED: _("Too many wrong attempts. Please wait %(seconds)d seconds before you try again."),
    LOCKED: _(
        "Your account is locked after too many wrong attempts. Please contact client services to unlock it."
    ),
    CARD_BLOCKED: _("The card is blocked after too many wrong PINs. Please contact client services."),
    NO_DEVICE: _("No active security device is linked to your account. Please contact client services."),
    BAD_CREDENTIALS: _("User name or password not correct."),
}

# Which help section explains each problem: (article slug, anchor). A None
# anchor means "the section for the client's device kind" in KB2260.
_HELP = {
    EMPTY: ("challenge-response", None),
    TOO_LONG: ("sign-in-troubleshooting", "card-or-device"),
    SPACES: ("sign-in-troubleshooting", "card-or-device"),
    NOT_DIGITS: ("sign-in-troubleshooting", "card-or-device"),
    LOWER_CASE: ("sign-in-troubleshooting", "temporary-code"),
    WRONG_LENGTH: ("challenge-response", None),
    WRONG: ("challenge-response", None),
    EXPIRED: ("challenge-response", None),
    WITHDRAWN: ("challenge-response", None),
    THROTTLED: ("sign-in-troubleshooting", "card-or-device"),
    LOCKED: ("sign-in-troubleshooting", "lost-device"),
    CARD_BLOCKED: ("sign-in-troubleshooting", "lost-device"),
    NO_DEVICE: ("sign-in-troubleshooting", "lost-device"),
    BAD_CREDENTIALS: ("sign-in-troubleshooting", None),
}

HELP_LINK_TEXT = _("How to fix this")


@dataclass
class Problem:
    code: str
    message: str
    help_url: str = ""


def help_url(code, device_kind=None):
    slug, anchor = _HELP.get(code, (None, None))
    if slug is None:
        return ""
    if anchor is None and slug == "challenge-response":
        anchor = device_kind or "ios"
    try:
        url = reverse("articles:article", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""
    return f"{url}#{anchor}" if anchor else url


def problem(code, device_kind=None, **params):
    text = _MESSAGES[code]
    return Problem(code=code, message=str(text) % params if params else str(text), help_url=help_url(code, device_kind))


_DIGITS = re.compile(r"[0-9]+")


def check_response_form(raw):
    """Return (clean response, None) or (None, Problem) for the form of the input only."""
    value = raw if isinstance(raw, str) else ""
    if len(value) > MAX_INPUT_LENGTH:
        return None, problem(TOO_LONG)
    value = value.strip()
    if not value:
        return None, problem(EMPTY)
    if re.search(r"\s", value):
        joined = re.sub(r"\s+", "", value)
        if _DIGITS.fullmatch(joined):
            return None, problem(SPACES)
    if not _DIGITS.fullmatch(value):
        if any(ch.isascii() and ch.isalpha() for ch in value):
            return None, problem(LOWER_CASE)
        return None, problem(NOT_DIGITS)
    if len(value) != RESPONSE_DIGITS:
        return None, problem(WRONG_LENGTH, count=len(value))
    return value, None
