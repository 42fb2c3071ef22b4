"""The texts the upload page's script (upload.js) shows, in the page's language.

The page carries them in a JSON data block (CSP-safe), so the script holds no words of its own.
"""

from typing import Any

from django.utils.translation import gettext as _

from documents.conf import app_settings
from documents.errors import OVERRIDABLE, PhotoRefused


def upload_script_texts() -> dict[str, Any]:
    """Texts for upload.js, in the active language."""
    return {
        "checking": _("Checking…"),
        "ok": _("Looks good."),
        "refused": _("Not accepted:"),
        "warning": _("Check this photo:"),
        "remove": _("Remove"),
        "removeLabel": _("Remove photo %(number)s"),
        "replace": _("Take again"),
        "replaceLabel": _("Take photo %(number)s again"),
        "photo": _("Photo %(number)s"),
        "noPreview": _("No preview"),
        "tooMany": _("You can send at most %(max)s photos in one submission.")
        % {"max": app_settings.MAX_FILES},
        "tooLarge": PhotoRefused("too_large", limit=app_settings.max_file_megabytes()).as_dict(),
        "empty": PhotoRefused("empty").as_dict(),
        "none": _("Add at least one photo."),
        "fixRefused": _(
            "Take the photos marked “Not accepted” again, or remove them, before you send."
        ),
        "stillChecking": _("Please wait until every photo has been checked."),
        "sending": _("Sending…"),
        "processing": _("Checking the photos…"),
        "network": _("The connection was interrupted. Nothing was sent; please try again."),
        "cancelled": _("Sending was cancelled. Nothing was sent."),
        "serverError": _("Something went wrong. Nothing was sent; please try again."),
        "checkFailed": _(
            "This photo could not be checked now; it will be checked when you send it."
        ),
        "marked": _("The washed-out area is marked."),
        "markedDocument": _("The document found in the photo is marked."),
        "anyway": _("Send this photo anyway"),
        "anywayLabel": _("Send photo %(number)s anyway"),
        "anywayChosen": _("Will be sent anyway, with your note for our staff."),
        "anywayNote": _("Tell our staff why you are sending a photo that did not pass the check."),
        "overridable": sorted(OVERRIDABLE),
        "count": _("%(count)s of %(max)s photos"),
        "max": app_settings.MAX_FILES,
    }
