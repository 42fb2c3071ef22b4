"""Staff tools: assign, revoke and unlock security devices, issue temporary codes
(an action on the client in Users), see code cards; read the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.append_only import ReadOnlyAdminMixin

from . import account_kinds, services, temporary_access
from .admin_actions import report_count
from .conf import app_settings
from .models import AuditEvent, SecurityDevice
from .otp_admin import LABELS, column, labelled_filter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from django_stubs_ext import StrOrPromise


class AssignDeviceForm(forms.ModelForm):
    """Assigning a device creates a fresh secret; the PIN is only hashed, then encrypted."""

    pin = forms.RegexField(
        label=_("PIN"),
        regex=r"^[0-9]{4}$",
        required=False,
        help_text=_("4 digits, for IB Key on Android and the DSC+; leave empty for iPhone."),
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = SecurityDevice
        fields = ["user", "kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Temporary codes are issued from the client (Users), cards by the client.
        self.fields["kind"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (value, label)
            for value, label in SecurityDevice.Kind.choices
            if value in SecurityDevice.DEVICE_KINDS
        ]
        clients = get_user_model().objects.filter(is_staff=False, is_active=True)
        self.fields["user"].queryset = clients  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean(self) -> Any:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (SecurityDevice.Kind.ANDROID, SecurityDevice.Kind.DSC) and not data.get("pin"):
            self.add_error("pin", _("This device needs a 4-digit PIN."))
        user = data.get("user")
        emulated = kind in SecurityDevice.EMULATED_KINDS
        if user is not None and emulated and not account_kinds.is_practice(user):
            self.add_error(
                "user",
                _(
                    "Emulated devices are only for practice accounts. Give a client account a "
                    "security "
                    "token (Security tokens › Assign a security token)."
                ),
            )
        return data


class AccountKindFilter(admin.SimpleListFilter):
    """Practice accounts (emulated devices, demo clients) or client accounts."""

    title = _("account kind")
    parameter_name = "account_kind"
    user_path = ""

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("practice", _("practice accounts")), ("client", _("client accounts"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        field = f"{self.user_path}practice_account__isnull"
        if self.value() == "practice":
            return queryset.filter(**{field: False})
        if self.value() == "client":
            return queryset.filter(**{field: True})
        return queryset


class DeviceAccountKindFilter(AccountKindFilter):
    user_path = "user__"


@admin.register(SecurityDevice)
class SecurityDeviceAdmin(admin.ModelAdmin):
    list_display = [
        column("user"),
        "kind",
        "status_display",
        "expires_at",
        "locked_at",
        column("throttling_failure_count"),
        "card_blocked_at",
        column("last_used_at"),
        "revoked_at",
        "issued_by",
    ]
    list_filter = [
        "kind",
        labelled_filter("confirmed"),
        ("locked_at", admin.EmptyFieldListFilter),
        DeviceAccountKindFilter,
    ]
    search_fields = ["user__username", "user__email"]
    actions = ["unlock_devices", "revoke_devices"]
    readonly_fields = [
        column("user"),
        "kind",
        column("name"),
        column("confirmed"),
        "suite",
        "locked_at",
        column("throttling_failure_count"),
        column("throttling_failure_timestamp"),
        "card_pin_failures",
        "card_blocked_at",
        column("created_at"),
        column("last_used_at"),
        "revoked_at",
        "issued_by",
        "activated_at",
        "expires_at",
    ]
    exclude = ["encrypted_key", "encrypted_pin_hash", "code_hash"]

    @admin.display(description=_("status"))
    def status_display(self, obj: Any) -> StrOrPromise:
        labels = {
            "active": _("active"),
            "pending": _("waiting for activation"),
            "expired": _("expired"),
            "revoked": _("revoked"),
        }
        text = labels[obj.status]
        if obj.status == "active" and obj.expires_at:
            return _("%(status)s, expires on %(date)s") % {
                "status": text,
                "date": services.local_date(obj.expires_at),
            }
        return text

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = AssignDeviceForm
            AssignDeviceForm.base_fields["user"].label = LABELS["user"]
            kwargs["fields"] = ["user", "kind", "pin"]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any | None = None) -> Any:
        if obj is None:
            return ["user", "kind", "pin"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        if change:
            return
        device = services.assign_device(
            form.cleaned_data["user"],
            form.cleaned_data["kind"],
            form.cleaned_data.get("pin") or "",
            actor=request.user.get_username(),
        )
        obj.pk = device.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return False  # revoke instead: the audit log refers to devices

    def _audited(
        self,
        request: HttpRequest,
        devices: Iterable[SecurityDevice],
        change: Callable[..., Any],
        kind: str,
    ) -> int:
        """Apply `change` to each device, audit it as `kind`; returns how many."""
        count = 0
        for device in devices:
            change(device)
            services.audit(
                kind,
                user=device.user,
                device=device,
                request=request,
                actor=request.user.get_username(),
            )
            count += 1
        return count

    @admin.action(
        description=_("Unlock the selected devices (clear lockout, back-off and card block)")
    )
    def unlock_devices(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = self._audited(request, queryset, SecurityDevice.unlock, AuditEvent.Kind.UNLOCK)
        report_count(
            self,
            request,
            ngettext("%(count)d device unlocked.", "%(count)d devices unlocked.", count),
            count,
        )

    @admin.action(description=_("Revoke the selected devices"))
    def revoke_devices(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        revocable = queryset.filter(revoked_at__isnull=True).filter(
            models.Q(confirmed=True) | models.Q(kind=SecurityDevice.Kind.CARD)
        )
        count = self._audited(
            request, revocable, SecurityDevice.revoke, AuditEvent.Kind.DEVICE_REVOKED
        )
        report_count(
            self,
            request,
            ngettext("%(count)d device revoked.", "%(count)d devices revoked.", count),
            count,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "username",
        "device",
        "purpose",
        "reason",
        "count",
        "ip",
        "actor",
    ]
    list_filter = ["kind", "purpose"]
    search_fields = ["username", "ip", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = list_display  # type: ignore[assignment]  # the same names


# --- Temporary codes: an action on the client, where staff look a client up -----

User = get_user_model()  # type: ignore[misc]  # the configured account model
_BaseUserAdmin = (
    type(admin.site._registry[User]) if admin.site.is_registered(User) else admin.ModelAdmin
)


class ClientUserAdmin(_BaseUserAdmin):  # type: ignore[valid-type,misc]  # the admin found at start-up
    actions = [
        *(getattr(_BaseUserAdmin, "actions", None) or []),
        "issue_temporary_code",
        "make_practice_accounts",
        "make_client_accounts",
    ]
    list_display = [
        *(getattr(_BaseUserAdmin, "list_display", None) or ["username"]),
        "practice_account_display",
    ]
    list_filter = [AccountKindFilter, *(getattr(_BaseUserAdmin, "list_filter", None) or [])]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("practice_account")

    @admin.display(description=_("practice account"), boolean=True)
    def practice_account_display(self, obj: Any) -> bool:
        return hasattr(obj, "practice_account")

    @admin.action(description=_("Make practice accounts (emulated devices; no real documents)"))
    def make_practice_accounts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = request.user.get_username()
        count = sum(
            account_kinds.mark_practice(user, actor=actor, request=request)
            for user in queryset.filter(is_staff=False)
        )
        message = ngettext(
            "%(count)d account is now a practice account.",
            "%(count)d accounts are now practice accounts.",
            count,
        )
        report_count(self, request, message, count)

    @admin.action(description=_("Make client accounts (emulators closed)"))
    def make_client_accounts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = request.user.get_username()
        count = sum(
            account_kinds.mark_client(user, actor=actor, request=request) for user in queryset
        )
        message = ngettext(
            "%(count)d account is now a client account.",
            "%(count)d accounts are now client accounts.",
            count,
        )
        report_count(self, request, message, count)

    @admin.action(
        description=_("Issue a temporary code (replaces the client's device, code or card)")
    )
    def issue_temporary_code(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        """One client at a time; the code is shown on this response only (never stored in
        plain text, never put into messages or logs)."""
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one client to issue a temporary code."), messages.ERROR
            )
            return None
        client = queryset.get()
        if client.is_staff or not client.is_active:
            self.message_user(
                request, _("Temporary codes are only for active client accounts."), messages.ERROR
            )
            return None
        if request.POST.get("post") != "yes":
            return self.confirm_temporary_code(request, client)
        device, code = temporary_access.issue_temporary_code(
            client, actor=request.user.get_username(), request=request
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Temporary code issued"),
            "client": client,
            "code": code,
            "expires_at": timezone.localtime(device.expires_at),
            "hours": app_settings.TEMPORARY_CODE_HOURS,
            "opts": self.model._meta,
        }
        response = TemplateResponse(
            request, "admin/securelogin/temporary_code_issued.html", context
        )
        response["Cache-Control"] = "no-store"
        return response

    def confirm_temporary_code(self, request: HttpRequest, client: User) -> HttpResponse:
        """The question before the code: it names the client and what stops working now."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue a temporary code?"),
            "client": client,
            "device": services.active_device(client),
            "hours": app_settings.TEMPORARY_CODE_HOURS,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/securelogin/temporary_code_confirm.html", context)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ClientUserAdmin)

from . import token_admin  # noqa: E402,F401  (registers the security tokens' admin)
