"""One multi-page PDF of a whole submission, for staff review (Pillow, page by page from disk)."""
import io

from PIL import Image

PDF_RESOLUTION = 300.0  # a stored 3508 px page is an A4 page; viewers fit it to the window


def submission_pdf(submission):
    """Returns PDF bytes: one page per photo, in order."""
    photos = list(submission.photos.all())
    if not photos:
        raise ValueError("a submission without photos")
    images = []
    try:
        for photo in photos:
            with photo.image.storage.open(photo.image.name, "rb") as handle:
                image = Image.open(handle)
                image.load()
            images.append(image if image.mode in ("RGB", "L") else image.convert("RGB"))
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
