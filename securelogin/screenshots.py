"""Taking one figure: a screenshot of one element, with a red arrow where the step points.

`shot(page, selector, arrow)` isolates the element (everything else hidden,
practice-only controls such as "Simulate Face ID" removed), adds a white
margin and draws the arrow with Pillow. The journeys that reach each screen
are in screenshot_scenes.py; screenshot_capture.py stores the results.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PAD = 28  # CSS px of white margin around each screenshot, room for the arrow
SCALE = 2  # device pixel ratio of the screenshots
RED = (214, 31, 38)
ROOM_BELOW = 64  # CSS px under a control whose right-hand neighbour the arrow would cover
# True when another control sits right of the element on its line (e.g. a Cancel link beside
# Continue).
HAS_NEIGHBOUR_JS = """el => {
  const next = el.nextElementSibling;
  if (!next) { return false; }
  const a = el.getBoundingClientRect(), b = next.getBoundingClientRect();
  return b.width > 0 && b.left >= a.right - 1 && b.top < a.bottom && b.bottom > a.top;
}"""
DEMO_USERNAME = "jsmith01"  # what figure 1 shows; the real sign-in uses the account's own name

ISOLATE_CSS = (
    "body, main { background: #fff !important; } body * { visibility: hidden !important; } "
    ".fig-target, .fig-target * { visibility: visible !important; } .fig-target [hidden] { "
    "display: none !important; }"
    " .sl-practice-only { display: none !important; }"  # not part of the real device or portal
)


def draw_arrow(png: bytes, target: dict, frame: dict, from_below: bool = False) -> bytes:
    """Return `png` with a red arrow pointing at `target` (boxes in CSS px); from the right or left
    when there is room, else from below or above (`from_below`: always from below)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    left = (target["x"] - frame["x"]) * SCALE
    top = (target["y"] - frame["y"]) * SCALE
    right = left + target["width"] * SCALE
    bottom = top + target["height"] * SCALE
    cy = (top + bottom) / 2
    length = 70 * SCALE
    if from_below:
        cx = (left + right) / 2
        end, start = (cx, bottom + 4 * SCALE), (min(cx + 40 * SCALE, width - 8), height - 8)
    elif width - right >= length + 10 * SCALE:  # room on the right: point from the right
        end, start = (right + 6 * SCALE, cy), (right + length, cy + 34 * SCALE)
    elif left >= length + 10 * SCALE:  # room on the left
        end, start = (left - 6 * SCALE, cy), (left - length, cy + 34 * SCALE)
    elif height - bottom >= 50 * SCALE:  # from below
        cx = (left + right) / 2
        end, start = (
            (cx, bottom + 4 * SCALE),
            (min(cx + 40 * SCALE, width - 8), min(bottom + length, height - 8)),
        )
    else:  # from above
        cx = (left + right) / 2
        end, start = (cx, top - 4 * SCALE), (min(cx + 40 * SCALE, width - 8), max(top - length, 8))
    draw = ImageDraw.Draw(image)
    red = RED
    draw.line([start, end], fill=red, width=5 * SCALE)
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = max((dx * dx + dy * dy) ** 0.5, 1)
    ux, uy = dx / norm, dy / norm
    head = 16 * SCALE
    base = (end[0] - ux * head, end[1] - uy * head)
    draw.polygon(
        [
            end,
            (base[0] - uy * head * 0.6, base[1] + ux * head * 0.6),
            (base[0] + uy * head * 0.6, base[1] - ux * head * 0.6),
        ],
        fill=red,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_highlight(png: bytes, target: dict, frame: dict) -> bytes:
    """Return `png` with a red rounded frame around `target` (boxes in CSS px)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    gap = 5 * SCALE
    left = (target["x"] - frame["x"]) * SCALE - gap
    top = (target["y"] - frame["y"]) * SCALE - gap
    right = left + target["width"] * SCALE + 2 * gap
    bottom = top + target["height"] * SCALE + 2 * gap
    ImageDraw.Draw(image).rounded_rectangle(
        [left, top, right, bottom], radius=8 * SCALE, outline=RED, width=3 * SCALE
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def shot(
    page: Page, selector: str, arrow: str | None = None, highlight: str | None = None
) -> bytes:
    """Screenshot of `selector` with a white margin, and an arrow at `arrow` (or a red frame
    around `highlight`, or around `arrow` when an arrow would cover other controls)."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no hover effect in the picture
    # Only the figure's subject is visible (the screenshot context bypasses CSP for this).
    style = page.add_style_tag(content=ISOLATE_CSS)
    element.evaluate("el => el.classList.add('fig-target')")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    box = element.bounding_box()
    assert box is not None, f"{selector} is not visible"
    frame: Any = {"x": max(box["x"] - PAD, 0), "y": max(box["y"] - PAD, 0)}
    frame["width"] = box["width"] + PAD * 2
    frame["height"] = box["height"] + PAD * 2
    pointed = arrow or highlight
    target = page.locator(pointed).first if pointed else None
    from_below = False
    if arrow and target and target.evaluate(HAS_NEIGHBOUR_JS):
        target_box: Any = target.bounding_box()
        room = box["y"] + box["height"] - (target_box["y"] + target_box["height"])
        if room < ROOM_BELOW:  # white room under the element, so the arrow covers nothing
            from_below = True
            frame["height"] = max(
                frame["height"], target_box["y"] + target_box["height"] + ROOM_BELOW - frame["y"]
            )
        else:  # an arrow would cover the neighbour or what is below: frame the control instead
            highlight = arrow
    png = page.screenshot(clip=frame)
    if target and highlight:
        png = draw_highlight(png, _box(target), frame)
    elif target:
        png = draw_arrow(png, _box(target), frame, from_below=from_below)
    element.evaluate("el => el.classList.remove('fig-target')")
    style.evaluate("el => el.remove()")
    return png


SIX_DIGITS = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")  # a challenge or response in a text


def _box(locator: Locator) -> dict[str, float]:
    """The element's box in CSS px (it is on screen: the screenshot was just taken)."""
    box = locator.bounding_box()
    assert box is not None
    return {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
