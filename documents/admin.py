"""Staff review: the queue of submissions, photos inline, the PDF, accept / reject with a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, ForeignKey, Q, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.errors import REFUSALS, WARNINGS, warning_dict
from documents.forms import RejectForm
from documents.models import (
    DocumentRequest,
    DocumentRequestQuerySet,
    HandoffEvent,
    Photo,
    PhotoAccess,
    Submission,
)
from documents.pdf import submission_pdf
from documents.storage import private_file_response
from documents.views import signed_in_user
from portal.admin_urls import admin_pages
from portal.append_only import ReadOnlyAdminMixin
from securelogin.practice_uploads import PracticeSubmissionFilter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SubmissionAdminForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["status", "rejection_reason", "staff_message"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        rejected = cleaned.get("status") == Submission.Status.REJECTED
        if rejected and not cleaned.get("rejection_reason"):
            self.add_error("rejection_reason", _("Choose the reason the client will see."))
        if not rejected:
            cleaned["rejection_reason"] = ""
        return cleaned


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    fields = (
        "preview",
        "position",
        "width",
        "height",
        "source_format",
        "quality_warnings",
        "quality_scores",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo: Photo) -> str:
        """The straightened document (viewing it is audited), with the original photo a click away;
        when no outline was found, the photo itself and a note saying so."""
        if not photo.pk:
            return "–"
        args = [photo.submission_id, photo.position]
        original = reverse("admin:documents_submission_photo", args=args)
        label = _("Page %(position)s") % {"position": photo.position}
        if not photo.outline_found:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">'
                '<img src="{}" alt="{}" width="160" loading="lazy"></a>'
                "<p>{}</p>",
                original,
                photo.get_thumbnail_url(),
                label,
                _(
                    "No outline of the document was found: the whole photo is shown as the "
                    "document."
                ),
            )
        document = reverse("admin:documents_submission_document", args=args)
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" width="240" loading="lazy"></a>'
            '<p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            document,
            document,
            _("Page %(position)s, straightened") % {"position": photo.position},
            original,
            _("Original photo"),
        )

    @admin.display(description=_("quality warnings"))
    def quality_warnings(self, photo: Photo) -> str:
        """The warnings in the reviewer's language, not their codes."""
        lines = format_html_join(
            "",
            "<p>{}</p>",
            (
                (
                    warning_dict(code, photo.scores)["message"]
                    if code in WARNINGS or code in REFUSALS
                    else code,
                )
                for code in photo.warnings
            ),
        )
        if photo.sent_anyway:
            lines += format_html(
                "<p><strong>{}</strong> {}</p>", _("Sent anyway by the client:"), photo.client_note
            )
        return lines or "–"

    @admin.display(description=_("quality scores"))
    def quality_scores(self, photo: Photo) -> str:
        return ", ".join(f"{name} {value}" for name, value in photo.scores.items()) or "–"


class ChoiceFilter(admin.SimpleListFilter):
    """A list filter with fixed choices (`fixed_choices`: value, label, and what the value keeps of
    the queryset)."""

    fixed_choices: Sequence[tuple[str, StrOrPromise, Callable[[QuerySet[Any]], QuerySet[Any]]]] = ()

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [(value, label) for value, label, _keep in self.fixed_choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        for value, _label, keep in self.fixed_choices:
            if self.value() == value:
                return keep(queryset)
        return queryset


class SentAnywayFilter(ChoiceFilter):
    title = _("sent anyway")
    parameter_name = "anyway"
    fixed_choices = [  # anyway_total is annotated by SubmissionAdmin.get_queryset
        ("yes", _("With a photo sent anyway"), lambda rows: rows.filter(anyway_total__gt=0)),
        ("no", _("Every photo passed the checks"), lambda rows: rows.filter(anyway_total=0)),
    ]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "owner",
        "practice",
        "document_type",
        "status",
        "photo_count",
        "sent_anyway",
        "created_at",
        "reviewed_by",
    )
    list_filter = (
        "status",
        SentAnywayFilter,
        "document_type",
        "created_at",
        PracticeSubmissionFilter,
    )
    search_fields = ("reference", "owner__username", "owner__email", "owner__last_name")
    date_hierarchy = "created_at"
    form = SubmissionAdminForm
    view_on_site = False  # the client page is the owner's only; staff review here
    inlines = [PhotoInline]
    actions = ["accept_selected", "reject_selected"]
    sent_fields = ("reference", "owner", "document_type", "page_format", "note", "created_at")
    readonly_fields = (*sent_fields, "reviewed_at", "reviewed_by", "pdf_link")
    fieldsets = (
        (None, {"fields": (*sent_fields, "pdf_link")}),
        (
            _("Review"),
            {
                "fields": (
                    "status",
                    "rejection_reason",
                    "staff_message",
                    "reviewed_at",
                    "reviewed_by",
                )
            },
        ),
    )
    list_select_related = ("owner", "owner__practice_account", "reviewed_by")

    @admin.display(description=_("practice"), boolean=True)
    def practice(self, obj: Submission) -> bool:
        """A practice account's submission (purged a day after it was sent)."""
        return hasattr(obj.owner, "practice_account")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                photo_total=Count("photos"),
                anyway_total=Count("photos", filter=~Q(photos__client_note="")),
            )
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """The queue: submissions waiting for review first, oldest first."""
        waiting_first = Case(
            When(status=Submission.Status.RECEIVED, then=Value(0)), default=Value(1)
        )
        return [waiting_first.asc(), "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # submissions come from clients only

    @admin.display(description=_("photos"), ordering="photo_total")
    def photo_count(self, submission: Submission) -> int:
        return submission.photo_total  # type: ignore[attr-defined]  # get_queryset's annotation

    @admin.display(description=_("sent anyway"), boolean=True, ordering="anyway_total")
    def sent_anyway(self, submission: Submission) -> bool:
        """A photo the client sent although a quality check refused it twice (with a note)."""
        return submission.anyway_total > 0  # type: ignore[attr-defined]  # get_queryset's

    @admin.display(description=_("PDF of all pages"))
    def pdf_link(self, submission: Submission) -> str:
        if not submission.pk:
            return "–"
        url = reverse("admin:documents_submission_pdf", args=[submission.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Download PDF"))

    def save_model(
        self, request: HttpRequest, obj: Submission, form: forms.ModelForm[Submission], change: bool
    ) -> None:
        """Editing the status on the form records who reviewed it, like the actions do."""
        if change and {"status", "rejection_reason", "staff_message"} & set(form.changed_data):
            obj.reviewed_by = signed_in_user(request)
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        photo = "<int:pk>/photos/<int:position>/"
        own = admin_pages(
            self,
            ("<int:pk>/pdf/", self.pdf_view, "documents_submission_pdf"),
            (photo, self.photo_view, "documents_submission_photo"),
            (f"{photo}document/", self.document_view, "documents_submission_document"),
        )
        return own + super().get_urls()

    def _get_viewable(self, request: HttpRequest, pk: int) -> Submission:
        submission = get_object_or_404(Submission.objects.select_related("owner"), pk=pk)
        if not self.has_view_permission(request, submission):
            raise PermissionDenied
        return submission

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        submission = self._get_viewable(request, pk)
        PhotoAccess.record(signed_in_user(request), submission, PhotoAccess.Kind.PDF)
        response = HttpResponse(submission_pdf(submission), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{submission.reference}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    def photo_view(self, request: HttpRequest, pk: int, position: int) -> FileResponse:
        submission = self._get_viewable(request, pk)
        photo = get_object_or_404(Photo, submission=submission, position=position)
        PhotoAccess.record(signed_in_user(request), submission, PhotoAccess.Kind.PHOTO, position)
        return private_file_response(photo.image, filename=f"{submission.reference}-{position}.jpg")

    def document_view(self, request: HttpRequest, pk: int, position: int) -> FileResponse:
        """The straightened document of one photo (404 when no outline was found); audited."""
        submission = self._get_viewable(request, pk)
        photo = get_object_or_404(Photo, submission=submission, position=position)
        if not photo.document:
            raise Http404
        PhotoAccess.record(signed_in_user(request), submission, PhotoAccess.Kind.DOCUMENT, position)
        return private_file_response(
            photo.document, filename=f"{submission.reference}-{position}-document.jpg"
        )

    @admin.action(description=_("Accept selected submissions"), permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        count = 0
        for submission in queryset:
            submission.accept(signed_in_user(request))
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d submission accepted.", "%(count)d submissions accepted.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject selected submissions…"), permissions=["change"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Submission]
    ) -> TemplateResponse | None:
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                count = 0
                for submission in queryset:
                    submission.reject(
                        signed_in_user(request),
                        form.cleaned_data["reason"],
                        form.cleaned_data["message"],
                    )
                    count += 1
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d submission rejected.", "%(count)d submissions rejected.", count
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = RejectForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject submissions"),
            "form": form,
            "submissions": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/documents/reject.html", context)


class LogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, newest first by day: an append-only log with a `kind` and a `created_at`."""

    columns: tuple[str, ...] = ()  # shown after the time
    list_filter = ("kind", "created_at")
    date_hierarchy = "created_at"

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return ("created_at", *self.columns)


@admin.register(PhotoAccess)
class PhotoAccessAdmin(LogAdmin):
    """Who looked at which client's photos, and when."""

    columns = ("staff_username", "client_username", "reference", "kind", "position")
    search_fields = ("staff_username", "client_username", "reference")


@admin.register(HandoffEvent)
class HandoffEventAdmin(LogAdmin):
    """Every phone hand-off link made, opened, used and refused (never the token)."""

    columns = ("kind", "client_username", "handoff_id", "detail", "reference", "ip")
    search_fields = ("client_username", "reference", "ip")


class RequestStateFilter(ChoiceFilter):
    title = _("state")
    parameter_name = "state"
    fixed_choices = [
        ("open", _("Outstanding"), lambda rows: cast(DocumentRequestQuerySet, rows).open()),
        ("overdue", _("Overdue"), lambda rows: cast(DocumentRequestQuerySet, rows).overdue()),
        ("fulfilled", _("Fulfilled"), lambda rows: rows.filter(fulfilled_by__isnull=False)),
    ]


@admin.register(DocumentRequest)
class DocumentRequestAdmin(admin.ModelAdmin):
    """Staff ask a client for a document; outstanding and overdue requests are one filter away."""

    list_display = ("owner", "document_type", "due_date", "state", "created_by", "fulfilled_by")
    list_filter = (RequestStateFilter, "document_type", "due_date")
    search_fields = ("owner__username", "owner__email", "owner__last_name")
    fields = (
        "owner",
        "document_type",
        "page_format",
        "message",
        "due_date",
        "created_by",
        "fulfilled_by",
    )
    readonly_fields = ("created_by", "fulfilled_by")
    list_select_related = ("owner", "created_by", "fulfilled_by")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new request proposes the usual due date (a link's ?due_date= still wins)."""
        proposed: dict[str, Any] = {"due_date": DocumentRequest.usual_due_date()}
        return proposed | super().get_changeform_initial_data(request)

    @admin.display(description=_("state"))
    def state(self, item: DocumentRequest) -> StrOrPromise:
        if not item.is_open:
            return _("Fulfilled")
        if item.is_overdue:
            return format_html('<strong class="overdue">{}</strong>', _("Overdue"))
        return _("Outstanding")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        # Clients only; reviewers need no permission on user accounts for this.
        if db_field.name == "owner":
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_active=True, is_staff=False).order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self,
        request: HttpRequest,
        obj: DocumentRequest,
        form: forms.ModelForm[DocumentRequest],
        change: bool,
    ) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
        super().save_model(request, obj, form, change)
