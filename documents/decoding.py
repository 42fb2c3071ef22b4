"""The part of a photo's processing that touches its pixels; runs in a sandboxed child.

`python -m documents.decoding` reads a line of JSON parameters and the photo
on stdin (portal/sandbox_job.py) and answers one JSON
object: {"ok": true, width, height, format, scores, warnings},
{"ok": false, "code", "params", "scores"} for a refused photo, or
{"ok": false, "write_error": errno} when staging could not be written. Started by imaging.py through
portal/sandbox.py (CPU, memory and time limits), so nothing here can hurt
the web worker. No Django: every setting arrives in the parameters.

Steps: open restricted to the sniffed format (a JPEG with a second MPF
image, "MPO", counts as JPEG and its primary image is used); refuse, before
decoding, too many scans, pixels or decoded bytes (portal/image_limits.py),
animations and too small photos; decode: an 8-bit colour or grey JPEG by
OpenCV straight into an array, at 1/2–1/8 scale when that still covers the
stored size, an 8-bit colour HEIC by libheif straight into an array, everything
else by Pillow (then converted to 8 bits: CMYK, 16-bit, palette, alpha); a
huge photo is area-reduced by a whole factor that keeps the stored size; turn
upright from the EXIF orientation (broken EXIF is ignored: the photo is
processed without it); find the document's outline and judge its effective
dpi for its format (outline.py) on this working image, at the original
photo's scale; downscale to the stored size; quality checks on a grey copy;
write a fresh JPEG, a thumbnail and, when an outline was found, the
straightened document (cut from the working image, so it keeps more than
the stored photo's resolution), all without metadata.

From the decode on, the photo is one numpy array in OpenCV's BGR order, and
every step is one OpenCV call on it: no copies between Pillow and numpy, no
per-channel splitting (12 MP JPEG: 207 instead of 279 ms of CPU).
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pillow_heif
from PIL import ExifTags, Image

from documents import outline, quality
from portal import image_limits, sandbox_job

Params = dict[str, Any]  # what imaging._params sends the child: limits, thresholds, format

pillow_heif.register_heif_opener()
cv2.setNumThreads(1)  # the CPU-time limit counts every thread; one core per photo is the budget


class Refused(Exception):
    def __init__(self, code: str, scores: dict[str, Any] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params, self.scores = code, params, scores or {}


def target_size(width: int, height: int, limit: int) -> tuple[int, int]:
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def to_8bit(image: Image.Image) -> Image.Image:
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


# EXIF orientation → the OpenCV operations that turn the stored pixels upright (the same turns as
# Pillow's ImageOps.exif_transpose; OpenCV rotates an RGB photo about twice as fast).
TURNS: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda pixels: cv2.flip(pixels, 1),
    3: lambda pixels: cv2.rotate(pixels, cv2.ROTATE_180),
    4: lambda pixels: cv2.flip(pixels, 0),
    5: lambda pixels: cv2.transpose(pixels),
    6: lambda pixels: cv2.rotate(pixels, cv2.ROTATE_90_CLOCKWISE),
    7: lambda pixels: cv2.rotate(cv2.transpose(pixels), cv2.ROTATE_180),
    8: lambda pixels: cv2.rotate(pixels, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


def orientation(image: Image.Image) -> int:
    """The EXIF orientation (1–8, 1 when upright); a photo whose EXIF cannot be read counts as
    upright: the pixels are fine."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    # Malformed EXIF (struct.error, bad offsets…).
    except Exception:  # noqa: BLE001
        return 1
    return value if value in TURNS else 1


def upright(pixels: np.ndarray, turn: int) -> np.ndarray:
    return TURNS[turn](pixels) if turn in TURNS else pixels


def open_checked(data: bytes, kind: str, p: Params) -> Image.Image:
    """Open and check everything the header declares; returns the image, not yet decoded."""
    if kind == "JPEG" and image_limits.jpeg_scans(data) > p["max_scans"]:
        raise Refused("too_complex")
    image = Image.open(io.BytesIO(data), formats=[kind])
    accepted = ("JPEG", "MPO") if kind == "JPEG" else (kind,)
    if image.format not in accepted:
        raise Refused("not_image")
    width, height = image.size
    over = image_limits.refusal(image, p["max_pixels"], p["max_decoded_bytes"])
    if over:
        raise Refused(over[0], None, **over[1])
    if image.format not in ("HEIF", "MPO") and getattr(image, "is_animated", False):
        raise Refused("animated")
    if min(width, height) < p["min_short_side"]:
        raise Refused("too_small", width=width, height=height, minimum=p["min_short_side"])
    return image


def decode(data: bytes, kind: str, p: Params) -> tuple[np.ndarray, float]:
    """Open, check, decode (at a reduced scale where that still covers the stored size), convert,
    shrink to the working size, orient.

    Returns (pixels, scale): the upright photo as a uint8 array (height × width × 3 in OpenCV's
    BGR order, or height × width grey) and how many pixels of the original photo one of its
    pixels stands for (the effective dpi is judged at the original resolution).
    """
    limit = p["max_side"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_checked(data, kind, p)
            original = max(image.size)
            if image.format in ("JPEG", "MPO") and image.mode in ("RGB", "L"):
                pixels = decode_jpeg(data, image, limit)
            elif image.format == "HEIF" and image.mode == "RGB":
                pixels = decode_heif(data, limit)
            else:
                pixels = decode_other(image, limit)
            turn = orientation(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too_many_pixels_unknown") from None
        except image_limits.READ_ERRORS:
            raise Refused("damaged") from None
    return upright(pixels, turn), original / max(pixels.shape[:2])


# The scale a JPEG is decoded at → OpenCV's flags for (colour, grey).
REDUCED_READS = {
    1: (cv2.IMREAD_COLOR, cv2.IMREAD_GRAYSCALE),
    2: (cv2.IMREAD_REDUCED_COLOR_2, cv2.IMREAD_REDUCED_GRAYSCALE_2),
    4: (cv2.IMREAD_REDUCED_COLOR_4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
    8: (cv2.IMREAD_REDUCED_COLOR_8, cv2.IMREAD_REDUCED_GRAYSCALE_8),
}


def decode_jpeg(data: bytes, image: Image.Image, limit: int) -> np.ndarray:
    """An 8-bit colour or grey JPEG (or an MPO's primary image) decoded by OpenCV straight into
    an array, at 1/2, 1/4 or 1/8 scale when that still covers `limit` px (as Pillow's draft()).
    libjpeg-turbo, as in Pillow, without Pillow's copy into an array afterwards (about 30 ms
    for 12 MP). Pillow has opened and checked the file's header first (open_checked)."""
    if data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda"):
        # No end-of-image marker after the last scan: the file was cut short. (Scan data never
        # holds FF D9, and libjpeg would fill the missing part with grey, where Pillow refuses.)
        raise Refused("damaged")
    width, height = image.size
    wanted_width, wanted_height = target_size(width, height, limit)
    scale = min(width // wanted_width, height // wanted_height)
    colour, grey = REDUCED_READS[next(factor for factor in (8, 4, 2, 1) if factor <= scale)]
    flags = (grey if image.mode == "L" else colour) | cv2.IMREAD_IGNORE_ORIENTATION
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if pixels is None:
        raise Refused("damaged")
    return pixels


def decode_heif(data: bytes, limit: int) -> np.ndarray:
    """An 8-bit colour HEIC's primary image decoded by libheif straight into an array in OpenCV's
    order (a phone's grid tiles in parallel), then reduced by a whole factor when that keeps
    `limit` px: no copy through Pillow (48 MP: about 0.2 s less)."""
    pixels = np.asarray(pillow_heif.open_heif(io.BytesIO(data), bgr_mode=True))
    factor = int(max(pixels.shape[:2]) / limit)
    return reduce_by(pixels, factor) if factor >= 2 else pixels


def reduce_by(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Area averaging by a whole factor (OpenCV's fast path), after trimming the few rows and
    columns that do not divide."""
    height, width = pixels.shape[:2]
    trimmed = pixels[: height - height % factor, : width - width % factor]
    return cv2.resize(
        trimmed,
        (trimmed.shape[1] // factor, trimmed.shape[0] // factor),
        interpolation=cv2.INTER_AREA,
    )


def decode_other(image: Image.Image, limit: int) -> np.ndarray:
    """PNG, WebP, HEIF and the rarer JPEGs (CMYK…) through Pillow: decode, 8-bit, and an integer
    box reduce when that keeps at least `limit` px (a 48 MP HEIC)."""
    if image.format in ("JPEG", "MPO"):
        image.draft(None, target_size(*image.size, limit))
    image.load()
    eight_bit = to_8bit(image)
    factor = int(max(eight_bit.size) / limit)
    if factor >= 2:
        eight_bit = eight_bit.reduce(factor)
    pixels = np.asarray(eight_bit)
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)


def grey_of(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def shrink(pixels: np.ndarray, limit: int) -> np.ndarray:
    """The photo at most `limit` px on the long side: OpenCV's bilinear resize above half size
    (no aliasing there), its area averaging below."""
    height, width = pixels.shape[:2]
    if max(width, height) <= limit:
        return pixels
    size = target_size(width, height, limit)
    method = cv2.INTER_LINEAR if limit * 2 >= max(width, height) else cv2.INTER_AREA
    return cv2.resize(pixels, size, interpolation=method)


def thumbnail(pixels: np.ndarray, side: int) -> np.ndarray:
    """At most `side` px on the long side, by area averaging: first by a whole factor (quick),
    then to the size."""
    height, width = pixels.shape[:2]
    if max(width, height) <= side:
        return pixels
    factor = max(width, height) // side
    reduced = reduce_by(pixels, factor) if factor >= 2 else pixels
    return cv2.resize(reduced, target_size(width, height, side), interpolation=cv2.INTER_AREA)


def encode_jpeg(pixels: np.ndarray, quality: int) -> bytes:
    """A fresh JPEG with no metadata at all (OpenCV writes only the JFIF header: no EXIF, XMP,
    ICC profile or comment)."""
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(errno.EIO, "the JPEG encoder failed")
    return encoded.tobytes()


def save_clean(pixels: np.ndarray, path: str, quality: int) -> None:
    """Write the pixels as a fresh, metadata-free JPEG, on disk before the answer is sent."""
    data = encode_jpeg(pixels, quality)
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def judge_document(
    grey: np.ndarray, scale: float, p: Params
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """Find the document, measure its effective dpi for its format: (corners or None, scores)."""
    height, width = grey.shape[:2]
    corners = outline.find_outline(grey)
    measured = outline.edge_lengths(corners) if corners is not None else (width, height)
    dpi = outline.effective_dpi(measured[0] * scale, measured[1] * scale, p["page_format"])
    box = (
        outline.bounding_box(corners, width, height)
        if corners is not None
        else [0.0, 0.0, 1.0, 1.0]
    )
    scores = {
        "page_format": p["page_format"],
        "dpi": round(dpi),
        "min_dpi": p["dpi"]["refuse"],
        "outline_found": corners is not None,
        "document_box": box,
        "outline": [[round(float(x) / width, 4), round(float(y) / height, 4)] for x, y in corners]
        if corners is not None
        else None,
    }
    return corners, scores


def judge_resolution(verdict: quality.Assessment, dpi: float, p: Params) -> None:
    """Refuse under the format's minimum dpi, warn under the recommended one (after the quality
    checks)."""
    if verdict.refusal:
        return
    if dpi < p["dpi"]["refuse"]:
        verdict.refusal = "too_low_resolution"
    elif dpi < p["dpi"]["warn"]:
        verdict.warnings.append("low_resolution")


def process(data: bytes, p: Params) -> dict[str, Any]:
    kind = p["kind"]
    pixels, scale = decode(data, kind, p)
    grey = grey_of(pixels)
    corners, document = judge_document(grey, scale, p)
    stored = shrink(pixels, p["max_side"])
    # measured on a 1000 px copy of the grey photo
    verdict = quality.assess(Image.fromarray(grey), p["thresholds"])
    verdict.scores.update(document)
    judge_resolution(verdict, document["dpi"], p)
    if verdict.refusal and p.get("accept_poor") and verdict.refusal in p.get("overridable", ()):
        verdict.warnings.insert(0, verdict.refusal)  # sent anyway: kept, flagged for staff
    elif verdict.refusal == "too_low_resolution":  # the photo is shown with the document marked
        verdict.scores.update(width=stored.shape[1], height=stored.shape[0])
        raise Refused(
            verdict.refusal, scores=verdict.scores, dpi=document["dpi"], minimum=p["dpi"]["refuse"]
        )
    elif verdict.refusal:
        raise Refused(verdict.refusal, scores=verdict.scores)
    height, width = stored.shape[:2]
    if p["keep"]:
        try:
            if corners is not None:
                size = outline.straightened_size(
                    *outline.edge_lengths(corners), p["page_format"], p["max_side"]
                )
                verdict.scores["straightened"] = list(size)
                save_clean(
                    outline.straighten(pixels, corners, size),
                    p["document_path"],
                    quality=p["jpeg_quality"],
                )
            save_clean(stored, p["image_path"], quality=p["jpeg_quality"])
            save_clean(thumbnail(stored, p["thumbnail_side"]), p["thumbnail_path"], quality=75)
        except OSError as exc:  # a full disk: the worker answers 503, it is not the photo's fault
            return {"ok": False, "write_error": exc.errno or 0}
    return {
        "ok": True,
        "width": width,
        "height": height,
        "format": kind,
        "scores": verdict.scores,
        "warnings": verdict.warnings,
    }


def warm_up() -> None:
    """Run the steps once on a small picture (in the fork server, portal/sandbox_forkserver.py),
    so that every forked child finds the first-use set-up of OpenCV, Pillow and numpy done."""
    picture = np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    data = encode_jpeg(picture, 85)
    with Image.open(io.BytesIO(data)) as image:
        orientation(image)
        pixels = decode_jpeg(data, image, 80)
    grey = grey_of(upright(pixels, 6))
    outline.find_outline(grey)
    quality.measure(Image.fromarray(grey))
    corners = np.array([[10, 10], [70, 12], [68, 100], [8, 98]], dtype=np.float32)
    encode_jpeg(thumbnail(outline.straighten(pixels, corners, (40, 60)), 20), 75)


def main() -> None:
    params, data = sandbox_job.read_job()
    try:
        answer = process(data, params)
    except Refused as refused:
        answer = {
            "ok": False,
            "code": refused.code,
            "params": refused.params,
            "scores": refused.scores,
        }
    except MemoryError:
        sys.exit(3)  # portal.sandbox.EXIT_MEMORY
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
