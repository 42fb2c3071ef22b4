"""The document's outline in the photo, its straightened crop and its effective dpi per format.

Photos are generated (tests/documents/images.py): a white document with text, drawn at a known
dpi, rotated and perspective-warped onto a dark textured table, so where its corners are and how
many pixels per inch it has are known exactly.
"""

import io
import re

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from documents import decoding, imaging, outline
from documents.conf import app_settings
from documents.models import DocumentRequest, PhotoAccess, Submission
from tests.documents import images
from tests.documents.conftest import upload

# Photo sizes that hold each format at up to ~330 dpi with a margin of table around it.
PHOTO_SIZE = {"page": (3100, 4300), "id_card": (1600, 1200), "passport": (2000, 1600)}


@pytest.fixture
def real_dpi_rule(settings):
    """The product's thresholds (the suite's settings lower them for its quick 146 dpi pages)."""
    del settings.DOCUMENTS_MIN_DPI, settings.DOCUMENTS_RECOMMENDED_DPI
    assert (app_settings.MIN_DPI, app_settings.RECOMMENDED_DPI) == (200, 300)


def run_child_code(data, page_format, keep=False, staging=None):
    """documents.decoding.process in this process (the sandbox runs the same code), real
    settings."""
    paths = (
        [staging / name for name in ("image.jpg", "thumb.jpg", "document.jpg")]
        if keep
        else [None] * 3
    )
    params = imaging._params("JPEG", *paths, keep, page_format=page_format)
    try:
        return decoding.process(data, params)
    except decoding.Refused as refused:
        return {
            "ok": False,
            "code": refused.code,
            "params": refused.params,
            "scores": refused.scores,
        }


@pytest.mark.usefixtures("real_dpi_rule")
@pytest.mark.parametrize(
    ("page_format", "angle", "tilt"),
    [
        ("page", 7, 0.08),
        ("page", -15, 0.12),
        ("id_card", 12, 0.05),
        ("passport", -25, 0.1),
    ],
)
def test_outline_is_found_where_the_document_lies(page_format, angle, tilt):
    size = PHOTO_SIZE[page_format]
    data, corners = images.document_photo(
        size, dpi=260, page_format=page_format, angle=angle, tilt=tilt
    )
    answer = run_child_code(data, page_format)
    found = np.array(answer["scores"]["outline"]) * size  # fractions of the photo → pixels
    assert answer["scores"]["outline_found"] is True
    assert np.abs(found - corners).max() < 0.015 * max(
        size
    )  # every corner within 1.5 % of the photo


@pytest.mark.usefixtures("real_dpi_rule")
@pytest.mark.parametrize("page_format", ["page", "id_card", "passport"])
def test_the_straightened_crop_has_the_documents_shape_and_no_table(page_format, tmp_path):
    data, _ = images.document_photo(
        PHOTO_SIZE[page_format], dpi=330, page_format=page_format, angle=-4, tilt=0.06
    )
    answer = run_child_code(data, page_format, keep=True, staging=tmp_path)
    assert answer["ok"] is True and answer["warnings"] == []
    with Image.open(tmp_path / "document.jpg") as crop:
        crop.load()
        assert crop.info.get("exif") in (None, b"")
    width_mm, height_mm = images.DOCUMENT_MM[page_format]
    assert crop.width / crop.height == pytest.approx(
        width_mm / height_mm, rel=0.02
    )  # upright, as laid
    pixels = np.asarray(crop.convert("L"), dtype=np.float64)
    edge = max(4, crop.width // 50)
    for strip in (pixels[:edge], pixels[-edge:], pixels[:, :edge], pixels[:, -edge:]):
        assert strip.mean() > 200  # paper right to the edges: the dark table was cut away
    # 330 dpi in the photo, tilted 6 %: the crop keeps at least 300 dpi of the document.
    assert max(crop.size) / (max(width_mm, height_mm) / 25.4) >= 300


@pytest.mark.usefixtures("real_dpi_rule")
@pytest.mark.parametrize("page_format", ["page", "id_card", "passport"])
@pytest.mark.parametrize(
    ("dpi", "expected"),
    [
        (188, "too_low_resolution"),
        (212, "low_resolution"),
        (288, "low_resolution"),
        (315, None),
    ],
)
def test_effective_dpi_refuses_under_200_and_warns_under_300_for_each_format(
    page_format, dpi, expected
):
    """Each format at a few percent either side of both thresholds (no tilt: the edges measure the
    document's true dpi to about 1 %)."""
    data, _ = images.document_photo(
        PHOTO_SIZE[page_format], dpi=dpi, page_format=page_format, angle=4, tilt=0
    )
    answer = run_child_code(data, page_format)
    assert answer["scores"]["dpi"] == pytest.approx(dpi, rel=0.03)
    if expected == "too_low_resolution":
        assert (answer["ok"], answer["code"], answer["params"]["minimum"]) == (False, expected, 200)
    else:
        assert answer["ok"] is True
        assert answer["warnings"] == ([expected] if expected else [])


@pytest.mark.usefixtures("real_dpi_rule")
def test_the_same_photo_is_judged_for_the_chosen_format():
    """An ID card at 330 dpi is a sharp card, but as an A4 page it would be far too small."""
    data, _ = images.document_photo(
        PHOTO_SIZE["id_card"], dpi=330, page_format="id_card", angle=3, tilt=0
    )
    assert run_child_code(data, "id_card")["ok"] is True
    as_page = run_child_code(data, "page")
    assert (as_page["ok"], as_page["code"]) == (False, "too_low_resolution")


@pytest.mark.parametrize(
    ("dpi", "verdict"),
    [
        (199.9, "too_low_resolution"),
        (200.0, "low_resolution"),
        (299.9, "low_resolution"),
        (300.0, ""),
    ],
)
def test_thresholds_at_the_exact_boundaries(dpi, verdict):
    """At the threshold itself the photo passes that threshold ("under 200" refuses)."""
    from documents.quality import Assessment

    assessment = Assessment(scores={})
    decoding.judge_resolution(assessment, dpi, {"dpi": {"refuse": 200, "warn": 300}})
    assert (assessment.refusal or "".join(assessment.warnings)) == verdict


def test_effective_dpi_of_each_format():
    # ID-1 card 85.6 × 53.98 mm at exactly 300 dpi is 1011.0 × 637.6 px.
    assert outline.effective_dpi(1011.0, 637.6, "id_card") == pytest.approx(300, abs=0.1)
    assert outline.effective_dpi(1476.4, 1039.4, "passport") == pytest.approx(
        300, abs=0.1
    )  # 125 × 88 mm
    # A4 or Letter, whichever is nearer in shape: A4 at 300 dpi is 2480 × 3508, Letter 2550 × 3300.
    assert outline.effective_dpi(2480, 3508, "page") == pytest.approx(300, abs=0.2)
    assert outline.effective_dpi(2550, 3300, "page") == pytest.approx(300, abs=0.2)
    assert outline.effective_dpi(3300, 2550, "page") == pytest.approx(
        300, abs=0.2
    )  # lying sideways


def test_thresholds_are_settings(settings):
    settings.DOCUMENTS_MIN_DPI, settings.DOCUMENTS_RECOMMENDED_DPI = 150, 250
    assert imaging._params("JPEG", None, None, None, False)["dpi"] == {"refuse": 150, "warn": 250}


@pytest.mark.usefixtures("real_dpi_rule")
@pytest.mark.parametrize("make", [images.page_filling_photo, images.plain_scene_jpeg])
def test_without_an_outline_the_whole_photo_is_the_document(make, tmp_path):
    """A page filling the frame, or no document at all: no crop, judged as if the document filled
    the photo (1240 × 1754 px as a page is about 146 dpi: refused for its size, not as an error)."""
    answer = run_child_code(make(), "id_card", keep=True, staging=tmp_path)
    assert answer["ok"] is True
    assert answer["scores"]["outline_found"] is False and answer["scores"]["outline"] is None
    assert answer["scores"]["document_box"] == [0.0, 0.0, 1.0, 1.0]
    assert "straightened" not in answer["scores"]
    assert (
        not (tmp_path / "document.jpg").exists() or (tmp_path / "document.jpg").stat().st_size == 0
    )
    as_page = run_child_code(make(), "page")
    assert (as_page["ok"], as_page["code"]) == (False, "too_low_resolution")


@pytest.mark.django_db
@pytest.mark.usefixtures("real_dpi_rule")
def test_the_check_shows_the_photo_with_the_document_marked(signed_in):
    data, corners = images.document_photo(
        PHOTO_SIZE["passport"], dpi=170, page_format="passport", angle=5, tilt=0
    )
    response = signed_in.post(
        reverse("documents:check"),
        {"photos": upload(data), "page_format": "passport"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "too_low_resolution"
    assert f"about {error['message'].split('about ')[1].split(' ')[0]} dpi" in error["message"]
    assert int(error["message"].split("about ")[1].split(" ")[0]) in range(160, 180)
    assert "at least 200 dpi" in error["message"]
    left, top, right, bottom = error["box"]
    xs, ys = corners[:, 0] / 2000, corners[:, 1] / 1600
    assert left == pytest.approx(xs.min(), abs=0.02) and bottom == pytest.approx(ys.max(), abs=0.02)
    assert (error["width"], error["height"]) == (2000, 1600)
    with translation.override("de"):
        german_check = reverse("documents:check")
    warned = signed_in.post(
        german_check,
        {
            "photos": upload(
                images.document_photo(PHOTO_SIZE["passport"], dpi=250, page_format="passport")[0]
            ),
            "page_format": "passport",
        },
        HTTP_ACCEPT="application/json",
    ).json()
    assert warned["ok"] is True
    warning = warned["warnings"][0]
    assert warning["code"] == "low_resolution" and "Kleingedrucktes" in warning["message"]
    assert len(warning["box"]) == 4


@pytest.mark.django_db
def test_the_check_refuses_an_unknown_format(signed_in, samples):
    response = signed_in.post(
        reverse("documents:check"),
        {"photos": upload(samples.sharp_jpeg), "page_format": "a3"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "page_format"


@pytest.mark.django_db
@pytest.mark.usefixtures("real_dpi_rule")
def test_staff_see_the_straightened_document_and_the_original(
    signed_in, client, staff_user, private_root, django_capture_on_commit_callbacks
):
    data, _ = images.document_photo(
        PHOTO_SIZE["id_card"], dpi=400, page_format="id_card", angle=10, tilt=0.06
    )
    response = signed_in.post(
        reverse("documents:upload"),
        {
            "document_type": "identity",
            "page_format": "id_card",
            "photos": [upload(data), upload(images.page_filling_photo())],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get()
    found, whole = submission.photos.all()
    assert submission.page_format == "id_card"
    assert found.outline_found and found.scores["dpi"] > 350 and not whole.outline_found
    client.force_login(staff_user)
    html = client.get(
        reverse("admin:documents_submission_change", args=[submission.pk])
    ).content.decode()
    document_url = reverse("admin:documents_submission_document", args=[submission.pk, 1])
    assert document_url in html and "Original photo" in html
    assert "No outline of the document was found" in html  # the second photo
    crop = client.get(document_url)
    assert crop.status_code == 200 and "private, no-store" in crop["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(crop.streaming_content))) as image:
        assert image.width / image.height == pytest.approx(85.6 / 53.98, rel=0.02)
    assert (
        PhotoAccess.objects.filter(
            kind="document", reference=submission.reference, position=1
        ).count()
        == 1
    )
    assert (
        client.get(
            reverse("admin:documents_submission_document", args=[submission.pk, 2])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:documents_submission_photo", args=[submission.pk, 1])).status_code
        == 200
    )
    stored = len(private_root.private_names())
    with django_capture_on_commit_callbacks(execute=True):
        submission.delete()  # the crop goes with the photo (signals.py), like image and thumbnail
    assert stored == 5 and len(private_root.private_names()) == 0  # 2 photos, 2 thumbnails, 1 crop


@pytest.mark.django_db
def test_a_staff_request_sets_the_format(signed_in, client_user, staff_user, samples):
    from datetime import timedelta

    from django.utils import timezone

    asked = DocumentRequest.objects.create(
        owner=client_user,
        document_type="identity",
        page_format="passport",
        due_date=timezone.localdate() + timedelta(days=7),
        created_by=staff_user,
    )
    page = signed_in.get(reverse("documents:upload") + f"?request={asked.pk}").content.decode()
    checked = re.findall(
        r'<input type="radio" name="page_format" value="(\w+)"[^>]* checked>', page
    )
    assert checked == ["passport"]
    signed_in.post(
        reverse("documents:upload"),
        {
            "request": asked.pk,
            "document_type": "identity",
            "page_format": "page",
            "photos": [upload(samples.sharp_jpeg)],
        },
    )
    submission = Submission.objects.get()
    assert (
        submission.page_format == "passport"
        and submission.photos.get().scores["page_format"] == "passport"
    )
