"""Error messages that teach: one table of problems, each with its code (what tests
and templates use), its translated message and the help section that explains it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

if TYPE_CHECKING:
    from typing import Any

    from django import forms

RESPONSE_DIGITS = 6
MAX_INPUT_LENGTH = 64


@dataclass(frozen=True)
class ProblemType:
    """One row of the table: code, message (a lazy gettext, or ngettext whose count is
    the parameter it names) and help section: (article slug, anchor). A None anchor
    in KB2260 ("challenge-response") means the section of the client's device kind."""

    code: str
    message: Promise
    help: tuple[str, str | None] | None = None


EMPTY = ProblemType(
    "empty",
    _("Please type the response that your security device shows."),
    ("challenge-response", None),
)
TOO_LONG = ProblemType(
    "too-long",
    _("That is far longer than a response. Type only the 6 digits your device shows."),
    ("sign-in-troubleshooting", "card-or-device"),
)
SPACES = ProblemType(
    "spaces",
    _("The response contains spaces. Type it without spaces, as one block of 6 digits."),
    ("sign-in-troubleshooting", "card-or-device"),
)
NOT_DIGITS = ProblemType(
    "not-digits",
    _("The response consists of digits only (0–9). Type the 6 digits your device shows."),
    ("sign-in-troubleshooting", "card-or-device"),
)
LOWER_CASE = ProblemType(
    "lower-case",
    _(
        "The response consists of digits only. Letters, lower case or upper case, belong to "
        "temporary codes, "
        "not to the response of a security device."
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
WRONG_LENGTH = ProblemType(
    "wrong-length",
    _("The response has exactly 6 digits; you typed %(count)d. Check that you copied all of them."),
    ("challenge-response", None),
)
WRONG = ProblemType(
    "wrong",
    _("User name, password or response not correct."),
    ("challenge-response", None),
)
EXPIRED = ProblemType(
    "expired",
    ngettext_lazy(
        "The challenge code expired (it is valid for %(minutes)d minute). We have shown you a new "
        "one: type it into "
        "your device and enter the new response.",
        "The challenge code expired (it is valid for %(minutes)d minutes). We have shown you a "
        "new one: type it into "
        "your device and enter the new response.",
        "minutes",
    ),
    ("challenge-response", None),
)
WITHDRAWN = ProblemType(
    "withdrawn",
    _("Too many wrong responses to this challenge. We have shown you a new challenge code."),
    ("challenge-response", None),
)
REPLAYED = ProblemType(
    "replayed",
    _("This challenge has already been answered. Please start again."),
    None,
)
TAMPERED = ProblemType(
    "tampered",
    _("This challenge does not belong to your sign-in. We have shown you a new challenge code."),
    None,
)
THROTTLED = ProblemType(
    "throttled",
    ngettext_lazy(
        "Please wait %(seconds)d second before you try again.",
        "Please wait %(seconds)d seconds before you try again.",
        "seconds",
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
# A wait of a minute or more follows many wrong tries in a row: then, and only then, say so.
THROTTLED_LONG_MESSAGE = ngettext_lazy(
    "Too many wrong attempts. Please wait %(minutes)d minute before you try again.",
    "Too many wrong attempts. Please wait %(minutes)d minutes before you try again.",
    "minutes",
)
SHORT_WAIT_SECONDS = 60
CREDENTIALS_EMPTY = ProblemType(
    "credentials-empty",
    _("Enter your user name and password."),
    None,
)
PROMPT_LIMIT = ProblemType(
    "prompt-limit",
    _(
        "Too many new security checks were started for this account in the last hour. Please try "
        "again later."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
LOCKED = ProblemType(
    "locked",
    _(
        "Your account is locked for a while after too many wrong attempts. Please try again "
        "later, or contact "
        "client services to unlock it now."
    ),
    ("sign-in-troubleshooting", "lost-device"),
)
CARD_BLOCKED = ProblemType(
    "card-blocked",
    _("The card is blocked after too many wrong PINs. Please contact client services."),
    ("sign-in-troubleshooting", "lost-device"),
)
NO_DEVICE = ProblemType(
    "no-device",
    _("No active security device is linked to your account. Please contact client services."),
    ("sign-in-troubleshooting", "lost-device"),
)
BAD_CREDENTIALS = ProblemType(
    "bad-credentials",
    _("User name or password not correct."),
    ("sign-in-troubleshooting", None),
)
NON_ASCII_DIGITS = ProblemType(
    "non-ascii-digits",
    _(
        "Your keyboard typed digits of another script (for example ١٢٣). Please type the digits "
        "0–9 of a Latin "
        "keyboard."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
CONTROL_CHARACTERS = ProblemType(
    "control-characters",
    _(
        "The text contains an invisible control character (for example a line break or a null "
        "character from "
        "copying and pasting). Please type it again by hand."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
CODE_EMPTY = ProblemType(
    "code-empty",
    _("Please type the temporary code that client services gave you."),
    ("temporary-code", "sign-in-with-the-code"),
)
CODE_LOWER_CASE = ProblemType(
    "code-lower-case",
    _(
        "Temporary codes are case-sensitive: every letter in them is a capital (the others are "
        "digits). "
        "Type the letters in upper case (for example K7QM2XRA, not k7qm2xra)."
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_SPACES = ProblemType(
    "code-spaces",
    _("The temporary code contains spaces. Type all its characters in one block, without spaces."),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_LOWER_CASE_AND_SPACES = ProblemType(
    "code-lower-case-and-spaces",
    _(
        "The temporary code contains spaces and lower-case letters. Type it in capital letters, "
        "in one block "
        "without spaces (for example K7QM2XRA)."
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_CHARACTERS = ProblemType(
    "code-characters",
    _(
        "A temporary code consists of capital letters and the digits 2–9 only; it never contains "
        "O, 0, I, 1 or L, "
        "nor any other sign. Check the character you typed."
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_LENGTH = ProblemType(
    "code-length",
    ngettext_lazy(
        "A temporary code has exactly %(length)d character; you typed %(count)d.",
        "A temporary code has exactly %(length)d characters; you typed %(count)d.",
        "length",
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_WRONG = ProblemType(
    "code-wrong",
    _("User name, password or temporary code not correct."),
    ("sign-in-troubleshooting", "temporary-code"),
)
CODE_EXPIRED = ProblemType(
    "code-expired",
    _("Your temporary code has expired. Please call client services for a new one."),
    ("temporary-code", "get-a-code"),
)
CODE_REPLACED = ProblemType(
    "code-replaced",
    _(
        "This temporary code was replaced by a newer one and no longer works. Type the newest "
        "code that client "
        "services gave you."
    ),
    ("sign-in-troubleshooting", "temporary-code"),
)
CARD_EMPTY = ProblemType(
    "card-empty",
    _("Please type the card values: the 3-digit values of both index numbers, as 6 digits."),
    ("online-security-code-card", "signing-in-with-the-card"),
)
CARD_SPACES = ProblemType(
    "card-spaces",
    _(
        "The card values contain a space. Type the two 3-digit values one right after the other, "
        "as 6 digits "
        "without a space."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
CARD_NOT_DIGITS = ProblemType(
    "card-not-digits",
    _(
        "Card values consist of digits only (0–9). Type the two 3-digit values from your printed "
        "card as 6 digits."
    ),
    ("online-security-code-card", "signing-in-with-the-card"),
)
CARD_LENGTH = ProblemType(
    "card-length",
    _(
        "Type exactly 6 digits: the 3-digit value of the first index number, then that of the "
        "second. "
        "You typed %(count)d."
    ),
    ("online-security-code-card", "signing-in-with-the-card"),
)
CARD_WRONG = ProblemType(
    "card-wrong",
    _("The card values are not correct. Check both index numbers on your printed card."),
    ("online-security-code-card", "signing-in-with-the-card"),
)
CARD_SWAPPED = ProblemType(
    "card-swapped",
    _(
        "The two values are in the wrong order. Type the value of the first index number first, "
        "then the value "
        "of the second."
    ),
    ("online-security-code-card", "signing-in-with-the-card"),
)
CARD_EXPIRED = ProblemType(
    "card-expired",
    _(
        "Your Online Security Code Card expired on %(date)s and can no longer be used. Please "
        "call client "
        "services: they can give you a new temporary code."
    ),
    ("temporary-code", "get-a-code"),
)
CARD_REVOKED = ProblemType(
    "card-revoked",
    _(
        "This Online Security Code Card is no longer valid: it was replaced or revoked. Please "
        "call client "
        "services for a new temporary code."
    ),
    ("temporary-code", "get-a-code"),
)
CARD_ALREADY_ACTIVE = ProblemType(
    "card-already-active",
    _(
        "Your card is already activated, so its values are not shown again: keep using your "
        "printout. If you lost "
        "it, call client services for a new temporary code."
    ),
    ("online-security-code-card", "print-and-activate"),
)
CARD_NOT_AVAILABLE = ProblemType(
    "card-not-available",
    _(
        "This card cannot be shown or activated: an Online Security Code Card is offered only "
        "while you are signed "
        "in with a temporary code from client services."
    ),
    ("online-security-code-card", "print-and-activate"),
)
# Hardware tokens: their suite may ask for 6, 7 or 8 digits, so these messages say how many.
TOKEN_TOO_LONG = ProblemType(
    "token-too-long",
    _(
        "That is far longer than a response. Type only the %(digits)d digits your security token "
        "shows."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
TOKEN_SPACES = ProblemType(
    "token-spaces",
    _("The response contains spaces. Type it without spaces, as one block of %(digits)d digits."),
    ("sign-in-troubleshooting", "card-or-device"),
)
TOKEN_NOT_DIGITS = ProblemType(
    "token-not-digits",
    _(
        "The response consists of digits only (0–9). Type the %(digits)d digits your security "
        "token shows."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)
TOKEN_WRONG_LENGTH = ProblemType(
    "token-wrong-length",
    _(
        "The response of your security token has exactly %(digits)d digits; you typed %(count)d. "
        "Check that you copied all of them."
    ),
    ("challenge-response", None),
)
TOKEN_NOT_PENDING = ProblemType(
    "token-not-pending",
    _(
        "No security token waits for activation on your account: it was activated or withdrawn "
        "meanwhile. Please call client services if you hold one."
    ),
    ("sign-in-troubleshooting", "card-or-device"),
)

TABLE: dict[str, ProblemType] = {
    row.code: row for row in globals().values() if isinstance(row, ProblemType)
}

HELP_LINK_TEXT = _("How to fix this")


@dataclass
class Problem:
    code: str
    message: str
    help_url: str = ""
    fields: list[tuple[str, str]] = field(
        default_factory=list
    )  # (input id, label) the problem is about


def point_at(form: forms.Form, problem: Problem | None, names: list[str] | None = None) -> None:
    """Tie the problem to the inputs it is about (all visible fields unless `names`):
    aria-invalid and aria-describedby on each, and (id, label) pairs for the error
    box's links to them (the way to the field without JavaScript)."""
    if problem is None:
        return
    for bound in form.visible_fields():
        if names is not None and bound.name not in names:
            continue
        bound.field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": "problem"})
        problem.fields.append((bound.id_for_label, str(bound.label)))


def _row(kind: ProblemType | str) -> ProblemType:
    return kind if isinstance(kind, ProblemType) else TABLE[kind]


def help_url(kind: ProblemType | str, device_kind: str | None = None) -> str:
    """The help link of a problem (a row or its code), for the client's device kind."""
    row = _row(kind)
    if row.help is None:
        return ""
    slug, anchor = row.help
    if anchor is None and slug == "challenge-response":
        # an emulated kind has its own section; a hardware token the article as a whole
        anchor = (
            device_kind
            if device_kind in ("ios", "android", "dsc")
            else ("" if device_kind == "token" else "ios")
        )
    try:
        url = reverse("articles:article", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""
    return f"{url}#{anchor}" if anchor else url


def message(kind: ProblemType | str, **params: Any) -> str:
    """The problem's message in the active language (plural forms chosen by its count)."""
    text = _row(kind).message
    return str(text % params) if params else str(text)


def problem(kind: ProblemType | str, device_kind: str | None = None, **params: Any) -> Problem:
    row = _row(kind)
    return Problem(
        code=row.code, message=message(row, **params), help_url=help_url(row, device_kind)
    )


def throttled(seconds: int, device_kind: str | None = None) -> Problem:
    """The THROTTLED problem for a wait of `seconds`: calm for a short wait (the first
    slow-down comes after only a few tries), "too many wrong attempts" in minutes for a
    long one. The code is "throttled" either way."""
    seconds = max(int(seconds), 1)
    if seconds < SHORT_WAIT_SECONDS:
        return problem(THROTTLED, device_kind, seconds=seconds)
    text = str(THROTTLED_LONG_MESSAGE % {"minutes": math.ceil(seconds / 60)})
    return Problem(code=THROTTLED.code, message=text, help_url=help_url(THROTTLED, device_kind))


def problem_from_form(
    form: forms.Form, default: Any | None = None, device_kind: str | None = None
) -> Problem | None:
    """The problem of an invalid form whose error code is in the table (raised by the
    form's clean_* methods or the control-character check), else `default`."""
    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code in TABLE:
                return Problem(
                    code=error.code,
                    message=str(error.messages[0]),
                    help_url=help_url(error.code, device_kind),
                )
    return problem(default) if default else None


_DIGITS = re.compile(r"[0-9]+")


def check_response_form(raw: str, digits: int = RESPONSE_DIGITS) -> tuple[Any, Problem | None]:
    """Return (clean response, None) or (None, Problem) for the form of the input only;
    `digits` is the response length of the client's device (a token's suite may say 8)."""
    token = digits != RESPONSE_DIGITS
    sized: dict[str, Any] = {"digits": digits} if token else {}
    value = raw if isinstance(raw, str) else ""
    if len(value) > MAX_INPUT_LENGTH:
        return None, problem(TOKEN_TOO_LONG if token else TOO_LONG, **sized)
    value = value.strip()
    if not value:
        return None, problem(EMPTY)
    if re.search(r"\s", value):
        joined = re.sub(r"\s+", "", value)
        if _DIGITS.fullmatch(joined):
            return None, problem(TOKEN_SPACES if token else SPACES, **sized)
    if not _DIGITS.fullmatch(value):
        if _foreign_digits(value):
            return None, problem(NON_ASCII_DIGITS)
        if any(ch.isascii() and ch.isalpha() for ch in value):
            return None, problem(LOWER_CASE)
        return None, problem(TOKEN_NOT_DIGITS if token else NOT_DIGITS, **sized)
    if len(value) != digits:
        row = TOKEN_WRONG_LENGTH if token else WRONG_LENGTH
        return None, problem(row, count=len(value), **sized)
    return value, None


def _foreign_digits(value: str) -> bool:
    """Digits of another script (Arabic-Indic, Devanagari, full-width …) and nothing but digits and
    spaces."""
    chars = [ch for ch in value if not ch.isspace()]
    return (
        bool(chars) and all(ch.isdigit() for ch in chars) and not all(ch.isascii() for ch in chars)
    )


def check_card_values_form(raw: str) -> tuple[Any, Problem | None]:
    """The Card values field: two 3-digit values typed as 6 digits. Returns (value, None) or (None,
    Problem)."""
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
