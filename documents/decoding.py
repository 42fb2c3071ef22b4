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
animations and too small photos; JPEG draft() decodes at 1/2–1/8 scale when
that still covers the stored size (a huge HEIC is box-reduced by an integer
factor instead); decode; convert to 8-bit RGB or L (CMYK, 16-bit, palette,
alpha); turn upright from the EXIF orientation (broken EXIF is ignored: the
photo is processed without it); find the document's outline and judge its
effective dpi for its format (outline.py) on this working image, at the
original photo's scale; downscale to the stored size (OpenCV's area
averaging); quality checks on it; write a fresh JPEG, a thumbnail and, when
an outline was found, the straightened document (cut from the working image,
so it keeps more than the stored photo's resolution), all without metadata.
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
from typing import Any

import cv2
import numpy as np
import pillow_heif
from PIL import Image, ImageOps

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


def upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a photo whose EXIF cannot be read is kept as it is."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    # Malformed EXIF (struct.error, bad offsets…): the pixels are fine.
    except Exception:  # noqa: BLE001
        image.info.pop("exif", None)
    return image


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


def decode(data: bytes, kind: str, p: Params) -> tuple[Image.Image, float]:
    """Open, check, decode (draft for JPEG), convert, shrink to the working size, orient.

    Returns (image, scale): `scale` is how many pixels of the original photo one pixel of the
    returned image stands for (the effective dpi is judged at the original resolution).
    """
    limit = p["max_side"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_checked(data, kind, p)
            original = max(image.size)
            if image.format in ("JPEG", "MPO"):
                image.draft(
                    "RGB" if image.mode in ("RGB", "YCbCr") else None,
                    target_size(*image.size, limit),
                )
            image.load()
            image = to_8bit(image)
            factor = int(max(image.size) / limit)
            if factor >= 2:  # a 48 MP HEIC: an integer box reduce is quick and keeps ≥ limit
                image = image.reduce(factor)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too_many_pixels_unknown") from None
        except image_limits.READ_ERRORS:
            raise Refused("damaged") from None
    return upright(image), original / max(image.size)


def planes(image: Image.Image) -> list[np.ndarray]:
    """The image's channels as uint8 arrays. Pillow hands out a one-channel image as a plain copy,
    while an RGB image goes through a slow repacking (about 75 ms for 12 MP): split first."""
    return [np.asarray(band) for band in image.split()]


def from_planes(arrays: list[np.ndarray]) -> Image.Image:
    bands = [Image.fromarray(array) for array in arrays]
    return bands[0] if len(bands) == 1 else Image.merge("RGB", bands)


def shrink(image: Image.Image, layers: list[np.ndarray], limit: int) -> Image.Image:
    """The image at most `limit` px on the long side. Above half size OpenCV's bilinear resize (no
    aliasing) of each channel; a few times faster than Pillow's resize of a 12 MP photo."""
    if max(image.size) <= limit:
        return image
    size = target_size(*image.size, limit)
    method = cv2.INTER_LINEAR if limit * 2 >= max(image.size) else cv2.INTER_AREA
    return from_planes([cv2.resize(layer, size, interpolation=method) for layer in layers])


def save_clean(image: Image.Image, path: str, **options: Any) -> None:
    """Write a fresh JPEG with no metadata at all (EXIF, XMP, ICC, comments)."""
    image.info.clear()
    with open(path, "wb") as out:
        image.save(out, "JPEG", exif=b"", **options)
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
    image, scale = decode(data, kind, p)
    grey = image if image.mode == "L" else image.convert("L")
    corners, document = judge_document(np.asarray(grey), scale, p)
    layers = planes(image) if image.mode == "RGB" else [np.asarray(grey)]
    stored = shrink(image, layers, p["max_side"])
    verdict = quality.assess(grey, p["thresholds"])  # measured on a 1000 px copy of the grey photo
    verdict.scores.update(document)
    judge_resolution(verdict, document["dpi"], p)
    if verdict.refusal and p.get("accept_poor") and verdict.refusal in p.get("overridable", ()):
        verdict.warnings.insert(0, verdict.refusal)  # sent anyway: kept, flagged for staff
    elif verdict.refusal == "too_low_resolution":  # the photo is shown with the document marked
        verdict.scores.update(width=stored.width, height=stored.height)
        raise Refused(
            verdict.refusal, scores=verdict.scores, dpi=document["dpi"], minimum=p["dpi"]["refuse"]
        )
    elif verdict.refusal:
        raise Refused(verdict.refusal, scores=verdict.scores)
    width, height = stored.size
    if p["keep"]:
        try:
            if corners is not None:
                size = outline.straightened_size(
                    *outline.edge_lengths(corners), p["page_format"], p["max_side"]
                )
                verdict.scores["straightened"] = list(size)
                save_clean(
                    from_planes(outline.straighten(layers, corners, size)),
                    p["document_path"],
                    quality=p["jpeg_quality"],
                )
            save_clean(stored, p["image_path"], quality=p["jpeg_quality"])
            stored.thumbnail((p["thumbnail_side"], p["thumbnail_side"]), Image.Resampling.BILINEAR)
            save_clean(stored, p["thumbnail_path"], quality=75)
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
