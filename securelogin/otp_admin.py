"""German (and English) labels for django-otp's own fields in the admin.

django-otp names its fields and its TOTP admin's columns and sections without gettext,
so the German admin showed "User", "Last used at", "Throttling failure count". The
admins of both device models use these labelled columns instead of the bare names
(a column here is a callable: its description is translated, its ordering the field).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityDevice

if TYPE_CHECKING:
    from typing import Any

    from django import forms

LABELS = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
    "throttling_failure_count": _("failed tries in a row"),
    "throttling_failure_timestamp": _("last failed try"),
    "key": _("secret key"),
    "step": _("time step (seconds)"),
    "t0": _("start time (Unix time)"),
    "digits": _("digits"),
    "tolerance": _("tolerance (time steps)"),
    "drift": _("clock drift (time steps)"),
}
SECTIONS = {
    "Identity": _("Identity"),
    "Timestamps": _("Times"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Failed tries"),
}


@functools.cache  # one object per field, so a column in readonly_fields is the one in fields
def column(name: str) -> Any:
    """A list or read-only column showing the model field `name` under its translated label."""

    def value(obj: Any) -> Any:
        return getattr(obj, name)

    value.__name__ = f"labelled_{name}"
    return admin.display(description=LABELS[name], ordering=name, boolean=name == "confirmed")(
        value
    )


class LabelledFieldFilter(admin.FieldListFilter):
    """A list filter on a django-otp field, titled with the translated label: Django's own
    filter for the field (boolean, date …), made the way an unlabelled entry would be."""

    def __new__(
        cls,
        field: Any,
        request: HttpRequest,
        params: Any,
        model: Any,
        model_admin: admin.ModelAdmin[Any],
        field_path: str,
    ) -> Any:
        chosen = admin.FieldListFilter.create(
            field, request, params, model, model_admin, field_path
        )
        chosen.title = LABELS.get(field_path, chosen.title)
        return chosen  # not a LabelledFieldFilter, so __init__ is not run again


def labelled_filter(name: str) -> tuple[str, type]:
    """list_filter entry for the django-otp field `name` with a translated title."""
    return (name, LabelledFieldFilter)


def label_form_fields(form_class: type[forms.Form]) -> None:
    """Translated labels on a model form's fields that django-otp left unlabelled."""
    for name, field in form_class.base_fields.items():
        if name in LABELS:
            field.label = LABELS[name]


class LabelledTOTPDeviceAdmin(TOTPDeviceAdmin):
    list_display = [
        column("user"),
        column("name"),
        column("created_at"),
        column("last_used_at"),
        column("confirmed"),
    ]
    readonly_fields = [column("created_at"), column("last_used_at"), "qrcode_link"]
    list_filter = [
        labelled_filter("created_at"),
        labelled_filter("last_used_at"),
        labelled_filter("confirmed"),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any | None = None) -> Any:
        swap = {"created_at": column("created_at"), "last_used_at": column("last_used_at")}
        return [
            (
                SECTIONS.get(title, title),
                {**options, "fields": [swap.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request: HttpRequest, obj: Any | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        label_form_fields(form)
        return form

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> Any:
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            text = _("Delete selected authenticator apps (TOTP)")
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], description=text, plural_description=text
            )
        return actions

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device: SecurityDevice) -> str:
        return super().qrcode_link(device)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, LabelledTOTPDeviceAdmin)
