"""Forms of the emulated Client Portal; the response's form is judged in feedback.py."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Never

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from . import feedback, temporary_codes

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from securelogin.feedback import Problem


def refuse_control_characters(value: object) -> None:
    """NUL and the other control characters (Unicode category Cc: tabs, line breaks,
    escape …) never belong in a user name, password, code or amount; they come from
    pasting or from a script, and PostgreSQL refuses NUL outright."""
    if isinstance(value, str) and any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            feedback.message(feedback.CONTROL_CHARACTERS), code=feedback.CONTROL_CHARACTERS.code
        )


def refuse(problem: Problem) -> Never:
    """A teaching problem from feedback.py as the field's error (its code is the problem's)."""
    raise ValidationError(problem.message, code=problem.code)


def checked(result: tuple[Any, Problem | None]) -> Any:
    """The value of a feedback check ((value, None) or (None, problem)), or the problem
    raised as the field's error."""
    value, problem = result
    if problem:
        refuse(problem)
    return value


def typed_answer(label: StrOrPromise, **attrs: object) -> forms.CharField:
    """A field that keeps the answer exactly as typed (no strip, no length limit, not
    required): its form's clean method tells the client what is wrong with its shape."""
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autofocus": True, "spellcheck": "false", **attrs}),
    )


def prompt_id() -> forms.CharField:
    """The hidden id of the challenge or card prompt a form answers."""
    return forms.CharField(widget=forms.HiddenInput, required=False, strip=False)


def four_digit_pin(required: bool = True) -> forms.RegexField:
    """The PIN typed on an emulated device or card."""
    return forms.RegexField(
        label=_("PIN"),
        regex=r"^[0-9]{4}$",
        max_length=4,
        required=required,
        strip=True,
        error_messages={"invalid": _("The PIN has 4 digits.")},
    )


class PortalForm(forms.Form):
    """Every text field refuses control characters with a message that teaches
    (Django's own NUL check only says "Null characters are not allowed.")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators.append(refuse_control_characters)


class SigninForm(PortalForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ResponseForm(PortalForm):
    """Raw input on purpose (strip=False, no max_length): clean_response tells the client
    exactly what is wrong with its shape (feedback.check_response_form, or
    check_card_values_form when `kind` is a code card)."""

    challenge = prompt_id()
    response = typed_answer(
        _("Passcode (response)"),
        autocomplete="one-time-code",
        inputmode="numeric",
        autocapitalize="off",
    )

    def __init__(
        self,
        *args: Any,
        kind: str | None = None,
        digits: int = feedback.RESPONSE_DIGITS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.digits = digits

    def answer(self) -> dict[str, str]:
        """The prompt id and the typed answer, as the activation functions take them."""
        return {"prompt_id": self.cleaned_data["challenge"], "raw": self.cleaned_data["response"]}

    def clean_response(self) -> str:
        raw = self.cleaned_data["response"]
        if self.kind == "card":
            return checked(feedback.check_card_values_form(raw))
        return checked(feedback.check_response_form(raw, digits=self.digits))


class TemporaryCodeForm(PortalForm):
    """Raw input on purpose: clean_code explains lower case, spaces and length
    (temporary_codes.check_form)."""

    code = typed_answer(
        _("Temporary code"),
        autocomplete="one-time-code",
        autocapitalize="characters",
        autocorrect="off",
    )

    def clean_code(self) -> str:
        return checked(temporary_codes.check_form(self.cleaned_data["code"]))


class CardValuesForm(PortalForm):
    """Card values: the prompt id (hidden) and the two 3-digit values as typed (their shape judged
    in clean_values)."""

    prompt = prompt_id()
    values = typed_answer(
        _("Card values"), autocomplete="off", inputmode="numeric", autocapitalize="off"
    )

    def answer(self) -> dict[str, str]:
        """The prompt id and the typed values, as card_activation.activate_card takes them."""
        return {"prompt_id": self.cleaned_data["prompt"], "raw": self.cleaned_data["values"]}

    def clean_values(self) -> str:
        return checked(feedback.check_card_values_form(self.cleaned_data["values"]))


class ChangeEmailForm(PortalForm):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254)


class WithdrawalForm(PortalForm):
    CURRENCIES = [("USD", "USD"), ("EUR", "EUR"), ("CHF", "CHF")]
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("1"),
        max_value=Decimal("1000000"),
        max_digits=9,
        decimal_places=2,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)


class DeviceInputForm(PortalForm):
    """What is typed on an emulated device."""

    challenge = forms.RegexField(
        label=_("Challenge"),
        regex=r"^[0-9]{6}$",
        max_length=6,
        strip=True,
        error_messages={
            "invalid": _("Type the 6-digit challenge code shown in the Client Portal.")
        },
    )
    pin = four_digit_pin(required=False)


class PhonePasscodeForm(PortalForm):
    """The phone's own passcode, IB Key's fallback when Face ID / Touch ID fails or is off.

    It belongs to the (emulated) phone, not to the portal: any 4 or 6 digits unlock it.
    """

    passcode = forms.RegexField(
        label=_("Passcode"),
        regex=r"^([0-9]{4}|[0-9]{6})$",
        strip=True,
        error_messages={
            "invalid": _("Enter your iPhone passcode: 4 or 6 digits."),
            "required": _("Enter your iPhone passcode: 4 or 6 digits."),
        },
    )


class CardPinForm(PortalForm):
    pin = four_digit_pin()
