from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this article helpful?"),
        choices=[("yes", _("Yes, it helped")), ("no", _("No, it did not help"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Please choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("What can we improve? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write passwords, PINs or codes here."),
    )
