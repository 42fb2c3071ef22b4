"""Image checks and conversion, one file at a time (no database)."""

import io

import pillow_heif
import pytest
from PIL import Image, ImageStat

from documents import imaging, quality
from documents.errors import PhotoRefused
from tests.documents import samples as sample_pages
from tests.documents.conftest import upload


def process(data, staging, name="photo.jpg"):
    return imaging.process_photo(upload(data, name), staging)


def files_in(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def refusal(data, staging, name="photo.jpg"):
    with pytest.raises(PhotoRefused) as caught:
        process(data, staging, name)
    assert files_in(staging) == []  # nothing left behind
    return caught.value


def test_sharp_page_is_accepted_and_reencoded(samples, staging):
    photo = process(samples.sharp_jpeg, staging)
    assert (photo.width, photo.height) == (1240, 1754)
    assert photo.source_format == "JPEG"
    assert photo.warnings == []
    assert photo.scores["sharpness"] > 10 * 60
    with Image.open(photo.image_path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1240, 1754)
    with Image.open(photo.thumbnail_path) as thumb:
        assert max(thumb.size) == 480
    photo.discard()
    assert files_in(staging) == []


def test_blurred_page_is_refused_with_advice(samples, staging):
    refused = refusal(samples.blurred_jpeg, staging)
    assert refused.code == "blurred"
    assert "hold the phone still" in refused.advice.lower()
    assert refused.scores["sharpness"] < 60


def test_dark_page_is_refused_with_advice_about_light(samples, staging):
    refused = refusal(samples.dark_jpeg, staging)
    assert refused.code == "dark"
    assert "even light without shadow" in refused.advice


def test_glare_only_warns(samples, staging):
    photo = process(samples.glare_jpeg, staging)
    assert photo.warnings == ["glare"]


@pytest.mark.parametrize(
    ("paper", "noise", "brightness"),
    [(255, 0, 1.0), (252, 3, 1.0), (225, 3, 1.15)],
    ids=["scanner-white", "white-paper", "mildly-overexposed"],
)
def test_page_that_is_white_all_over_with_crisp_text_gets_no_warning(
    staging, paper, noise, brightness
):
    """A scan or a phone's document mode burns out most pixels, but that is not glare: the text is
    crisp."""
    page = sample_pages.text_page(1240, 1754, seed=3, paper=paper, ink=25)
    data = sample_pages.encode(sample_pages.photo(page, noise=noise, brightness=brightness))
    photo = process(data, staging)
    assert photo.scores["glare"] > 0.5  # most pixels are at 250 or above …
    assert photo.warnings == []  # … yet nothing is washed out


def test_overexposed_page_with_faded_text_warns_that_it_is_very_bright(staging):
    page = sample_pages.text_page(1240, 1754, seed=3)
    photo = process(sample_pages.encode(sample_pages.photo(page, brightness=1.6)), staging)
    assert photo.warnings == ["bright"]
    assert photo.scores["ink"] > 128


def test_small_photo_is_refused_before_decoding(samples, staging):
    refused = refusal(samples.small_jpeg, staging)
    assert refused.code == "too_small"
    assert refused.params == {"width": 900, "height": 700, "minimum": 1000}
    assert "Move closer" in refused.advice


def test_thresholds_separate_sharp_from_blurred_pages():
    """The measurement behind DOCUMENTS_BLUR_THRESHOLD, on a small page for speed."""
    page = sample_pages.text_page(1240, 1754, seed=3)
    scores = {
        r: quality.measure(sample_pages.photo(page, blur=r, noise=3))["sharpness"]
        for r in (0, 0.8, 3, 6)
    }
    assert scores[0] > scores[0.8] > 200 > 60 > scores[3] > scores[6]


def test_laplacian_variance_of_flat_image_is_zero():
    assert quality.laplacian_variance(Image.new("L", (50, 50), 128)) == 0.0


@pytest.mark.parametrize(
    ("sample", "name", "code"),
    [
        ("TEXT_AS_JPEG", "passport.jpg", "not_image"),
        ("truncated_jpeg", "page.jpg", "damaged"),
        ("bomb_png", "page.png", "too_many_pixels_unknown"),
        ("animated_gif", "page.gif", "unsupported"),
        ("animated_png", "page.png", "animated"),
        ("SVG_WITH_SCRIPT", "page.jpg", "unsupported"),
        ("polyglot_jpeg", "page.jpg", "markup"),
    ],
)
def test_bad_inputs_are_refused(samples, staging, sample, name, code):
    refused = refusal(getattr(samples, sample), staging, name)
    assert refused.code == code
    assert refused.message and refused.advice


def test_empty_file_is_refused(staging):
    assert refusal(b"", staging).code == "empty"


def test_file_over_the_limit_is_refused(samples, staging, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 50_000
    refused = refusal(samples.sharp_jpeg, staging)
    assert refused.code == "too_large"
    assert refused.message == "The file is larger than 0.05 MB."


def test_declared_size_over_pixel_limit_is_refused_before_decoding(samples, staging, settings):
    settings.DOCUMENTS_MAX_PIXELS = 1_000_000
    refused = refusal(samples.sharp_jpeg, staging)
    assert refused.code == "too_many_pixels"
    assert refused.params == {"width": 1240, "height": 1754}


def test_type_comes_from_content_not_name(samples, staging):
    photo = process(samples.webp, staging, name="scan.pdf")
    assert photo.source_format == "WEBP"
    photo.discard()


def test_heic_is_accepted(samples, staging):
    photo = process(samples.heic, staging, name="IMG_0001.HEIC")
    assert photo.source_format == "HEIF"
    assert (photo.width, photo.height) == (1240, 1754)
    photo.discard()


def test_cmyk_is_converted_to_rgb(samples, staging):
    photo = process(samples.cmyk_jpeg, staging)
    with Image.open(photo.image_path) as stored:
        assert stored.mode == "RGB"
        # Adobe CMYK inversion handled: the page stays light, not a negative
        assert ImageStat.Stat(stored.convert("L")).mean[0] > 150
    photo.discard()


def test_16_bit_grey_is_scaled_to_8_bit_not_clipped(samples, staging):
    photo = process(samples.png16, staging, name="scan.png")
    with Image.open(photo.image_path) as stored:
        assert stored.mode == "L"
        mean = ImageStat.Stat(stored).mean[0]
    assert 180 < mean < 235  # the page's own brightness (~213), not burnt out at 255
    photo.discard()


def test_exif_rotated_photo_is_stored_upright(samples, staging):
    with Image.open(io.BytesIO(samples.rotated_jpeg)) as original:
        assert original.size == (1754, 1240)
        assert original.getexif()[0x0112] == 6
    photo = process(samples.rotated_jpeg, staging)
    assert (photo.width, photo.height) == (1240, 1754)
    with Image.open(photo.image_path) as stored:
        assert stored.getpixel((100, 100))[0] < 40  # the dark block is top-left again
        assert stored.getpixel((1140, 1654))[0] > 150
        assert 0x0112 not in stored.getexif()
    photo.discard()


def test_gps_and_all_metadata_are_dropped(samples, staging):
    with Image.open(io.BytesIO(samples.gps_jpeg)) as original:
        assert original.getexif().get_ifd(0x8825)[2] == (47.0, 22.0, 30.5)
    photo = process(samples.gps_jpeg, staging)
    for path in (photo.image_path, photo.thumbnail_path):
        data = path.read_bytes()
        assert b"Exif" not in data and b"PhoneMaker" not in data
        with Image.open(path) as stored:
            assert dict(stored.getexif()) == {}
            assert "icc_profile" not in stored.info and "xmp" not in stored.info
    photo.discard()


def test_large_photo_is_downscaled_to_3508_px_300_dpi_of_a4(staging):
    """3508 px is the long side of an A4 page at 300 dpi (the 3000 px cap allowed at most 257
    dpi)."""
    page = sample_pages.text_page(2400, 4000, seed=2)
    data = sample_pages.encode(sample_pages.photo(page, noise=2))
    photo = process(data, staging)
    assert (photo.width, photo.height) == (2105, 3508)
    photo.discard()


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("JPEG", "photo.jpg"), ("PNG", "scan.png"), ("WEBP", "photo.webp"), ("HEIF", "IMG_1.HEIC")],
)
def test_colours_come_through_every_decoder(staging, image_format, name):
    """JPEGs are decoded by OpenCV (BGR), the rest by Pillow (RGB): a red stamp stays red in the
    stored photo and its thumbnail either way."""
    pillow_heif.register_heif_opener()
    page = sample_pages.photo(sample_pages.text_page(1240, 1754, seed=4), noise=2).convert("RGB")
    page.paste((220, 30, 30), (100, 100, 500, 500))
    buffer = io.BytesIO()
    page.save(buffer, image_format, **({} if image_format == "PNG" else {"quality": 95}))
    photo = process(buffer.getvalue(), staging, name=name)
    with Image.open(photo.image_path) as stored:
        red, green, blue = stored.getpixel((300, 300))
    with Image.open(photo.thumbnail_path) as thumb:
        thumb_red, thumb_green, thumb_blue = thumb.getpixel((thumb.width // 9, thumb.width // 9))
    assert red > 180 and green < 70 and blue < 70
    assert thumb_red > 180 and thumb_green < 70 and thumb_blue < 70
    photo.discard()


def test_huge_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_stored_size(staging):
    """8000 px JPEG: read at half scale (4000 px), then downscaled to 3508 px."""
    page = sample_pages.text_page(6000, 8000, seed=3)
    photo = process(sample_pages.encode(sample_pages.photo(page, noise=2)), staging)
    assert (photo.width, photo.height) == (2631, 3508)
    photo.discard()


def test_sniff_knows_the_magic_bytes():
    assert imaging.sniff(b"\xff\xd8\xff\xe0") == "JPEG"
    assert imaging.sniff(b"\x89PNG\r\n\x1a\n") == "PNG"
    assert imaging.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WEBP"
    assert imaging.sniff(b"\x00\x00\x00\x18ftypheic") == "HEIF"
    assert imaging.sniff(b"GIF89a") == "GIF"
    assert imaging.sniff(b"%PDF-1.7") == "PDF"
    assert imaging.sniff(b"hello") == "unknown"
