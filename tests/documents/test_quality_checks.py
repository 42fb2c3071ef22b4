"""Glare spots, motion blur, no false glare on white paper (issue 11, finding 8)."""

import pytest
from PIL import ImageDraw, ImageFilter

from documents import quality
from documents.conf import app_settings
from tests.documents import samples


def page(size=(1240, 1754), **kwargs):
    return samples.photo(samples.text_page(*size, seed=5), **kwargs)


@pytest.mark.parametrize("share", [0.05, 0.1, 0.2])
def test_glare_spot_of_5_to_20_percent_warns_and_is_located(share):
    verdict = quality.assess(page(spot=share), app_settings.thresholds())
    assert verdict.refusal == ""
    assert verdict.warnings == ["glare"]
    assert verdict.scores["glare_spot"] == pytest.approx(share, abs=0.03)
    x0, y0, x1, y1 = verdict.scores["glare_box"]
    assert x0 < 0.6 < x1 and y0 < 0.4 < y1  # the spot is centred at 60 % across, 40 % down


def test_a_tiny_reflection_does_not_warn():
    assert quality.assess(page(spot=0.005), app_settings.thresholds()).warnings == []


def test_white_scan_with_grey_areas_gets_no_glare_warning():
    """Paper at 255 with grey boxes (a letterhead, a table): burnt-out paper is not glare."""
    scan = samples.text_page(1240, 1754, seed=2, paper=255, ink=30)
    draw = ImageDraw.Draw(scan)
    draw.rectangle((100, 100, 1140, 500), fill=190)
    draw.rectangle((100, 1200, 700, 1600), fill=160)
    verdict = quality.assess(samples.photo(scan, noise=0), app_settings.thresholds())
    assert verdict.scores["paper"] >= quality.WHITE_PAPER
    assert verdict.warnings == [] and verdict.refusal == ""


@pytest.mark.parametrize("size", [(1240, 1754), (3024, 4032)])
def test_40_px_motion_blur_is_refused_though_the_laplacian_passes(size):
    verdict = quality.assess(page(size, motion=40), app_settings.thresholds())
    assert verdict.scores["sharpness"] > app_settings.BLUR_THRESHOLD  # what let it through before
    assert verdict.refusal == "motion_blurred"


def test_vertical_motion_blur_is_refused_too():
    image = samples.photo(
        samples.text_page(1240, 1754, seed=5).filter(ImageFilter.BoxBlur((0, 20)))
    )
    assert quality.assess(image, app_settings.thresholds()).refusal == "motion_blurred"


@pytest.mark.parametrize("size", [(1240, 1754), (3024, 4032)])
def test_sharp_and_slightly_soft_pages_pass(size):
    for image in (page(size), page(size, blur=1)):
        verdict = quality.assess(image, app_settings.thresholds())
        assert verdict.refusal == "" and verdict.scores["balance"] > 0.3


@pytest.mark.django_db
def test_the_check_tells_where_the_glare_is(signed_in, samples):
    from django.urls import reverse

    from tests.documents.conftest import upload

    response = signed_in.post(
        reverse("documents:check"),
        {"photos": upload(samples.glare_spot_jpeg)},
        HTTP_ACCEPT="application/json",
    )
    warning = response.json()["warnings"][0]
    assert warning["code"] == "glare"
    left, top, right, bottom = warning["box"]
    assert left < 0.6 < right and top < 0.4 < bottom


@pytest.mark.parametrize(
    ("lang", "label"),
    [("en", "The washed-out area is marked."), ("de", "Der überbelichtete Bereich ist markiert.")],
)
@pytest.mark.django_db
def test_the_submission_page_marks_the_glare_spot_on_the_photo(signed_in, samples, lang, label):
    from django.urls import reverse
    from django.utils import translation

    from documents.models import Submission
    from tests.documents.conftest import upload

    signed_in.post(
        reverse("documents:upload"),
        {"document_type": "address", "photos": [upload(samples.glare_spot_jpeg)]},
    )
    submission = Submission.objects.get()
    with translation.override(lang):
        html = signed_in.get(submission.get_absolute_url()).content.decode()
    assert (
        'class="problem-area" viewBox="0 0 1 1" preserveAspectRatio="none" role="img" '
        f'aria-label="{label}"' in html
    )
    box = submission.photos.get().glare_box
    assert f'<rect x="{box["x"]}" y="{box["y"]}"' in html
