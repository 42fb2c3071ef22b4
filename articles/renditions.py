"""Figure images: upload checks and responsive renditions.

Uploaded figures are decoded only in a sandboxed child process
(articles/figure_decoding.py through portal/sandbox.py, the same CPU, memory
and time limits as document photos), for the upload check as for the
renditions: a hostile image cannot hurt the web worker. Renditions (several
widths, WebP plus a JPEG fallback) are written once per source image under
a name derived from it; saving a figure again reuses the files that already
exist, so nothing is resized per request.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image

from articles.conf import app_settings
from portal import sandbox
from portal.languages import language_codes, localized_field

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.core.files.uploadedfile import UploadedFile
    from django.db.models.fields.files import FieldFile

    from articles.models import Figure

FORMATS = ["PNG", "JPEG", "WEBP"]
RENDITION_EXTENSIONS = (("webp", "webp"), ("jpeg", "jpg"))  # key in the description, file extension


def _decode(
    source: bytes, widths: Sequence[int] = (), out_dir: str | Path | None = None
) -> dict[str, Any]:
    """Decode in the sandbox (and make renditions); returns the child's answer."""
    params = {
        "formats": FORMATS,
        "max_pixels": app_settings.FIGURE_MAX_PIXELS,
        "max_decoded_bytes": app_settings.FIGURE_MAX_DECODED_BYTES,
        "max_scans": app_settings.FIGURE_MAX_JPEG_SCANS,
        "widths": list(widths),
        "out_dir": str(out_dir) if out_dir else None,
    }
    return sandbox.run("articles.figure_decoding", params, source)


def validate_figure_image(upload: UploadedFile | None) -> None:
    """Refuse files that are not PNG/JPEG/WebP images, too large, or too costly to decode."""
    if upload is None:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > app_settings.FIGURE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)s MB). Upload a file of at most %(limit)s MB.")
            % {
                "size": round(size / 1_048_576, 1),
                "limit": app_settings.FIGURE_MAX_UPLOAD_BYTES // 1_048_576,
            }
        )
    upload.seek(0)
    too_complex = _("This image takes too much work to open. Upload a normal screenshot or photo.")
    try:
        answer = _decode(upload.read())
    except sandbox.LimitExceeded:
        raise ValidationError(too_complex) from None
    finally:
        upload.seek(0)
    if answer["ok"]:
        return
    if answer["code"] == "too_complex":
        raise ValidationError(too_complex)
    if answer["code"] == "too_many_pixels":
        raise ValidationError(
            _(
                "The image has too many pixels (%(width)s × %(height)s). Use at most %(limit)s "
                "megapixels."
            )
            % {
                "width": answer["width"],
                "height": answer["height"],
                "limit": app_settings.FIGURE_MAX_PIXELS // 1_000_000,
            }
        )
    raise ValidationError(
        _("This file is not an image we can read. Upload a PNG, JPEG or WebP image.")
    )


def _rendition_name(source_name: str, width: int, extension: str) -> str:
    stem = PurePosixPath(source_name).stem
    return f"renditions/{stem}-{width}.{extension}"


def renditions_for_image(image_field_file: FieldFile) -> dict[str, Any]:
    """Make (or reuse) the renditions of one stored image; return their description.

    Only the header is read here (for the size); pixels are decoded in the
    sandbox, and only when a rendition is missing.
    """
    name = image_field_file.name
    if not name:
        raise ValueError("the figure has no stored image")
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as header:
        original_width, original_height = header.size
    configured = (int(width) for width in app_settings.FIGURE_RENDITION_WIDTHS)  # env: strings
    widths = sorted({min(width, original_width) for width in configured})
    targets = {
        (width, extension): _rendition_name(name, width, extension)
        for width in widths
        for _key, extension in RENDITION_EXTENSIONS
    }
    missing = {key: target for key, target in targets.items() if not default_storage.exists(target)}
    if missing:
        with tempfile.TemporaryDirectory(prefix="renditions-", dir=_scratch()) as out_dir:
            answer = _decode(data, widths, out_dir)
            if not answer["ok"]:
                raise ValueError(f"stored figure {name} cannot be decoded: {answer['code']}")
            made = {(width, extension): path for width, extension, path in answer["files"]}
            for key, target in missing.items():
                default_storage.save(target, ContentFile(Path(made[key]).read_bytes()))
    sources = {
        key: [[width, default_storage.url(targets[width, extension])] for width in widths]
        for key, extension in RENDITION_EXTENSIONS
    }
    largest = widths[-1]
    return {
        "width": largest,
        "height": round(original_height * largest / original_width),
        "sources": sources,
        "original": default_storage.url(name),
    }


def _scratch():
    path = Path(settings.STAGING_ROOT) / "renditions"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def build_renditions(figure: Figure) -> dict:
    """Renditions for every language that has its own image."""
    result = {}
    for code in language_codes():
        field_file = getattr(figure, localized_field("image", code), None)
        if field_file and field_file.name:
            if not field_file._committed:  # a fresh upload: store it first
                field_file.save(field_file.name, field_file.file, save=False)
            result[code] = renditions_for_image(field_file)
    return result
