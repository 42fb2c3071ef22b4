"""Charts for the staff dashboard, drawn on the server as inline SVG.

No script and no style attribute (the CSP allows neither inline): geometry and colour are
SVG presentation attributes and classes. Each chart has a title for screen readers; its
numbers are always in a table next to it as well.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_WIDTH = 420  # narrower, so labels stay legible when the chart shrinks to a phone screen
BAR_HEIGHT = 22
LABEL_WIDTH = 210


def column_chart(points: list[tuple[str, int]], title: str, height: int = 160) -> SafeString:
    """Vertical columns, one per point (e.g. views per day), scaled to the largest value."""
    count = max(len(points), 1)
    top = max((value for _label, value in points), default=0) or 1
    step = WIDTH / count
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = round(value / top * (height - 20), 1)
        x = round(index * step, 1)
        bars.append(
            f'<rect class="chart-bar" x="{x}" y="{round(height - bar_height, 1)}" '
            f'width="{max(round(step - 1, 1), 0.5)}" height="{bar_height}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
    return _svg(title, WIDTH, height, "".join(bars) + _max_label(top))


def bar_chart(items: list[tuple[str, int]], title: str) -> SafeString:
    """Horizontal bars with their labels and numbers (e.g. reasons, situations)."""
    top = max((value for _label, value in items), default=0) or 1
    room = BAR_WIDTH - LABEL_WIDTH - 40
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + 6)
        length = round(value / top * room, 1)
        parts.append(
            f'<text class="chart-label" x="0" y="{y + 16}">{escape(label)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" '
            f'height="{BAR_HEIGHT}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{value}</text>'
        )
    height = max(len(items), 1) * (BAR_HEIGHT + 6)
    return _svg(title, BAR_WIDTH, height, "".join(parts))


def _max_label(top: int) -> str:
    return f'<text class="chart-value" x="{WIDTH - 4}" y="12" text-anchor="end">{top}</text>'


def _svg(title: str, width: int, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every label and title is escaped above
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        'preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
