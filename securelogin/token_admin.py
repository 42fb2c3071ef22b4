"""Staff tools for hardware tokens: import a PSKC file, assign a token to a client,
revoke an assignment (the token can be assigned again), mark a token lost (never
again). Every step is audited by device_assignment.py / pskc_import.py."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters

from . import device_assignment, pskc_import
from .models import HardwareToken
from .token_forms import AssignTokenForm, ImportTokensForm


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
    fields = readonly_fields
    change_list_template = "admin/securelogin/hardwaretoken/change_list.html"

    @admin.display(description=gettext_lazy("client"))
    def holder(self, obj):
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

    def has_add_permission(self, request):
        return False  # tokens come from a vendor's file: "Import PSKC file"

    def has_delete_permission(self, request, obj=None):
        return False  # the audit log refers to them; a lost token is marked lost

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="securelogin_hardwaretoken_import",
            ),
            path(
                "assign/",
                self.admin_site.admin_view(self.assign_view),
                name="securelogin_hardwaretoken_assign",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template, form, title, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, template, context, status=status)

    @method_decorator(sensitive_post_parameters("key", "passphrase"))
    def import_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportTokensForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                rows = pskc_import.import_tokens(
                    data["file"].read(pskc_import.MAX_FILE_BYTES + 1),
                    key=data.get("key_bytes"),
                    passphrase=data.get("passphrase") or None,
                    actor=request.user.get_username(),
                    request=request,
                )
            except pskc_import.ImportRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d token imported, unassigned.",
                        "%(count)d tokens imported, unassigned.",
                        len(rows),
                    )
                    % {"count": len(rows)},
                    messages.SUCCESS,
                )
                return redirect("admin:securelogin_hardwaretoken_changelist")
        status = 400 if request.method == "POST" else 200
        return self._page(
            request,
            "admin/securelogin/hardwaretoken/import.html",
            form,
            _("Import PSKC file"),
            status,
        )

    def assign_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = AssignTokenForm(
            request.POST or None, initial={"serial": request.GET.get("serial", "")[:64]}
        )
        if request.method == "POST" and form.is_valid():
            try:
                device_assignment.assign_token(
                    form.cleaned_data["user"],
                    form.cleaned_data["serial"],
                    actor=request.user.get_username(),
                    request=request,
                )
            except device_assignment.AssignmentRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request,
                    _(
                        "Token %(serial)s assigned to %(user)s; it waits for the client's "
                        "activation."
                    )
                    % {
                        "serial": form.cleaned_data["serial"],
                        "user": form.cleaned_data["user"].get_username(),
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:securelogin_hardwaretoken_changelist")
        status = 400 if request.method == "POST" else 200
        return self._page(
            request,
            "admin/securelogin/hardwaretoken/assign.html",
            form,
            _("Assign a security token"),
            status,
        )

    @admin.action(description=gettext_lazy("Assign the selected token to a client"))
    def assign_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one token to assign."), messages.ERROR)
            return None
        url = reverse("admin:securelogin_hardwaretoken_assign")
        return redirect(f"{url}?serial={queryset.get().serial}")

    @admin.action(
        description=gettext_lazy("Revoke the assignment (the token can be assigned again)")
    )
    def revoke_assignment(self, request, queryset):
        count = sum(
            device_assignment.revoke_token(
                token, actor=request.user.get_username(), request=request
            )
            for token in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d assignment revoked.", "%(count)d assignments revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Mark as lost (revoked, never assigned again)"))
    def mark_lost(self, request, queryset):
        count = sum(
            device_assignment.mark_lost(token, actor=request.user.get_username(), request=request)
            for token in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d token marked lost.", "%(count)d tokens marked lost.", count)
            % {"count": count},
            messages.SUCCESS,
        )
