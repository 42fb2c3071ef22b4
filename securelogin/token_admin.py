"""Staff tools for hardware tokens: import a PSKC file, assign a token to a client,
revoke an assignment (the token can be assigned again), mark a token lost (never
again). Every step is audited by device_assignment.py / pskc_import.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters

from portal.admin_urls import admin_pages

from . import device_assignment, pskc_import
from .admin_actions import report_count
from .models import HardwareToken
from .token_forms import AssignTokenForm, ImportTokensForm

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from django import forms
    from django.db.models import QuerySet
    from django.http import HttpResponse


@admin.register(HardwareToken)
class HardwareTokenAdmin(admin.ModelAdmin):
    list_display = ["serial", "manufacturer", "suite", "status", "holder", "imported_at", "lost_at"]
    list_filter = ["status", "suite"]
    search_fields = ["serial", "devices__user__username"]
    actions = ["assign_token", "revoke_assignment", "mark_lost"]
    readonly_fields = [
        "serial",
        "manufacturer",
        "suite",
        "status",
        "pin_usage",
        "pin_min_length",
        "pin_max_length",
        "pin_max_failed_attempts",
        "imported_at",
        "imported_by",
        "lost_at",
    ]
    fields = tuple(readonly_fields)
    change_list_template = "admin/securelogin/hardwaretoken/change_list.html"

    @admin.display(description=gettext_lazy("client"))
    def holder(self, obj: HardwareToken) -> str:
        """Who holds the token: the client of its latest assignment while it is assigned
        (or lost), with that assignment's state."""
        device = (
            device_assignment.latest_device(obj) if obj.status != obj.Status.AVAILABLE else None
        )
        if device is None:
            return "–"
        states = {
            "revoked": _("revoked"),
            "active": _("active"),
            "pending": _("waiting for activation"),
        }
        state = states.get(device.status, device.status)
        return f"{device.user.get_username()} ({state})"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens come from a vendor's file: "Import PSKC file"

    def has_delete_permission(self, request: HttpRequest, obj: HardwareToken | None = None) -> bool:
        return False  # the audit log refers to them; a lost token is marked lost

    def get_urls(self) -> list[Any]:
        own = admin_pages(
            self,
            ("import/", self.import_view, "securelogin_hardwaretoken_import"),
            ("assign/", self.assign_view, "securelogin_hardwaretoken_assign"),
        )
        return own + super().get_urls()

    def _page(
        self, request: HttpRequest, template: str, form: forms.Form, title: str, status: int = 200
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, template, context, status=status)

    def _form_view(
        self,
        request: HttpRequest,
        form: forms.Form,
        template: str,
        title: str,
        act: Callable[[dict[str, Any]], str],
    ) -> HttpResponse:
        """GET shows the form; a valid POST runs `act(cleaned_data)`, which returns the
        success message or raises a refusal (its message is shown on the form, status 400)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and form.is_valid():
            try:
                message = act(form.cleaned_data)
            except (pskc_import.ImportRefused, device_assignment.AssignmentRefused) as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:securelogin_hardwaretoken_changelist")
        status = 400 if request.method == "POST" else 200
        return self._page(request, template, form, title, status)

    @method_decorator(sensitive_post_parameters("key", "passphrase"))
    def import_view(self, request: HttpRequest) -> HttpResponse:
        def act(data: dict[str, Any]) -> str:
            rows = pskc_import.import_tokens(
                data["file"].read(pskc_import.MAX_FILE_BYTES + 1),
                key=data.get("key_bytes"),
                passphrase=data.get("passphrase") or None,
                actor=request.user.get_username(),
                request=request,
            )
            return ngettext(
                "%(count)d token imported, unassigned.",
                "%(count)d tokens imported, unassigned.",
                len(rows),
            ) % {"count": len(rows)}

        form = ImportTokensForm(request.POST or None, request.FILES or None)
        template = "admin/securelogin/hardwaretoken/import.html"
        return self._form_view(request, form, template, _("Import PSKC file"), act)

    def assign_view(self, request: HttpRequest) -> HttpResponse:
        def act(data: dict[str, Any]) -> str:
            device_assignment.assign_token(
                data["user"], data["serial"], actor=request.user.get_username(), request=request
            )
            return _(
                "Token %(serial)s assigned to %(user)s; it waits for the client's activation."
            ) % {"serial": data["serial"], "user": data["user"].get_username()}

        form = AssignTokenForm(
            request.POST or None, initial={"serial": request.GET.get("serial", "")[:64]}
        )
        template = "admin/securelogin/hardwaretoken/assign.html"
        return self._form_view(request, form, template, _("Assign a security token"), act)

    @admin.action(description=gettext_lazy("Assign the selected token to a client"))
    def assign_token(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one token to assign."), messages.ERROR)
            return None
        url = reverse("admin:securelogin_hardwaretoken_assign")
        return redirect(f"{url}?serial={queryset.get().serial}")

    def _for_each_token(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        change: Callable[..., Any],
        message: Callable[[int], str],
    ) -> None:
        """Apply `change` to every selected token; tell staff how many it changed."""
        actor = request.user.get_username()
        count = sum(change(token, actor=actor, request=request) for token in queryset)
        report_count(self, request, message(count), count)

    @admin.action(
        description=gettext_lazy("Revoke the assignment (the token can be assigned again)")
    )
    def revoke_assignment(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._for_each_token(
            request,
            queryset,
            device_assignment.revoke_token,
            lambda count: ngettext(
                "%(count)d assignment revoked.", "%(count)d assignments revoked.", count
            ),
        )

    @admin.action(description=gettext_lazy("Mark as lost (revoked, never assigned again)"))
    def mark_lost(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._for_each_token(
            request,
            queryset,
            device_assignment.mark_lost,
            lambda count: ngettext(
                "%(count)d token marked lost.", "%(count)d tokens marked lost.", count
            ),
        )
