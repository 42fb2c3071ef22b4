"""Figure images: upload checks and responsive renditions made with Pillow.

Renditions (several widths, WebP plus a JPEG fallback) are written once per
source image under a name derived from it; saving a figure again reuses the
files that already exist, so nothing is resized per request.
"""

import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

RENDITION_FORMATS = (
    ("webp", "WEBP", {"quality": 80, "method": 4}),
    ("jpeg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
)


def validate_figure_image(upload):
    """Refuse files that are not images, too large, or decompression bombs."""
    if upload is None:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > settings.FIGURE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)s MB). Upload a file of at most %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": settings.FIGURE_MAX_UPLOAD_BYTES // 1_048_576}
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            width, height = image.size
            if width * height > settings.FIGURE_MAX_PIXELS:
                raise ValidationError(
                    _("The image has too many pixels (%(width)s × %(height)s). Use at most %(limit)s megapixels.")
                    % {"width": width, "height": height, "limit": settings.FIGURE_MAX_PIXELS // 1_000_000}
                )
            if image.format not in {"PNG", "JPEG", "WEBP"}:
                raise ValidationError(_("Upload a PNG, JPEG or WebP image."))
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels. Use at most %(limit)s megapixels.")
            % {"limit": settings.FIGURE_MAX_PIXELS // 1_000_000}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not an image we can read. Upload a PNG, JPEG or WebP image.")) from None
    finally:
        upload.seek(0)


def _rendition_name(source_name, width, extension):
    stem = PurePosixPath(source_name).stem
    return f"renditions/{stem}-{width}.{extension}"


def renditions_for_image(image_field_file):
    """Make (or reuse) the renditions of one stored image; return their description."""
    name = image_field_file.name
    with default_storage.open(name, "rb") as handle, Image.open(handle) as source:
        source.load()
        original_width, original_height = source.size
        base = source.convert("RGBA") if source.mode in ("P", "LA", "RGBA") else source.convert("RGB")
    widths = sorted({min(width, original_width) for width in settings.FIGURE_RENDITION_WIDTHS})
    sources = {extension: [] for extension, _fmt, _opts in RENDITION_FORMATS}
    for width in widths:
        height = round(original_height * width / original_width)
        resized = None
        for extension, pil_format, options in RENDITION_FORMATS:
            target = _rendition_name(name, width, "jpg" if extension == "jpeg" else extension)
            if not default_storage.exists(target):
                if resized is None:
                    resized = base.resize((width, height), Image.Resampling.LANCZOS) if width != original_width else base.copy()
                image = resized
                if pil_format == "JPEG" and image.mode != "RGB":
                    flattened = Image.new("RGB", image.size, (255, 255, 255))
                    flattened.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
                    image = flattened
                buffer = io.BytesIO()
                image.save(buffer, pil_format, **options)
                default_storage.save(target, ContentFile(buffer.getvalue()))
            sources[extension].append([width, default_storage.url(target)])
    largest = widths[-1]
    return {
        "width": largest,
        "height": round(original_height * largest / original_width),
        "sources": sources,
        "original": default_storage.url(name),
    }


def build_renditions(figure):
    """Renditions for every language that has its own image."""
    result = {}
    for code, _name in settings.LANGUAGES:
        field_file = getattr(figure, f"image_{code}", None)
        if field_file and field_file.name:
            if not field_file._committed:  # a fresh upload: store it first
                field_file.save(field_file.name, field_file.file, save=False)
            result[code] = renditions_for_image(field_file)
    return result
