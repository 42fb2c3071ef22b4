"""The upload form (document type, note, 1–10 photos) and the staff rejection form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.conf import app_settings
from documents.models import DocumentRequest, DocumentType, PageFormat, RejectionReason

FILES_FIELD = "photos"


def _require_note_for_other(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A note is needed for "Other document": which document it is."""
    if cleaned.get("document_type") == DocumentType.OTHER and not cleaned.get("note", "").strip():
        form.add_error("note", _("Tell us which document you are sending."))


class UploadForm(forms.Form):
    """Photos come from two inputs with the same name (camera and file picker): read as one list.

    `request` (hidden) names the client's open document request this submission answers.
    """

    request = forms.ModelChoiceField(
        queryset=DocumentRequest.objects.none(), required=False, widget=forms.HiddenInput
    )

    document_type = forms.ChoiceField(
        label=_("What are you sending?"), choices=DocumentType.choices, widget=forms.RadioSelect
    )
    page_format = forms.ChoiceField(
        label=_("What size is the document?"),
        choices=PageFormat.choices,
        required=False,
        initial=PageFormat.PAGE,
        widget=forms.RadioSelect,
        help_text=_("We check that the document is large enough in the photo to be read."),
    )
    note = forms.CharField(
        label=_("Which document is it?"),
        required=False,
        max_length=300,
        help_text=_("Needed for “Other document”, for example “bank statement March”."),
    )

    anyway = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        choices=[(str(i), str(i)) for i in range(100)],
        widget=forms.MultipleHiddenInput,
    )
    anyway_note = forms.CharField(
        label=_("Note for our staff"),
        required=False,
        max_length=300,
        help_text=_("Why this photo cannot be taken better, for example “the original is faded”."),
    )

    chosen_request: DocumentRequest | None = None  # the open request the blank form answers

    def __init__(self, *args: Any, owner: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owner is not None:
            request_field = cast(forms.ModelChoiceField, self.fields["request"])
            request_field.queryset = DocumentRequest.objects.open().filter(owner=owner)
        self.fields["request"].error_messages["invalid_choice"] = _(
            "This request has already been answered or is not yours. Choose the document type "
            "below."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        answering = cleaned.get("request")
        # A staff request sets the size; a client (or script) that chose none sends a page.
        cleaned["page_format"] = (
            answering.page_format if answering else cleaned.get("page_format") or PageFormat.PAGE
        )
        _require_note_for_other(self, cleaned)
        if cleaned.get("anyway") and not cleaned.get("anyway_note", "").strip():
            self.add_error(
                "anyway_note",
                _("Tell our staff why you are sending a photo that did not pass the check."),
            )
        uploads = self.files.getlist(FILES_FIELD) if self.files else []
        uploads = [upload for upload in uploads if upload is not None]
        limit = app_settings.MAX_FILES
        if not uploads:
            self.add_error(None, _("Add at least one photo."))
        elif len(uploads) > limit:
            self.add_error(
                None,
                ngettext(
                    "You can send at most %(limit)d photo in one submission; you added %(count)d.",
                    "You can send at most %(limit)d photos in one submission; you added %(count)d.",
                    limit,
                )
                % {"limit": limit, "count": len(uploads)},
            )
        cleaned["photos"] = uploads
        return cleaned


class HandoffFinishForm(forms.Form):
    """The desktop finishes a phone hand-off: what the photos show (the photos came from the
    phone)."""

    document_type = forms.ChoiceField(
        label=_("What are you sending?"), choices=DocumentType.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Which document is it?"),
        required=False,
        max_length=300,
        help_text=_("Needed for “Other document”, for example “bank statement March”."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _require_note_for_other(self, cleaned)
        return cleaned


class RejectForm(forms.Form):
    """Intermediate page of the admin's reject action."""

    reason = forms.ChoiceField(
        label=_("Reason (the client sees it in their language)"), choices=RejectionReason.choices
    )
    message = forms.CharField(
        label=_("Message to the client (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
