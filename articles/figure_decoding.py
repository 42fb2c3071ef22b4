"""Decode a figure image and make its renditions; runs in a sandboxed child (portal/sandbox.py).

`python -m articles.figure_decoding` reads a line of JSON parameters and the image on
stdin (portal/sandbox_job.py) and answers one JSON
object: {"ok": true, "width", "height", "files": [[width, extension, path]]}
or {"ok": false, "code": "not_image" | "too_many_pixels" | "too_complex", ...}. Limits of
portal/image_limits.py are checked before decoding; with no widths the image
is only decoded completely (the upload check). No Django here.
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
from typing import TYPE_CHECKING

from PIL import Image

from portal import image_limits, sandbox_job

if TYPE_CHECKING:
    from typing import Any

RENDITION_FORMATS = (
    ("webp", "WEBP", {"quality": 80, "method": 4}),
    ("jpg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
)


def decode(data: bytes, p: dict[str, Any]) -> Image.Image | dict[str, Any]:
    """The decoded image, or a refusal dict."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if data.startswith(b"\xff\xd8") and image_limits.jpeg_scans(data) > p["max_scans"]:
                return {"ok": False, "code": "too_complex"}
            image = Image.open(io.BytesIO(data), formats=p["formats"])
            over = image_limits.refusal(image, p["max_pixels"], p["max_decoded_bytes"])
            if over:
                return {"ok": False, "code": over[0], **over[1]}
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return {"ok": False, "code": "too_many_pixels", "width": 0, "height": 0}
        except image_limits.READ_ERRORS:
            return {"ok": False, "code": "not_image"}
    return image


def renditions(image: Image.Image, widths: list[int], out_dir: str) -> list:
    """Each width (never upscaled) as WebP and as JPEG (transparency flattened on white)."""
    width, height = image.size
    base = (
        image.convert("RGBA") if image.mode in ("P", "LA", "RGBA", "PA") else image.convert("RGB")
    )
    files = []
    for target in sorted({min(w, width) for w in widths}):
        resized = (
            base.resize((target, round(height * target / width)), Image.Resampling.LANCZOS)
            if target != width
            else base
        )
        for extension, pil_format, options in RENDITION_FORMATS:
            out = resized
            if pil_format == "JPEG" and out.mode != "RGB":
                out = Image.new("RGB", resized.size, (255, 255, 255))
                out.paste(resized, mask=resized.getchannel("A"))
            path = os.path.join(out_dir, f"{target}.{extension}")
            out.save(path, pil_format, **options)
            files.append([target, extension, path])
    return files


def main() -> None:
    params, data = sandbox_job.read_job()
    try:
        image = decode(data, params)
        if isinstance(image, dict):
            answer = image
        else:
            files = (
                renditions(image, params["widths"], params["out_dir"]) if params["widths"] else []
            )
            answer = {"ok": True, "width": image.width, "height": image.height, "files": files}
    except MemoryError:
        sys.exit(3)  # portal.sandbox.EXIT_MEMORY
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
