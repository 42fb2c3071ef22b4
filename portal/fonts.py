"""The fonts that drawings, PDFs and printed cards use: Debian's DejaVu (fonts-dejavu-core).

`make chromium` installs the package; every caller finds the files here, so a missing
package is one clear error, not a different fallback in each app.
"""

from functools import cache
from pathlib import Path

from PIL import ImageFont

FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FILES = {
    "regular": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    "mono": ("DejaVuSansMono-Bold.ttf", "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
}


def font_path(kind: str = "regular") -> Path | None:
    """The first installed file of a kind ("regular", "bold", "mono"), or None."""
    for name in FILES[kind]:
        for folder in FONT_FOLDERS:
            if (folder / name).exists():
                return folder / name
    return None


def required_font_path(kind: str = "regular") -> str:
    """As font_path, for output that must not fall back (printed cards, PDFs)."""
    path = font_path(kind)
    if path is None:
        raise FileNotFoundError(
            f"No {kind} font found: install the Debian package fonts-dejavu-core"
        )
    return str(path)


@cache
def pillow_font(size: int, kind: str = "regular") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font of a size; Pillow's built-in scalable font when no file is installed."""
    path = font_path(kind)
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size)
