"""Staff forms for hardware tokens: import a PSKC file, assign a token by serial."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import pskc_import

if TYPE_CHECKING:
    from typing import Any


class ImportTokensForm(forms.Form):
    """A PSKC file and, when its secrets are protected, the pre-shared key or the passphrase."""

    file = forms.FileField(
        label=_("PSKC file"), help_text=_("The token file from the vendor (RFC 6030).")
    )
    key = forms.CharField(
        label=_("Pre-shared key (hex)"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Only for a file encrypted with a pre-shared AES key: 32, 48 or 64 hexadecimal digits."
        ),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Only for a file protected with a passphrase (PBKDF2)."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("key") and data.get("passphrase"):
            raise forms.ValidationError(
                _("Give either the pre-shared key or the passphrase, not both.")
            )
        if data.get("key"):
            try:
                data["key_bytes"] = pskc_import.parse_hex_key(data["key"])
            except pskc_import.ImportRefused as refused:
                self.add_error("key", refused.message)
        upload = data.get("file")
        if upload is not None and upload.size > pskc_import.MAX_FILE_BYTES:
            self.add_error(
                "file",
                _("The file is larger than %(size)d MB; a PSKC file of tokens is far smaller.")
                % {"size": pskc_import.MAX_FILE_BYTES // (1024 * 1024)},
            )
        return data


class AssignTokenForm(forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    user = forms.ModelChoiceField(
        label=_("Client"),
        queryset=get_user_model()
        .objects.filter(is_staff=False, is_active=True)
        .order_by("username"),
        to_field_name="username",
        help_text=_("The client keeps signing in as before until the token is activated."),
    )
