from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Feedback

if TYPE_CHECKING:
    from typing import Any

    from articles.models import Article

COMMENT_MAX_LENGTH = 2000
# Control and format characters other than line breaks and tabs (e.g. NUL, bidi overrides).
_DROPPED_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}


def clean_comment_text(text: str) -> str:
    """Normalised plain text: NFC, without invisible control/format characters, trimmed.

    HTML is kept as typed and escaped wherever it is shown (templates, admin, CSV)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    kept = "".join(
        char
        for char in text
        if char in "\n\t" or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    return kept.strip()


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this article helpful?"),
        choices=[("yes", _("Yes, it helped")), ("no", _("No, it did not help"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Please choose yes or no.")},
    )
    reason = forms.ChoiceField(
        label=_("If it did not help: what was wrong?"),
        choices=Feedback.Reason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the reasons listed.")},
    )
    figure: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Which figure looks different? (optional)"),
        queryset=None,
        required=False,
        empty_label=_("No figure in particular"),
        error_messages={"invalid_choice": _("Please choose one of this article’s figures.")},
    )
    comment = forms.CharField(
        label=_("What can we improve? (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Please do not write passwords, PINs or codes here."),
    )

    def __init__(self, *args: Any, article: Article, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        figure_field = cast(forms.ModelChoiceField, self.fields["figure"])
        figure_field.queryset = article.figures.all()
        figure_field.label_from_instance = lambda figure: (  # type: ignore[assignment]
            _("Figure %(number)s") % {"number": figure.number}
            + (f": {figure.caption}" if figure.caption else "")
        )
        if not article.figures.exists():
            del self.fields["figure"]

    def clean_comment(self) -> str:
        comment = clean_comment_text(self.cleaned_data.get("comment", ""))
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "Please keep your comment to %(limit)s characters (it has %(count)s); nothing "
                    "was sent yet."
                ),
                params={"limit": COMMENT_MAX_LENGTH, "count": len(comment)},
                code="too_long",
            )
        return comment

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("helpful") is True:
            data["reason"], data["figure"] = "", None
        elif (
            data.get("helpful") is False and not data.get("reason") and "reason" not in self.errors
        ):
            self.add_error("reason", _("Please tell us what was wrong, so we can fix it."))
        if data.get("reason") != Feedback.Reason.SCREEN_DIFFERS:
            data["figure"] = None
        return data
