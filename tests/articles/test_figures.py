import io
import struct
import zlib

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Figure
from tests.articles.conftest import post_figure
from tests.documents import images

pytestmark = pytest.mark.django_db


def image_bytes(size=(1200, 900), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, fmt)
    return buffer.getvalue()


def bomb_png(width=30_000, height=30_000):
    """A valid PNG header claiming 900 megapixels, with a tiny compressed body."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (1 + width // 8) * 10)
    chunks = [images.png_chunk(b"IHDR", header), images.png_chunk(b"IDAT", body)]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + images.png_chunk(b"IEND", b"")


def test_renditions_have_two_widths_in_webp_and_jpeg_and_are_made_once(make_article):
    article = make_article()
    figure = Figure(article=article, number="1", alt_text_en="x", alt_text_de="x")
    figure.image_en.save("one.png", ContentFile(image_bytes()), save=False)
    figure.save()
    rendition = figure.renditions["en"]
    assert [width for width, _url in rendition["sources"]["webp"]] == [480, 960]
    assert [width for width, _url in rendition["sources"]["jpeg"]] == [480, 960]
    assert (rendition["width"], rendition["height"]) == (960, 720)
    name = rendition["sources"]["webp"][0][1].removeprefix("/media/")
    modified = default_storage.get_modified_time(name)
    figure.caption_en = "Edited caption"
    figure.save()
    assert default_storage.get_modified_time(name) == modified  # reused, not re-encoded


def test_small_images_are_not_upscaled(make_article):
    figure = Figure(article=make_article(), number="2", alt_text_en="x", alt_text_de="x")
    figure.image_en.save("small.png", ContentFile(image_bytes((300, 200))), save=False)
    figure.save()
    assert [width for width, _url in figure.renditions["en"]["sources"]["jpeg"]] == [300]


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("notes.png", b"this is text, not an image"),
            "not an image we can read",
        ),
        (SimpleUploadedFile("bomb.png", bomb_png()), "too many pixels"),
        (
            SimpleUploadedFile("anim.gif", image_bytes(fmt="GIF")),
            "Upload a PNG, JPEG or WebP image",
        ),
        # decoded the same bounded way as document photos (issue 11)
        (SimpleUploadedFile("tiny.webp", images.tiny_huge_webp()), "too many pixels (7000 × 7000)"),
        (SimpleUploadedFile("scans.jpg", images.scan_bomb_jpeg()), "too much work to open"),
    ],
)
def test_admin_refuses_bad_figure_uploads(client, make_article, upload, message):
    article = make_article()
    staff = User.objects.create_superuser("staff", "staff@example.com", "pw")
    client.force_login(staff)
    response = post_figure(client, article, upload, caption_en="", caption_de="")
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert not Figure.objects.filter(number="9").exists()


def test_admin_refuses_figures_over_the_size_limit(client, make_article, settings):
    settings.FIGURE_MAX_UPLOAD_BYTES = 1000
    article = make_article()
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw"))
    response = post_figure(client, article, SimpleUploadedFile("big.png", image_bytes()))
    assert "The image is too large" in response.content.decode()
    assert not Figure.objects.exists()


def test_admin_accepts_a_good_figure(client, make_article):
    article = make_article()
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw"))
    response = post_figure(client, article, SimpleUploadedFile("good.png", image_bytes()))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Figure.objects.get(number="9").renditions["en"]["width"] == 960


def test_a_figure_over_the_cpu_bound_is_refused_and_the_worker_did_not_decode_it(settings):
    """With the scan count allowed, the sandbox's CPU limit stops the decode of a scan bomb."""
    import resource

    from django.core.exceptions import ValidationError

    from articles.renditions import validate_figure_image

    settings.FIGURE_MAX_JPEG_SCANS = 10**6
    settings.SANDBOX_LIMITS = {"cpu_seconds": 1}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    with pytest.raises(ValidationError, match="too much work to open"):
        validate_figure_image(SimpleUploadedFile("x.jpg", images.scan_bomb_jpeg(100_000)))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 1
