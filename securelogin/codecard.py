"""The Online Security Code Card: index numbers, their 3-digit values, prompts and the PDF.

A card is a SecurityDevice of kind "card" whose 32-byte secret (encrypted at
rest like every device key) derives each value: HMAC-SHA256(secret, "card:NN"),
read as a number modulo 1000. Only the values of the two index numbers of a
prompt are ever computed at sign-in; the full card is drawn only while the
card is still waiting for activation.
"""

import hashlib
import hmac
import io
import secrets

INDEX_COUNT = 48  # 01 … 48, like the printed card: 4 columns of 12
COLUMNS = 4
VALUE_DIGITS = 3


def index_label(index):
    return f"{index:02d}"


def value(secret, index):
    digest = hmac.new(secret, f"card:{index:02d}".encode(), hashlib.sha256).digest()
    # 64 bits modulo 1000: the bias (below 1e-16) is irrelevant here.
    return f"{int.from_bytes(digest[:8], 'big') % 10**VALUE_DIGITS:0{VALUE_DIGITS}d}"


def all_values(secret):
    """[(label, value), …] for every index number, in order."""
    return [(index_label(i), value(secret, i)) for i in range(1, INDEX_COUNT + 1)]


def rows(secret):
    """The card as rows of COLUMNS cells, read column by column (01–12 in the first column)."""
    cells = all_values(secret)
    per_column = INDEX_COUNT // COLUMNS
    return [[cells[c * per_column + r] for c in range(COLUMNS)] for r in range(per_column)]


def parse_pair(code):
    """'0713' -> (7, 13); None if malformed."""
    if not (isinstance(code, str) and len(code) == 4 and code.isascii() and code.isdigit()):
        return None
    first, second = int(code[:2]), int(code[2:])
    if not (1 <= first <= INDEX_COUNT and 1 <= second <= INDEX_COUNT) or first == second:
        return None
    return first, second


def new_pair(previous=""):
    """Two distinct index numbers drawn with `secrets`, never the `previous` pair (in either order)."""
    last = parse_pair(previous)
    while True:
        first = secrets.randbelow(INDEX_COUNT) + 1
        second = secrets.randbelow(INDEX_COUNT - 1) + 1
        if second >= first:
            second += 1
        if last is None or {first, second} != set(last):
            return f"{first:02d}{second:02d}"


def response_for_pair(secret, code):
    pair = parse_pair(code)
    if pair is None:
        return ""
    return "".join(value(secret, index) for index in pair)


def swapped(code):
    pair = parse_pair(code)
    return f"{pair[1]:02d}{pair[0]:02d}" if pair else ""


def render_pdf(secret, *, title, subtitle, holder, serial, expires_note, size="A4"):
    """The card as a one-page PDF: drawn at 300 dpi with Pillow (no extra dependency)."""
    from PIL import Image, ImageDraw, ImageFont

    dpi = 300
    width_in, height_in = (8.27, 11.69) if size == "A4" else (8.5, 11.0)
    width, height = int(width_in * dpi), int(height_in * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)

    def font(points, bold=False):
        names = ["DejaVuSans-Bold.ttf", "DejaVuSansMono-Bold.ttf"] if bold else ["DejaVuSans.ttf"]
        for name in names + ["/usr/share/fonts/truetype/dejavu/" + n for n in names]:
            try:
                return ImageFont.truetype(name, int(points * dpi / 72))
            except OSError:
                continue
        return ImageFont.load_default(size=int(points * dpi / 72))

    margin = int(0.6 * dpi)
    top = margin
    margin += int(0.2 * dpi)  # inside the card's frame
    y = margin
    draw.text((margin, y), title, font=font(22, bold=True), fill=0)
    y += int(0.45 * dpi)
    for line in (subtitle, holder, serial, expires_note):
        if line:
            draw.text((margin, y), line, font=font(12), fill=0)
            y += int(0.25 * dpi)
    y += int(0.15 * dpi)
    grid = rows(secret)
    cell_w = (width - 2 * margin) // COLUMNS
    cell_h = int(0.6 * dpi)
    label_font, value_font = font(16), font(24, bold=True)
    for r, row in enumerate(grid):
        for c, (label, val) in enumerate(row):
            x0, y0 = margin + c * cell_w, y + r * cell_h
            draw.rectangle([x0, y0, x0 + cell_w, y0 + cell_h], outline=0, width=4)
            draw.text((x0 + int(0.15 * dpi), y0 + cell_h // 2), label, font=label_font, fill=90, anchor="lm")
            draw.text((x0 + cell_w - int(0.2 * dpi), y0 + cell_h // 2), val, font=value_font, fill=0, anchor="rm")
    frame = int(0.6 * dpi)
    draw.rectangle([frame, top, width - frame, y + len(grid) * cell_h + int(0.2 * dpi)], outline=0, width=6)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=dpi)
    return out.getvalue()
