"""Forms of the emulated Client Portal; the response's form is judged in feedback.py."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class SigninForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"), max_length=256, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ResponseForm(forms.Form):
    """Raw input on purpose (strip=False, no max_length): feedback.check_response_form
    tells the client exactly what is wrong with it."""

    challenge = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    response = forms.CharField(
        label=_("Passcode (response)"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false",
                   "autocapitalize": "off"}
        ),
    )


class TemporaryCodeForm(forms.Form):
    """Raw input on purpose: temporary_codes.check_form explains lower case, spaces and length."""

    code = forms.CharField(
        label=_("Temporary code"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                   "autocapitalize": "characters", "autocorrect": "off"}
        ),
    )


class CardValuesForm(forms.Form):
    """Card values: the prompt id (hidden) and the two 3-digit values as typed (judged in feedback.py)."""

    prompt = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    values = forms.CharField(
        label=_("Card values"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "autofocus": True, "spellcheck": "false",
                   "autocapitalize": "off"}
        ),
    )


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254)


class WithdrawalForm(forms.Form):
    CURRENCIES = [("USD", "USD"), ("EUR", "EUR"), ("CHF", "CHF")]
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("1"), max_value=Decimal("1000000"), max_digits=9, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)


class DeviceInputForm(forms.Form):
    """What is typed on an emulated device."""

    challenge = forms.RegexField(
        label=_("Challenge"), regex=r"^[0-9]{6}$", max_length=6, strip=True,
        error_messages={"invalid": _("Type the 6-digit challenge code shown in the Client Portal.")},
    )
    pin = forms.RegexField(
        label=_("PIN"), regex=r"^[0-9]{4}$", max_length=4, required=False, strip=True,
        error_messages={"invalid": _("The PIN has 4 digits.")},
    )


class CardPinForm(forms.Form):
    pin = forms.RegexField(
        label=_("PIN"), regex=r"^[0-9]{4}$", max_length=4,
        error_messages={"invalid": _("The PIN has 4 digits.")},
    )
