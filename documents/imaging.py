"""Turn one uploaded file into a safe, upright, metadata-free JPEG plus a thumbnail.

Steps, one file at a time (peak memory is that of one photo):
1. size limits (empty, over DOCUMENTS_MAX_FILE_BYTES);
2. real type from the first bytes (JPEG, PNG, WebP, HEIC/HEIF), never the name;
   GIF, SVG, PDF, text and anything else are refused; a file carrying HTML,
   SVG or script markup anywhere (a polyglot) is refused too;
3. Pillow opens it restricted to the detected format and its detected format
   must agree; the declared size is checked against the decompression-bomb
   limit before any pixel is decoded; animations are refused; too small
   (short side) is refused before decoding;
4. JPEG: `draft()` lets libjpeg decode at 1/2, 1/4 or 1/8 scale when that is
   still at least the stored size (saves time and memory on 24 MP+ photos);
5. full decode (a truncated file fails here), converted to 8-bit RGB or L
   (CMYK, 16-bit, palette, alpha are converted, transparency flattened on
   white), downscaled to DOCUMENTS_MAX_SIDE (bicubic), then turned upright
   from its EXIF orientation (rotating the smaller image is cheaper);
6. quality checks (quality.py);
7. re-encoded as a fresh JPEG without EXIF, XMP, ICC or comments, and a
   thumbnail, written to the private staging directory.
"""
import contextlib
import logging
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from documents import conf, quality
from documents.errors import PhotoRefused

logger = logging.getLogger(__name__)
pillow_heif.register_heif_opener()

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
ACCEPTED = ("JPEG", "PNG", "WEBP", "HEIF")
# Markup that has no business in a photo. Long enough that compressed image
# data practically never matches by chance (≥ 2^-36 per byte position).
# Matched on lower-cased bytes: a pattern that starts with a literal "<" is
# scanned about ten times faster than one compiled with re.IGNORECASE.
MARKUP = re.compile(rb"<(?:script|!doctype|iframe|object[\s>]|embed[\s>]|html[\s>]|body[\s>]|svg[\s>/])")
SCRIPT_URL = b"javascript:"
CHUNK = 256 * 1024


def sniff(head: bytes) -> str:
    """The real type from magic bytes: one of ACCEPTED, or a word for the refusal message."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head.startswith(b"%PDF"):
        return "PDF"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head.lower():
        return "SVG"
    return "unknown"


def contains_markup(upload) -> bool:
    """Scan the whole file in chunks (with overlap) for HTML/SVG/script markup."""
    tail = b""
    for chunk in upload.chunks(CHUNK):
        window = (tail + chunk).lower()
        if MARKUP.search(window) or SCRIPT_URL in window:
            return True
        tail = chunk[-16:]
    return False


@dataclass
class ProcessedPhoto:
    """A photo ready to be moved into private storage (paths in the staging directory)."""

    image_path: Path | None
    thumbnail_path: Path | None
    width: int
    height: int
    source_format: str
    scores: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def discard(self):
        for path in (self.image_path, self.thumbnail_path):
            if path is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _check_size(upload):
    size = upload.size or 0
    if size == 0:
        raise PhotoRefused("empty")
    if size > conf.max_file_bytes():
        raise PhotoRefused("too_large", limit=conf.max_file_megabytes())


def _detect(upload):
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    kind = sniff(head)
    if kind in ("GIF", "SVG", "PDF"):
        raise PhotoRefused("unsupported", kind=kind)
    if kind not in ACCEPTED:
        raise PhotoRefused("not_image")
    if contains_markup(upload):
        raise PhotoRefused("markup")
    upload.seek(0)
    return kind


def _target_size(width, height, limit):
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def to_8bit(image):
    """8-bit RGB or L; 16-bit grey is scaled (not clipped), alpha flattened on white."""
    mode = image.mode
    if mode in ("RGB", "L"):
        return image
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "1":
        return image.convert("L")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")  # CMYK (Adobe inversion handled by Pillow), P, YCbCr, LAB, HSV


def _decode(upload, kind):
    """Open, check declared size, decode (draft for JPEG), orient, convert, downscale."""
    limit = conf.max_side()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=[kind])
            if image.format != kind:
                raise PhotoRefused("not_image")
            width, height = image.size
            if width * height > conf.max_pixels():
                raise PhotoRefused("too_many_pixels", width=width, height=height)
            if kind != "HEIF" and getattr(image, "is_animated", False):
                raise PhotoRefused("animated")
            if min(width, height) < conf.min_short_side():
                raise PhotoRefused("too_small", width=width, height=height, minimum=conf.min_short_side())
            if kind == "JPEG":
                image.draft("RGB" if image.mode in ("RGB", "YCbCr") else None, _target_size(width, height, limit))
            image.load()
            image = to_8bit(image)
            if max(image.size) > limit:  # before orienting: rotating the smaller image is cheaper
                image.thumbnail((limit, limit), Image.Resampling.BICUBIC)
            ImageOps.exif_transpose(image, in_place=True)
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused("too_many_pixels_unknown")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError) as exc:
            logger.info("document photo could not be decoded: %s", type(exc).__name__)
            raise PhotoRefused("damaged")
    return image


def _save_clean(image, directory, suffix, **options):
    """Write a fresh JPEG with no metadata at all; returns its path."""
    image.info.clear()  # nothing from the source (EXIF, XMP, ICC, comments) is carried over
    handle, name = tempfile.mkstemp(prefix="doc-", suffix=suffix, dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            image.save(out, "JPEG", exif=b"", **options)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return Path(name)


def process_photo(upload, staging: Path, keep=True) -> ProcessedPhoto:
    """Check and convert one upload; raises PhotoRefused with a code for the client.

    keep=False only checks (the instant check of the page): nothing is written.
    """
    _check_size(upload)
    kind = _detect(upload)
    image = _decode(upload, kind)
    try:
        verdict = quality.assess(image)
        if verdict.refusal:
            raise PhotoRefused(verdict.refusal, scores=verdict.scores)
        width, height = image.size
        if not keep:
            return ProcessedPhoto(None, None, width, height, kind, verdict.scores, verdict.warnings)
        image_path = _save_clean(image, staging, ".jpg", quality=conf.jpeg_quality())
        try:
            image.thumbnail((conf.thumbnail_side(), conf.thumbnail_side()), Image.Resampling.BILINEAR)
            thumbnail_path = _save_clean(image, staging, ".jpg", quality=75)
        except BaseException:
            os.unlink(image_path)
            raise
    finally:
        image.close()
    return ProcessedPhoto(
        image_path=image_path,
        thumbnail_path=thumbnail_path,
        width=width,
        height=height,
        source_format=kind,
        scores=verdict.scores,
        warnings=verdict.warnings,
    )
