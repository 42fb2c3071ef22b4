"""Drawn figures: clear illustrations of device screens, drawn with Pillow.

Each figure of the help content is drawn from a small description: which
device (phone, security card, browser window, printed card), a title, the
lines shown on its screen and optionally a red arrow pointing at one line.
Lines written as "[ Label ]" are drawn as buttons.
"""

import io

from PIL import Image, ImageDraw

from portal.fonts import pillow_font

DRAWING_VERSION = "1"  # bump when the drawing changes, so the loader redraws
INK = (27, 36, 48)
MUTED = (90, 102, 117)
BRAND = (11, 79, 138)
RED = (211, 32, 32)
LINE = (200, 208, 218)
SCREEN = (255, 255, 255)
LCD = (196, 214, 170)
LCD_INK = (30, 42, 20)


def draw_figure(device: str, title: str, lines: list[str], arrow: int | None = None) -> bytes:
    """Return PNG bytes of the illustration."""
    drawer = {"phone": _phone, "card": _card, "browser": _browser, "paper": _paper}.get(
        device, _browser
    )
    image = drawer(title, list(lines), arrow)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _is_button(line: str) -> bool:
    return line.startswith("[") and line.endswith("]")


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    lines: list[str],
    arrow: int | None,
    size: int = 30,
    centre: bool = False,
) -> list:
    """Draw screen lines inside box; return the y positions of each line's centre."""
    left, top, right, _bottom = box
    y = top
    centres: list[tuple[float, float]] = []
    for line in lines:
        if _is_button(line):
            label = line.strip("[] ")
            height = size + 28
            draw.rounded_rectangle((left, y, right, y + height), radius=12, fill=BRAND)
            text_font = pillow_font(size - 2, "bold")
            width = draw.textlength(label, font=text_font)
            draw.text(
                ((left + right - width) / 2, y + 12), label, font=text_font, fill=(255, 255, 255)
            )
            centres.append((y + height / 2, right))
            y += height + 16
        else:
            text_font = pillow_font(size)
            width = draw.textlength(line, font=text_font)
            x = (left + right - width) / 2 if centre else left
            draw.text((x, y), line, font=text_font, fill=INK)
            centres.append((y + size / 2 + 4, min(right, x + width)))
            y += size + 22
    if arrow is not None and 0 <= arrow < len(centres):
        _arrow(draw, centres[arrow][0], centres[arrow][1] + 12)
    return centres


def _arrow(draw: ImageDraw.ImageDraw, y: float, tip_x: float) -> None:
    tail_x = tip_x + 120
    draw.line((tail_x, y, tip_x + 24, y), fill=RED, width=10)
    draw.polygon([(tip_x, y), (tip_x + 34, y - 22), (tip_x + 34, y + 22)], fill=RED)


def _phone(title: str, lines: list[str], arrow: int | None) -> Image.Image:
    image = Image.new("RGB", (720, 1080), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((150, 30, 570, 1050), radius=60, fill=(34, 38, 46))
    draw.rounded_rectangle((172, 90, 548, 960), radius=18, fill=SCREEN)
    draw.rounded_rectangle((310, 52, 410, 68), radius=8, fill=(70, 76, 88))
    draw.ellipse((330, 975, 390, 1035), outline=(90, 96, 108), width=4)
    draw.rectangle((172, 90, 548, 160), fill=BRAND)
    header = pillow_font(30, "bold")
    width = draw.textlength(title, font=header)
    draw.text(((720 - width) / 2, 106), title, font=header, fill=(255, 255, 255))
    _draw_lines(draw, (196, 190, 524, 940), lines, arrow, size=26)
    return image


def _card(title: str, lines: list[str], arrow: int | None) -> Image.Image:
    image = Image.new("RGB", (960, 640), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 40, 900, 600), radius=40, fill=(28, 52, 86))
    draw.text((100, 70), title, font=pillow_font(30, "bold"), fill=(255, 255, 255))
    draw.rounded_rectangle((100, 120, 860, 300), radius=14, fill=LCD, outline=(20, 30, 20), width=4)
    lcd_font = pillow_font(46, "mono")
    y = 140
    positions = []
    for line in lines[:3]:
        draw.text((130, y), line, font=lcd_font, fill=LCD_INK)
        positions.append((y + 26, 130 + draw.textlength(line, font=lcd_font)))
        y += 54
    keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "press", "0", "OK"]
    key_font = pillow_font(26, "bold")
    for index, key in enumerate(keys):
        row, col = divmod(index, 6)
        x0, y0 = 100 + col * 127, 330 + row * 120
        fill = (200, 40, 40) if key == "press" else (232, 236, 242)
        draw.rounded_rectangle((x0, y0, x0 + 112, y0 + 100), radius=16, fill=fill)
        width = draw.textlength(key, font=key_font)
        draw.text(
            (x0 + (112 - width) / 2, y0 + 34),
            key,
            font=key_font,
            fill=INK if key != "press" else (255, 255, 255),
        )
    extra = lines[3:]
    if extra:
        draw.text((100, 560), " · ".join(extra), font=pillow_font(22), fill=(220, 228, 240))
    if arrow is not None and arrow < len(positions):
        _arrow(draw, positions[arrow][0], positions[arrow][1] + 16)
    return image


def _content_height(lines: list[str], size: int) -> int:
    return sum(size + 44 if _is_button(line) else size + 22 for line in lines)


def _browser(title: str, lines: list[str], arrow: int | None) -> Image.Image:
    height = max(480, 250 + _content_height(lines, 32) + 40)
    image = Image.new("RGB", (1200, height), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (40, 30, 1160, height - 30), radius=16, fill=SCREEN, outline=LINE, width=3
    )
    draw.rounded_rectangle((40, 30, 1160, 100), radius=16, fill=(226, 231, 238))
    draw.rectangle((40, 80, 1160, 100), fill=(226, 231, 238))
    for index, colour in enumerate([(237, 106, 94), (245, 191, 79), (97, 197, 84)]):
        draw.ellipse((66 + index * 34, 54, 88 + index * 34, 76), fill=colour)
    draw.rounded_rectangle((200, 48, 1130, 84), radius=18, fill=SCREEN)
    draw.text((224, 54), "https://portal.example/sso/Login", font=pillow_font(22), fill=MUTED)
    draw.rectangle((40, 100, 1160, 170), fill=BRAND)
    draw.text((80, 116), title, font=pillow_font(32, "bold"), fill=(255, 255, 255))
    _draw_lines(draw, (300, 210, 900, height - 50), lines, arrow, size=32)
    return image


def _paper(title: str, lines: list[str], arrow: int | None) -> Image.Image:
    height = max(420, 190 + _content_height(lines, 30) + 60)
    image = Image.new("RGB", (1000, height), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 40, 920, height - 40), fill=SCREEN, outline=LINE, width=3)
    draw.text((120, 70), title, font=pillow_font(34, "bold"), fill=INK)
    draw.line((120, 125, 880, 125), fill=LINE, width=3)
    _draw_lines(draw, (120, 150, 880, height - 60), lines, arrow, size=30)
    return image
