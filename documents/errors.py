"""Why a photo was refused or flagged, in words the client understands (translated)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

# code: (what is wrong, what to change)
REFUSALS = {
    "empty": (_("The file is empty."), _("Choose the photo again or take a new one.")),
    "too_large": (
        _("The file is larger than %(limit)s MB."),
        _("Take the photo with your phone’s normal camera settings, or choose a smaller file."),
    ),
    "not_image": (
        _("This file is not a photo we can read."),
        _("Send a photo in JPEG, PNG, WebP or HEIC format."),
    ),
    "unsupported": (
        _("%(kind)s files are not accepted."),
        _("Send a photo in JPEG, PNG, WebP or HEIC format."),
    ),
    "markup": (
        _("This file contains web page code, so we cannot accept it."),
        _("Take a new photo of the document with your camera."),
    ),
    "damaged": (
        _("The photo is incomplete or damaged and cannot be opened."),
        _("Take the photo again, or choose it again if the upload was interrupted."),
    ),
    "too_many_pixels": (
        _("The image is too large to process (%(width)s × %(height)s pixels)."),
        _("Send a normal camera photo of the document."),
    ),
    "too_many_pixels_unknown": (
        _("The image declares far too many pixels to be processed."),
        _("Send a normal camera photo of the document."),
    ),
    "too_complex": (
        _("This image takes too much work to open, so we cannot check it."),
        _("Send a normal camera photo of the document, or take the photo again."),
    ),
    "animated": (
        _("Animated images are not accepted."),
        _("Send one still photo of each page."),
    ),
    "too_small": (
        _(
            "The photo is too small (%(width)s × %(height)s pixels); we need at least %(minimum)s "
            "pixels on the short side."
        ),
        _(
            "Move closer, so that the page fills the picture, and use your camera’s full "
            "resolution."
        ),
    ),
    "blurred": (
        _("The photo is blurred, so the text may not be readable."),
        _(
            "Hold the phone still with both hands, tap the document on the screen to focus, and "
            "take the photo again."
        ),
    ),
    "motion_blurred": (
        _("The photo is smeared because the phone moved, so the text may not be readable."),
        _(
            "Rest your elbows on the table, hold the phone still with both hands and take the "
            "photo again."
        ),
    ),
    "too_low_resolution": (
        _(
            "The document is too small in the photo: about %(dpi)s dpi, and we need at least "
            "%(minimum)s dpi "
            "to read it."
        ),
        _(
            "Move closer, so that the document fills most of the picture, and use your camera’s "
            "full resolution."
        ),
    ),
    "dark": (
        _("The photo is too dark."),
        _(
            "Use even light without shadow, for example daylight near a window, and take the "
            "photo again."
        ),
    ),
}

# Refusals a client may overrule after two tries with the same page (the photo is poor, not
# hostile).
OVERRIDABLE = frozenset({"blurred", "motion_blurred", "dark", "too_low_resolution"})
# Codes whose message and mark come from the document found in the photo (its dpi, its box).
DOCUMENT_CODES = frozenset({"too_low_resolution", "low_resolution"})

WARNINGS = {
    "glare": (
        _("Part of the photo is washed out by glare."),
        _(
            "Use even light without shadow and avoid reflections on glossy paper. Retake the "
            "photo if text is hidden."
        ),
    ),
    "low_resolution": (
        _(
            "The document is rather small in the photo (about %(dpi)s dpi), so fine print may be "
            "hard to read."
        ),
        _(
            "If you can, move closer so that the document fills most of the picture, and take the "
            "photo again."
        ),
    ),
    "bright": (
        _("The photo is very bright."),
        _(
            "Use even light without shadow, out of direct sunlight. Retake the photo if text is "
            "hard to read."
        ),
    ),
}


class PhotoRefused(Exception):
    """A photo that cannot be accepted; `code` is a key of REFUSALS."""

    def __init__(self, code: str, scores: dict[str, Any] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.scores = scores or {}

    @property
    def message(self) -> str:
        return (
            str(REFUSALS[self.code][0]) % self.params
            if self.params
            else str(REFUSALS[self.code][0])
        )

    @property
    def advice(self) -> str:
        return str(REFUSALS[self.code][1])

    def as_dict(self) -> dict[str, Any]:
        """For JSON; a refusal about the document's size also carries `box` (the document as
        [left, top, right, bottom] photo fractions) and the photo's `width` and `height`."""
        refusal: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "advice": self.advice,
        }
        if self.code in DOCUMENT_CODES and self.scores.get("document_box"):
            refusal.update(
                box=self.scores["document_box"],
                width=self.scores.get("width"),
                height=self.scores.get("height"),
            )
        return refusal


def warning_dict(code: str, scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """A warning for JSON; glare also carries `box`, the spot as [left, top, right, bottom] page
    fractions."""
    texts = WARNINGS[code] if code in WARNINGS else REFUSALS[code]  # a refusal sent anyway
    message, advice = str(texts[0]), str(texts[1])
    scores = scores or {}
    if code in DOCUMENT_CODES:
        message = message % {
            "dpi": scores.get("dpi", "?"),
            "minimum": scores.get("min_dpi", "?"),
        }
    warning: dict[str, Any] = {"code": code, "message": message, "advice": advice}
    if code == "glare" and scores.get("glare_box"):
        warning["box"] = scores["glare_box"]
    elif code in DOCUMENT_CODES and scores.get("document_box"):
        warning["box"] = scores["document_box"]
    return warning
