"""One multi-page PDF of a whole submission, for staff review (Pillow, page by page from disk).

A photo whose file has gone from the store (lost, or deleted by retention)
becomes a page that says so, in the reviewer's language, so the PDF of the
other pages can still be read.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from documents.storage import is_missing_object
from portal.fonts import pillow_font

if TYPE_CHECKING:
    from documents.models import Photo, Submission

PDF_RESOLUTION = 300.0  # a stored 3508 px page is an A4 page; viewers fit it to the window
PLACEHOLDER_SIZE = (2480, 3508)  # an A4 page at PDF_RESOLUTION


def submission_pdf(submission: Submission) -> bytes:
    """Returns PDF bytes: one page per photo, in order (a placeholder page for a missing file)."""
    photos = list(submission.photos.all())
    images = []
    try:
        for photo in photos:
            image = _open_photo(photo)
            if image is None:
                image = placeholder_page(
                    _("Page %(position)s: the photo is missing from the file store.")
                    % {"position": photo.position}
                )
            images.append(image if image.mode in ("RGB", "L") else image.convert("RGB"))
        if not images:
            images.append(placeholder_page(_("This submission has no photos (any more).")))
        buffer = io.BytesIO()
        first, rest = images[0], images[1:]
        first.save(
            buffer,
            "PDF",
            save_all=True,
            append_images=rest,
            resolution=PDF_RESOLUTION,
            title=submission.reference,
            author="",
            producer="",
        )
        return buffer.getvalue()
    finally:
        for image in images:
            image.close()


def _open_photo(photo: Photo) -> Image.Image | None:
    """The photo's decoded image, or None when its file is not in the store."""
    if not photo.image.name:
        return None
    try:
        with photo.image.storage.open(photo.image.name, "rb") as handle:
            image = Image.open(handle)
            image.load()
            return image
    except FileNotFoundError:
        return None
    except ClientError as exc:  # S3: a missing key; any other S3 error is an outage (503)
        if is_missing_object(exc):
            return None
        raise


def placeholder_page(text: str) -> Image.Image:
    """A white A4 page with one line of text near the top."""
    page = Image.new("L", PLACEHOLDER_SIZE, 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((150, 150, PLACEHOLDER_SIZE[0] - 150, 450), outline=0, width=6)
    draw.text((220, 300), text, fill=0, font=pillow_font(56), anchor="lm")
    return page
