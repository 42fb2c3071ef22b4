"""Limits an uploaded image must meet before any pixel is decoded (shared by every decode).

Checked on what the header declares: the number of pixels, and the bytes
the decoded pixels take for that format's bit depth and channels (alpha
and 16-bit images count double), so a 34-byte lossless WebP declaring
7000 × 7000 RGBA pixels is refused before it becomes 196 MB in memory.
For JPEG also the number of scans: a progressive JPEG with thousands of
scans decodes each pixel thousands of times (a "scan bomb").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import UnidentifiedImageError

if TYPE_CHECKING:
    from PIL import Image

# What a broken or hostile file raises from Pillow's open() or load(): refused as "not an image".
READ_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
)

BITS_PER_PIXEL = {
    "1": 1,
    "L": 8,
    "P": 8,
    "LA": 16,
    "La": 16,
    "PA": 16,
    "RGB": 24,
    "YCbCr": 24,
    "LAB": 24,
    "HSV": 24,
    "RGBA": 32,
    "RGBa": 32,
    "RGBX": 32,
    "CMYK": 32,
    "I": 32,
    "F": 32,
    "I;16": 16,
    "I;16L": 16,
    "I;16B": 16,
    "I;16N": 16,
}


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """Bytes of the decoded pixels: width × height × bits per pixel of the mode (32 when
    unknown)."""
    width, height = size
    return width * height * BITS_PER_PIXEL.get(mode, 32) // 8


def jpeg_scans(data: bytes) -> int:
    """Start-of-scan markers in a JPEG. Entropy-coded data never contains FF DA (0xFF is stuffed
    with 0x00 there), so this counts every scan, plus those of an embedded EXIF thumbnail."""
    return data.count(b"\xff\xda")


def refusal(
    image: Image.Image, max_pixels: int, max_decoded_bytes: int
) -> tuple[str, dict[str, int]] | None:
    """None, or (code, params) for an image whose declared size is over a limit."""
    width, height = image.size
    if width * height > max_pixels:
        return "too_many_pixels", {"width": width, "height": height}
    if decoded_bytes(image.mode, image.size) > max_decoded_bytes:
        return "too_many_pixels", {"width": width, "height": height}
    return None
