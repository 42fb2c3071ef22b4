"""Turn one uploaded file into a safe, upright, metadata-free JPEG plus a thumbnail.

Steps, one file at a time:
1. size limits (empty, over DOCUMENTS_MAX_FILE_BYTES);
2. real type from the first bytes (JPEG, PNG, WebP, HEIC/HEIF), never the name;
   GIF, SVG, PDF, text and anything else are refused; a file carrying HTML,
   SVG or script markup anywhere (a polyglot) is refused too;
3. everything that touches pixels (limits checked before decoding, decode,
   8-bit conversion, downscale, orientation, quality checks, the clean
   re-encode into the staging folder) runs in documents/decoding.py in a
   child process under CPU, memory and time limits (portal/sandbox.py): a
   file that needs more is refused as "too complex" within seconds, and the
   web worker never holds the decoded pixels.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from documents.conf import app_settings
from documents.errors import OVERRIDABLE, PhotoRefused
from portal import sandbox

logger = logging.getLogger(__name__)

HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
}
ACCEPTED = ("JPEG", "PNG", "WEBP", "HEIF")
# Markup that has no business in a photo. Long enough that compressed image
# data practically never matches by chance (≥ 2^-36 per byte position).
# Matched on lower-cased bytes: a pattern that starts with a literal "<" is
# scanned about ten times faster than one compiled with re.IGNORECASE.
MARKUP = re.compile(
    rb"<(?:script|!doctype|iframe|object[\s>]|embed[\s>]|html[\s>]|body[\s>]|svg[\s>/])"
)
SCRIPT_URL = b"javascript:"
CHUNK = 256 * 1024
DECODER = "documents.decoding"  # the module the sandboxed child runs


def get_ready() -> None:
    """Called by the pages photos are sent from: the decoder's fork server starts while the client
    chooses photos."""
    sandbox.start_ahead(DECODER)


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


def contains_markup(upload: UploadedFile) -> bool:
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
    document_path: Path | None  # the straightened document; None when no outline was found
    width: int
    height: int
    source_format: str
    scores: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    client_note: str = ""  # the client's note when sent anyway (set by services)

    def discard_document(self) -> None:
        """No outline was found: the whole photo stands for the document, there is no crop."""
        if self.document_path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.document_path)
            self.document_path = None

    def discard(self) -> None:
        for path in (self.image_path, self.thumbnail_path, self.document_path):
            if path is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _check_size(upload: UploadedFile) -> None:
    size = upload.size or 0
    if size == 0:
        raise PhotoRefused("empty")
    if size > app_settings.MAX_FILE_BYTES:
        raise PhotoRefused("too_large", limit=app_settings.max_file_megabytes())


def _detect(upload: UploadedFile) -> str:
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


def _params(
    kind: str,
    image_path: Path | None,
    thumbnail_path: Path | None,
    document_path: Path | None,
    keep: bool,
    accept_poor: bool = False,
    page_format: str = "page",
) -> dict[str, Any]:
    return {
        "kind": kind,
        "keep": keep,
        "accept_poor": accept_poor,
        "page_format": page_format,
        "dpi": {"refuse": app_settings.MIN_DPI, "warn": app_settings.RECOMMENDED_DPI},
        "overridable": sorted(OVERRIDABLE),
        "image_path": str(image_path) if image_path else None,
        "thumbnail_path": str(thumbnail_path) if thumbnail_path else None,
        "document_path": str(document_path) if document_path else None,
        "max_file_bytes": app_settings.MAX_FILE_BYTES,
        "max_pixels": app_settings.MAX_PIXELS,
        "max_decoded_bytes": app_settings.MAX_DECODED_BYTES,
        "max_scans": app_settings.MAX_JPEG_SCANS,
        "max_side": app_settings.MAX_SIDE,
        "min_short_side": app_settings.MIN_SHORT_SIDE,
        "thumbnail_side": app_settings.THUMBNAIL_SIDE,
        "jpeg_quality": app_settings.JPEG_QUALITY,
        "thresholds": app_settings.thresholds(),
    }


def _source(upload: UploadedFile) -> AbstractContextManager[Any]:
    """What the child reads on stdin: the upload's temp file itself, or its bytes."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return open(path(), "rb")  # noqa: SIM115 — closed by the caller
    upload.seek(0)
    return contextlib.nullcontext(upload.read())


def _staged_file(staging: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix="doc-", suffix=".jpg", dir=staging)
    os.close(handle)
    return Path(name)


def process_photo(
    upload: UploadedFile,
    staging: Path,
    keep: bool = True,
    accept_poor: bool = False,
    page_format: str = "page",
) -> ProcessedPhoto:
    """Check and convert one upload; raises PhotoRefused with a code for the client.

    keep=False only checks (the instant check of the page): nothing is written.
    accept_poor=True keeps a photo the quality checks would refuse (blurred,
    motion-blurred, dark: errors.OVERRIDABLE), its refusal code first among its
    warnings; the client sends it anyway after two tries. Nothing else is waived.
    page_format (models.PageFormat: page, id_card, passport) sets the size the effective dpi is
    judged for.
    """
    _check_size(upload)
    kind = _detect(upload)
    paths: tuple[Path | None, Path | None, Path | None] = (
        (_staged_file(staging), _staged_file(staging), _staged_file(staging))
        if keep
        else (None, None, None)
    )
    photo = ProcessedPhoto(*paths, width=0, height=0, source_format=kind)
    params = _params(kind, *paths, keep, accept_poor, page_format)
    try:
        with _source(upload) as source:
            answer = sandbox.run(DECODER, params, source)
        if "write_error" in answer:
            raise OSError(answer["write_error"], os.strerror(answer["write_error"]))
        if not answer["ok"]:
            raise PhotoRefused(answer["code"], scores=answer["scores"], **answer["params"])
    except sandbox.LimitExceeded as stopped:
        photo.discard()
        logger.info("document photo refused by the sandbox: %s", stopped.reason)
        raise PhotoRefused("too_complex") from None
    except BaseException:
        photo.discard()
        raise
    photo.width, photo.height = answer["width"], answer["height"]
    photo.scores, photo.warnings = answer["scores"], answer["warnings"]
    if not keep:
        photo.image_path = photo.thumbnail_path = photo.document_path = None
    elif not photo.scores.get("outline_found"):
        photo.discard_document()
    return photo
