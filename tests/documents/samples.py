"""Generated document pages for tests, benchmarks and the threshold measurements.

A "page" is light paper with lines of dark text (Pillow's default font), to
which optical blur (GaussianBlur before noise), sensor noise, exposure and
glare can be applied like in a phone photo. Deterministic for a given seed.
"""

import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

WORDS = (
    "account",
    "statement",
    "address",
    "proof",
    "identity",
    "holder",
    "number",
    "date",
    "issued",
    "valid",
    "until",
    "street",
    "road",
    "city",
    "postcode",
    "country",
    "broker",
    "client",
    "reference",
    "balance",
    "period",
    "page",
    "signature",
    "bank",
    "utility",
    "invoice",
)


def text_page(width=1240, height=1754, seed=0, paper=225, ink=35):
    """A grey page with text lines: font height about 1/90 of the page height."""
    rng = random.Random(seed)
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    size = max(8, height // 90)
    try:
        font = ImageFont.load_default(size=size)
    except (OSError, TypeError, ValueError):  # no FreeType: the small bitmap font
        font = ImageFont.load_default()
    margin = width // 12
    y = margin
    while y < height - margin:
        words, line = [], 0
        while True:
            word = rng.choice(WORDS)
            line += (len(word) + 1) * size * 0.55
            if line > width - 2 * margin:
                break
            words.append(word)
        draw.text((margin, y), " ".join(words).capitalize(), fill=ink, font=font)
        y += int(size * (1.8 if rng.random() > 0.15 else 3.2))
    return image


def photo(page, blur=0.0, noise=3.0, brightness=1.0, glare=0.0, mode="RGB", spot=0.0, motion=0):
    """Make a page look photographed: blur or motion blur (`motion` px, horizontal), then exposure,
    glare (a burnt-out band over `glare` of the height, or a round spot covering `spot` of the
    page) and noise."""
    image = page.filter(ImageFilter.GaussianBlur(blur)) if blur else page.copy()
    if motion:
        image = image.filter(ImageFilter.BoxBlur((motion // 2, 0)))
    if brightness != 1.0:
        image = image.point(lambda v: min(255, int(v * brightness)))
    if glare:
        band = Image.new("L", image.size, 0)
        width, height = image.size
        ImageDraw.Draw(band).rectangle((0, 0, width, int(height * glare)), fill=255)
        image.paste(255, mask=band)
    if spot:
        width, height = image.size
        radius = (spot * width * height / 3.14159) ** 0.5
        centre = (width * 0.6, height * 0.4)
        disc = Image.new("L", image.size, 0)
        ImageDraw.Draw(disc).ellipse(
            (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
            fill=255,
        )
        image.paste(255, mask=disc)
    if noise:
        grain = Image.effect_noise(image.size, noise)  # Gaussian, centred on 128
        image = ImageChops.add(image, grain, scale=1.0, offset=-128)
    return image.convert(mode)


def encode(image, fmt="JPEG", **options):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        options.setdefault("quality", 90)
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
