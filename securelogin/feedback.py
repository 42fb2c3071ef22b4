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
PROMPT_LIMIT = "prompt-limit"
LOCKED = "locked"
CARD_BLOCKED = "card-blocked"
NO_DEVICE = "no-device"
BAD_CREDENTIALS = "bad-credentials"
NON_ASCII_DIGITS = "non-ascii-digits"
CONTROL_CHARACTERS = "control-characters"
# Temporary codes from client services.
CODE_EMPTY = "code-empty"
CODE_LOWER_CASE = "code-lower-case"
CODE_SPACES = "code-spaces"
CODE_LOWER_CASE_AND_SPACES = "code-lower-case-and-spaces"
CODE_CHARACTERS = "code-characters"
CODE_LENGTH = "code-length"
CODE_WRONG = "code-wrong"
CODE_EXPIRED = "code-expired"
CODE_REPLACED = "code-replaced"
# The Online Security Code Card.
CARD_EMPTY = "card-empty"
CARD_SPACES = "card-spaces"
CARD_NOT_DIGITS = "card-not-digits"
CARD_LENGTH = "card-length"
CARD_WRONG = "card-wrong"
CARD_SWAPPED = "card-swapped"
CARD_EXPIRED = "card-expired"
CARD_REVOKED = "card-revoked"
CARD_ALREADY_ACTIVE = "card-already-active"
CARD_NOT_AVAILABLE = "card-not-available"

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
        "Your account is locked for a while after too many wrong attempts. Please try again later, or contact "
        "client services to unlock it now."
    ),
    PROMPT_LIMIT: _(
        "Too many new security checks were started for this account in the last hour. Please try again later."
    ),
    CARD_BLOCKED: _("The card is blocked after too many wrong PINs. Please contact client services."),
    NO_DEVICE: _("No active security device is linked to your account. Please contact client services."),
    BAD_CREDENTIALS: _("User name or password not correct."),
    NON_ASCII_DIGITS: _(
        "Your keyboard typed digits of another script (for example ١٢٣). Please type the digits 0–9 of a Latin "
        "keyboard."
    ),
    CONTROL_CHARACTERS: _(
        "The text contains an invisible control character (for example a line break or a null character from "
        "copying and pasting). Please type it again by hand."
    ),
    CODE_EMPTY: _("Please type the temporary code that client services gave you."),
    CODE_LOWER_CASE: _(
        "Temporary codes are case-sensitive and use capital letters only. Type the letters in upper case "
        "(for example K7QM2XRA, not k7qm2xra)."
    ),
    CODE_SPACES: _("The temporary code contains spaces. Type all its characters in one block, without spaces."),
    CODE_LOWER_CASE_AND_SPACES: _(
        "The temporary code contains spaces and lower-case letters. Type it in capital letters, in one block "
        "without spaces (for example K7QM2XRA)."
    ),
    CODE_CHARACTERS: _(
        "A temporary code consists of capital letters and the digits 2–9 only; it never contains O, 0, I, 1 or L, "
        "nor any other sign. Check the character you typed."
    ),
    CODE_LENGTH: _("A temporary code has exactly %(length)d characters; you typed %(count)d."),
    CODE_WRONG: _("User name, password or temporary code not correct."),
    CODE_EXPIRED: _(
        "Your temporary code has expired. Please call client services for a new one."
    ),
    CODE_REPLACED: _(
        "This temporary code was replaced by a newer one and no longer works. Type the newest code that client "
        "services gave you."
    ),
    CARD_EMPTY: _("Please type the card values: the 3-digit values of both index numbers, as 6 digits."),
    CARD_SPACES: _(
        "The card values contain a space. Type the two 3-digit values one right after the other, as 6 digits "
        "without a space."
    ),
    CARD_NOT_DIGITS: _(
        "Card values consist of digits only (0–9). Type the two 3-digit values from your printed card as 6 digits."
    ),
    CARD_LENGTH: _(
        "Type exactly 6 digits: the 3-digit value of the first index number, then that of the second. "
        "You typed %(count)d."
    ),
    CARD_WRONG: _("The card values are not correct. Check both index numbers on your printed card."),
    CARD_SWAPPED: _(
        "The two values are in the wrong order. Type the value of the first index number first, then the value "
        "of the second."
    ),
    CARD_EXPIRED: _(
        "Your Online Security Code Card expired on %(date)s and can no longer be used. Please call client "
        "services: they can give you a new temporary code."
    ),
    CARD_REVOKED: _(
        "This Online Security Code Card is no longer valid: it was replaced or revoked. Please call client "
        "services for a new temporary code."
    ),
    CARD_ALREADY_ACTIVE: _(
        "Your card is already activated, so its values are not shown again: keep using your printout. If you lost "
        "it, call client services for a new temporary code."
    ),
    CARD_NOT_AVAILABLE: _(
        "This card cannot be shown or activated: an Online Security Code Card is offered only while you are signed "
        "in with a temporary code from client services."
    ),
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
    PROMPT_LIMIT: ("sign-in-troubleshooting", "card-or-device"),
    LOCKED: ("sign-in-troubleshooting", "lost-device"),
    CARD_BLOCKED: ("sign-in-troubleshooting", "lost-device"),
    NO_DEVICE: ("sign-in-troubleshooting", "lost-device"),
    BAD_CREDENTIALS: ("sign-in-troubleshooting", None),
    NON_ASCII_DIGITS: ("sign-in-troubleshooting", "card-or-device"),
    CONTROL_CHARACTERS: ("sign-in-troubleshooting", "card-or-device"),
    CODE_EMPTY: ("temporary-code", "sign-in-with-the-code"),
    CODE_LOWER_CASE: ("sign-in-troubleshooting", "temporary-code"),
    CODE_SPACES: ("sign-in-troubleshooting", "temporary-code"),
    CODE_LOWER_CASE_AND_SPACES: ("sign-in-troubleshooting", "temporary-code"),
    CODE_CHARACTERS: ("sign-in-troubleshooting", "temporary-code"),
    CODE_LENGTH: ("sign-in-troubleshooting", "temporary-code"),
    CODE_WRONG: ("sign-in-troubleshooting", "temporary-code"),
    CODE_EXPIRED: ("temporary-code", "get-a-code"),
    CODE_REPLACED: ("sign-in-troubleshooting", "temporary-code"),
    CARD_EMPTY: ("online-security-code-card", "signing-in-with-the-card"),
    CARD_SPACES: ("sign-in-troubleshooting", "card-or-device"),
    CARD_NOT_DIGITS: ("online-security-code-card", "signing-in-with-the-card"),
    CARD_LENGTH: ("online-security-code-card", "signing-in-with-the-card"),
    CARD_WRONG: ("online-security-code-card", "signing-in-with-the-card"),
    CARD_SWAPPED: ("online-security-code-card", "signing-in-with-the-card"),
    CARD_EXPIRED: ("temporary-code", "get-a-code"),
    CARD_REVOKED: ("temporary-code", "get-a-code"),
    CARD_ALREADY_ACTIVE: ("online-security-code-card", "print-and-activate"),
    CARD_NOT_AVAILABLE: ("online-security-code-card", "print-and-activate"),
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


def message(code):
    return _MESSAGES[code]


def problem_from_form(form, default=None):
    """The problem of an invalid form whose error code is in the table (e.g. control
    characters), else `default`."""
    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code in _MESSAGES:
                return problem(error.code)
    return problem(default) if default else None


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
        if _foreign_digits(value):
            return None, problem(NON_ASCII_DIGITS)
        if any(ch.isascii() and ch.isalpha() for ch in value):
            return None, problem(LOWER_CASE)
        return None, problem(NOT_DIGITS)
    if len(value) != RESPONSE_DIGITS:
        return None, problem(WRONG_LENGTH, count=len(value))
    return value, None


def _foreign_digits(value):
    """Digits of another script (Arabic-Indic, Devanagari, full-width …) and nothing but digits and spaces."""
    chars = [ch for ch in value if not ch.isspace()]
    return bool(chars) and all(ch.isdigit() for ch in chars) and not all(ch.isascii() for ch in chars)


def check_card_values_form(raw):
    """The Card values field: two 3-digit values typed as 6 digits. Returns (value, None) or (None, Problem)."""
    value = raw if isinstance(raw, str) else ""
    if len(value) > MAX_INPUT_LENGTH:
        return None, problem(CARD_LENGTH, count=len(value))
    value = value.strip()
    if not value:
        return None, problem(CARD_EMPTY)
    if _foreign_digits(value):
        return None, problem(NON_ASCII_DIGITS)
    if re.search(r"\s", value) and _DIGITS.fullmatch(re.sub(r"\s+", "", value)):
        return None, problem(CARD_SPACES)
    if not _DIGITS.fullmatch(value):
        return None, problem(CARD_NOT_DIGITS)
    if len(value) != RESPONSE_DIGITS:
        return None, problem(CARD_LENGTH, count=len(value))
    return value, None
