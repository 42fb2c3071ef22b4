"""Generated test images (good pages and every kind of bad input), as bytes."""

import io
import struct
import zlib

import pillow_heif
from PIL import Image

from tests.documents import samples

PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi: above the 1000 px minimum, quick to process


def page(seed=1):
    return samples.text_page(*PAGE_SIZE, seed=seed)


def jpeg(image, **options):
    return samples.encode(image, "JPEG", **options)


def sharp_jpeg(seed=1):
    return jpeg(samples.photo(page(seed)))


def blurred_jpeg(seed=1):
    return jpeg(samples.photo(page(seed), blur=4))


def dark_jpeg():
    return jpeg(samples.photo(page(), brightness=0.25))


def glare_jpeg():
    return jpeg(samples.photo(page(), glare=0.35))


def small_jpeg():
    return jpeg(samples.photo(samples.text_page(900, 700)))


def cmyk_jpeg():
    return jpeg(samples.photo(page(), mode="CMYK"))


def png16():
    """A 16-bit grey PNG of a page (values × 257, so the 8-bit conversion must scale, not clip)."""
    grey = samples.photo(page(), mode="L")
    wide = grey.convert("I").point(lambda value: value * 257)
    return samples.encode(wide.convert("I;16"), "PNG")


def heic():
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    samples.photo(page()).save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


def webp():
    return samples.encode(samples.photo(page()), "WEBP", quality=85)


def rotated_jpeg():
    """Stored lying on its side with EXIF Orientation 6: upright it is portrait, dark block
    top-left."""
    upright = samples.photo(page())
    upright.paste((0, 0, 0), (0, 0, 300, 300))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # exif_transpose applies ROTATE_270 for 6
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg(stored, exif=exif.tobytes())


def gps_jpeg():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (47.0, 22.0, 30.5)
    gps[3] = "E"
    gps[4] = (8.0, 32.0, 10.25)
    return jpeg(samples.photo(page()), exif=exif.tobytes())


def truncated_jpeg():
    data = sharp_jpeg()
    return data[: len(data) // 2]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, kind, data and checksum."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(side=30_000):
    """A valid 1-bit PNG of side × side pixels, all black: about 100 kB, compressed as it is
    made."""
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    rows_per_block = 1000
    block = row * rows_per_block
    parts = []
    for _ in range(side // rows_per_block):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(row * (side % rows_per_block)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


def animated_gif():
    frames = [Image.new("P", (1200, 1200), color) for color in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def animated_png():
    base = samples.photo(page())
    frames = [base, base.point(lambda v: 255 - v)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="2000">'
    b"<script>alert(document.cookie)</script><rect width='2000' height='2000'/></svg>"
)


def polyglot_jpeg():
    """A decodable JPEG whose comment segment and tail carry an HTML page with a script."""
    data = sharp_jpeg()
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    return data[:2] + comment + data[2:] + html


TEXT_AS_JPEG = b"Dear client services,\nplease find my passport attached.\n" * 20


def scan_bomb_jpeg(scans=12_000):
    """A progressive JPEG with its smallest AC refinement scan repeated: each scan walks every
    block of the image again (12,000 scans: 0.9 MB; 100,000 scans decode for about 20 s)."""
    data = jpeg(samples.photo(page()), progressive=True)
    starts = [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] == 0xDA]
    end = data.rfind(b"\xff\xd9")
    pieces = [data[a:b] for a, b in zip(starts, starts[1:] + [end], strict=True)]

    def refines_ac(piece):
        components = piece[4]
        return (
            piece[5 + 2 * components] > 0 and piece[7 + 2 * components] >> 4 > 0
        )  # Ss > 0, Ah > 0

    smallest = min(filter(refines_ac, pieces), key=len)
    return data[:end] + smallest * scans + data[end:]


def long_scan_bomb_jpeg():
    return scan_bomb_jpeg(100_000)


def tiny_huge_webp():
    """A lossless WebP of a few dozen bytes declaring 7000 × 7000 RGBA pixels (196 MB decoded)."""
    return samples.encode(
        Image.new("RGBA", (7000, 7000), (255, 255, 255, 0)), "WEBP", lossless=True, method=0
    )


def rgba_png_bomb(side=7000):
    """A valid RGBA PNG, side × side, all transparent: about 200 kB, 196 MB decoded."""
    row = b"\x00" * (1 + side * 4)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row * 500) for _ in range(side // 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def mpo():
    """A camera JPEG with an MPF second image (MPO): primary = the page with a dark block
    top-left, second = a small preview of something else."""
    primary = samples.photo(page())
    primary.paste((0, 0, 0), (0, 0, 300, 300))
    second = Image.new("RGB", (640, 480), (255, 0, 0))
    buffer = io.BytesIO()
    primary.save(buffer, "MPO", save_all=True, append_images=[second], quality=90)
    return buffer.getvalue()


def exif_mutations(count, seed=11):
    """`count` copies of a JPEG (a page, 1000 × 1300) whose EXIF block has random bytes changed."""
    import random

    rng = random.Random(seed)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 1
    exif[0x0132] = "2026:01:02 03:04:05"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (47.0, 22.0, 30.5)
    raw = exif.tobytes()
    base = jpeg(samples.photo(samples.text_page(1000, 1300)), exif=raw)
    start = base.index(raw)
    mutated = []
    for _ in range(count):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            data[start + 6 + rng.randrange(len(raw) - 6)] = rng.randrange(256)
        mutated.append(bytes(data))
    return mutated


def glare_spot_jpeg():
    """A page with a washed-out spot over 10 % of it (centred 60 % across, 40 % down)."""
    return jpeg(samples.photo(page(), spot=0.1))


# Physical sizes in mm (width, height) of the generated documents, portrait pages, landscape cards.
DOCUMENT_MM = {"page": (210.0, 297.0), "id_card": (85.6, 53.98), "passport": (125.0, 88.0)}


def textured_background(size, seed=3, level=55):
    """A dark (`level` ≈ its mean grey), grainy, uneven table top (wood-like stripes plus noise)."""
    import numpy as np

    width, height = size
    rng = np.random.default_rng(seed)
    ys = np.linspace(0, 1, height)[:, None]
    xs = np.linspace(0, 1, width)[None, :]
    stripes = (
        18 * np.sin(40 * ys + 6 * np.sin(5 * xs)) + 25 * xs + rng.normal(0, 8, (height, width))
    )
    grey = np.clip(level + stripes, 0, 255).astype(np.uint8)
    return np.stack([grey, (grey * 0.8).astype(np.uint8), (grey * 0.6).astype(np.uint8)], axis=-1)


def document_corners(photo_size, dpi, page_format="page", angle=8.0, tilt=0.08, centre=(0.5, 0.5)):
    """Where a document of `page_format` at `dpi` lies in the photo: rotated by `angle` degrees and
    perspective-tilted (the far edge `tilt` shorter); top-left, top-right, bottom-right,
    bottom-left."""
    import math

    import numpy as np

    width_mm, height_mm = DOCUMENT_MM[page_format]
    w, h = width_mm / 25.4 * dpi, height_mm / 25.4 * dpi
    # The near (bottom) edge keeps the document's scale; the far (top) edge is `tilt` shorter.
    local = np.array(
        [
            [-w / 2 * (1 - tilt), -h / 2],
            [w / 2 * (1 - tilt), -h / 2],
            [w / 2, h / 2],
            [-w / 2, h / 2],
        ]
    )
    turn = math.radians(angle)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    return local @ rotation.T + np.array([photo_size[0] * centre[0], photo_size[1] * centre[1]])


def document_photo(
    photo_size=(3024, 4032), dpi=300, page_format="page", angle=8.0, tilt=0.08, seed=1, fmt="JPEG"
):
    """A phone photo of a white document with text lying on a dark textured table: (bytes, corners).

    The document (its text drawn at its own `dpi`) is rotated and perspective-warped; `corners`
    are where its corners really are in the photo (see document_corners)."""
    import cv2
    import numpy as np

    corners = document_corners(photo_size, dpi, page_format, angle, tilt)
    width_mm, height_mm = DOCUMENT_MM[page_format]
    flat_w, flat_h = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    flat = samples.text_page(flat_w, flat_h, seed=seed, paper=235, ink=30)
    flat_rgb = np.asarray(flat.convert("RGB"))
    source = np.array(
        [[0, 0], [flat_w - 1, 0], [flat_w - 1, flat_h - 1], [0, flat_h - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(flat_rgb, matrix, photo_size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((flat_h, flat_w), 255, np.uint8), matrix, photo_size)
    scene = textured_background(photo_size, seed)
    scene[mask > 127] = warped[mask > 127]
    image = Image.fromarray(scene)
    return samples.encode(image, fmt, **({"quality": 90} if fmt == "JPEG" else {})), corners


def page_filling_photo(size=(1240, 1754)):
    """A page that fills the whole photo, no table around it: no outline to find."""
    return jpeg(samples.photo(samples.text_page(*size, seed=4)))


def plain_scene_jpeg(size=(1600, 1200)):
    """Only a textured table (lit well enough not to be refused as dark), no document on it."""
    return jpeg(Image.fromarray(textured_background(size, level=120)))
