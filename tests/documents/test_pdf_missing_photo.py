"""The admin's PDF of a submission whose photo file is gone: a placeholder page, never a 500."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from documents.pdf import placeholder_page
from documents.retention import purge_expired_photos
from tests.documents.conftest import send_photos, upload

pytestmark = pytest.mark.django_db
PDFTOPPM = shutil.which("pdftoppm")  # poppler-utils, installed by the Makefile


@pytest.fixture
def submission(client_user, samples):
    return send_photos(
        client_user, upload(samples.sharp_jpeg, "1.jpg"), upload(samples.webp, "2.webp")
    )


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def rendered_page(pdf: bytes, number: int) -> Image.Image:
    """Page `number` of the PDF as poppler draws it, at 100 dpi, in grey."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [
                PDFTOPPM,
                "-r",
                "100",
                "-gray",
                "-png",
                "-f",
                str(number),
                "-l",
                str(number),
                source,
                Path(folder) / "page",
            ],
            check=True,
            timeout=30,
        )
        [png] = Path(folder).glob("page*.png")
        return Image.open(png).convert("L").copy()


def difference(page: Image.Image, text: str) -> float:
    """Mean grey difference, in the band of the text line, from a placeholder page saying `text`."""
    expected = placeholder_page(text).resize(page.size, Image.Resampling.BOX)
    band = (0, page.height * 250 // 3508, page.width, page.height * 350 // 3508)
    return ImageStat.Stat(ImageChops.difference(page.crop(band), expected.crop(band))).mean[0]


def remove_file(photo):
    photo.image.storage.delete(photo.image.name)


@pytest.mark.parametrize(
    ("language", "text", "other"),
    [
        (
            "en",
            "Page 2: the photo is missing from the file store.",
            "Seite 2: Das Foto fehlt im Dateispeicher.",
        ),
        (
            "de",
            "Seite 2: Das Foto fehlt im Dateispeicher.",
            "Page 2: the photo is missing from the file store.",
        ),
    ],
)
def test_missing_photo_gives_a_placeholder_page_in_the_reviewers_language(
    staff, submission, language, text, other
):
    remove_file(submission.photos.get(position=2))
    response = staff.get(f"/{language}/admin/documents/submission/{submission.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == 2  # the photo that is there, then the placeholder
    if PDFTOPPM:
        page = rendered_page(response.content, 2)
        assert difference(page, text) < difference(page, other) / 2
        first = rendered_page(response.content, 1)
        assert ImageStat.Stat(first).mean[0] < 250  # the real photo, not a blank page


def test_every_photo_missing_still_gives_a_pdf(staff, submission):
    for photo in submission.photos.all():
        remove_file(photo)
    response = staff.get(reverse("admin:documents_submission_pdf", args=[submission.pk]))
    assert response.status_code == 200
    assert page_count(response.content) == 2


def test_submission_whose_photos_were_deleted_by_retention_gives_a_one_page_pdf(
    staff, submission, staff_user
):
    from datetime import timedelta

    from django.utils import timezone

    submission.accept(staff_user)
    purge_expired_photos(now=timezone.now() + timedelta(days=400))
    response = staff.get(reverse("admin:documents_submission_pdf", args=[submission.pk]))
    assert response.status_code == 200
    assert page_count(response.content) == 1


def test_missing_full_photo_is_a_404_not_a_500(staff, submission):
    remove_file(submission.photos.get(position=1))
    response = staff.get(reverse("admin:documents_submission_photo", args=[submission.pk, 1]))
    assert response.status_code == 404


def test_placeholder_page_is_an_a4_page_with_text():
    page = placeholder_page("Page 1: the photo is missing from the file store.")
    assert page.size == (2480, 3508)
    assert ImageStat.Stat(page.crop((150, 150, 2330, 450))).mean[0] < 250  # the frame and the line
    assert ImageStat.Stat(page.crop((0, 600, 2480, 3508))).mean[0] == 255
