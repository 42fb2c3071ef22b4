"""Hostile and unusual files: decoding runs in a limited child process, never in the worker.

Findings 1, 3, 5 and 6 of issue 11: a scan-bomb JPEG, tiny files that decode
huge, MPO photos from real cameras, and malformed EXIF.
"""

import io
import logging
import resource

import pytest
from PIL import Image

from documents import decoding, imaging
from documents.errors import PhotoRefused
from tests.documents import images
from tests.documents.conftest import upload


def refused(data, staging, name="photo.jpg"):
    with pytest.raises(PhotoRefused) as caught:
        imaging.process_photo(upload(data, name), staging)
    assert list(staging.iterdir()) == []  # nothing left behind, not even the child's output files
    return caught.value


def test_scan_bomb_jpeg_is_refused_before_decoding(samples, staging):
    refusal = refused(samples.scan_bomb_jpeg, staging)
    assert refusal.code == "too_complex"
    assert "camera photo" in refusal.advice


def test_a_decode_over_the_cpu_bound_is_stopped_and_refused(samples, staging, settings):
    """With the scan count allowed, the child's CPU limit stops the same file."""
    settings.DOCUMENTS_MAX_JPEG_SCANS = 1_000_000
    settings.SANDBOX_LIMITS = {"cpu_seconds": 1, "timeout_seconds": 5}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    assert refused(samples.long_scan_bomb_jpeg, staging).code == "too_complex"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 1  # the work was not ours


def test_a_decode_over_the_memory_bound_is_stopped_and_refused(samples, staging, settings, caplog):
    """With the decoded-bytes limit lifted, the child's address-space limit stops the PNG; a normal
    photo fits the same limit (the child's libraries take about 300 MB of address space alone)."""
    settings.DOCUMENTS_MAX_DECODED_BYTES = 10**12
    settings.SANDBOX_LIMITS = {"memory_bytes": 600 * 1024 * 1024}
    assert imaging.process_photo(upload(samples.sharp_jpeg), staging, keep=False).width == 1240
    with caplog.at_level(logging.INFO, logger="portal.sandbox"):
        assert refused(samples.rgba_png_bomb, staging, "p.png").code == "too_complex"
    assert "stopped: memory" in caplog.text


def test_a_wall_clock_timeout_stops_the_child(samples, staging, settings):
    settings.DOCUMENTS_MAX_JPEG_SCANS = 1_000_000
    settings.SANDBOX_LIMITS = {"cpu_seconds": 60, "timeout_seconds": 1}
    assert refused(samples.long_scan_bomb_jpeg, staging).code == "too_complex"


@pytest.mark.parametrize("sample, name", [("tiny_huge_webp", "a.webp"), ("rgba_png_bomb", "a.png")])
def test_tiny_file_that_decodes_huge_is_refused_before_decoding(samples, staging, sample, name):
    data = getattr(samples, sample)
    assert len(data) < 210_000
    refusal = refused(data, staging, name)
    assert refusal.code == "too_many_pixels"
    assert "7000 × 7000" in refusal.message


def test_limits_are_per_format_bit_depth_and_alpha(settings):
    """The same 7000 × 7000 passes as 8-bit grey, not as RGBA; checked on the header alone."""
    grey = Image.new("L", (7000, 7000))
    assert decoding.image_limits.refusal(grey, 50_000_000, 150_000_000) is None
    rgba = Image.new("RGBA", (7000, 7000))
    assert decoding.image_limits.refusal(rgba, 50_000_000, 150_000_000)[0] == "too_many_pixels"
    assert decoding.image_limits.decoded_bytes("I;16", (1000, 1000)) == 2_000_000


def test_mpo_from_a_camera_is_accepted_with_its_primary_image(samples, staging):
    photo = imaging.process_photo(upload(samples.mpo, "DSC0001.JPG"), staging)
    assert photo.source_format == "JPEG"
    with Image.open(photo.image_path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1240, 1754)
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.getpixel((100, 100))[0] < 40  # the primary's dark block, not the red preview
        assert stored.getpixel((1000, 1500))[0] > 150


def test_broken_exif_never_fails_and_fine_pixels_are_accepted(staging):
    """Malformed EXIF is dropped; the photo is processed without it (no 500, no false refusal)."""
    for data in images.exif_mutations(12):
        photo = imaging.process_photo(upload(data), staging)
        assert (photo.width, photo.height) == (1000, 1300)
        with Image.open(photo.image_path) as stored:
            assert "exif" not in stored.info
        photo.discard()


def test_many_exif_mutations_in_the_decoder_itself():
    """400 mutations straight through the child's code (fast, in process): each is accepted."""
    params = {
        "kind": "JPEG",
        "keep": False,
        "max_pixels": 50_000_000,
        "max_decoded_bytes": 150_000_000,
        "max_scans": 100,
        "max_side": 3000,
        "min_short_side": 1000,
        "thresholds": {
            "dark": 60,
            "blur": 60,
            "motion": 0.15,
            "glare_spot": 0.03,
            "bright": 235,
            "faded_ink": 128,
        },
        "page_format": "page",
        "dpi": {"refuse": 100, "warn": 110},  # the page is 1000 × 1300 px: 117 dpi
    }
    for data in images.exif_mutations(400, seed=3):
        assert decoding.process(data, params)["ok"] is True


def test_exif_that_raises_while_turning_upright_is_ignored():
    class Broken(Image.Image):
        def getexif(self):
            raise SyntaxError("bad EXIF")

    image = Image.new("RGB", (10, 20))
    image.__class__ = Broken
    assert decoding.orientation(image) == 1  # processed as it is, without its EXIF


def test_16_bit_rgba_png_is_normalised(staging):
    """16-bit-per-channel RGBA (stored by Pillow from a 16-bit grey page with alpha) comes out
    8-bit RGB."""
    page = images.page().convert("RGBA")
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    photo = imaging.process_photo(upload(buffer.getvalue(), "p.png"), staging)
    with Image.open(photo.image_path) as stored:
        assert stored.mode == "RGB"
