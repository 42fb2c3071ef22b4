"""QR codes drawn on the server as inline SVG (no script, no inline style: fits the strict CSP)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, scale: int = 5) -> SafeString:
    """An <svg> of `text` as a QR code (error correction M, 4-module quiet zone)."""
    code = segno.make(text, error="m", micro=False)
    return mark_safe(
        code.svg_inline(
            scale=scale, border=4, svgclass="qr-code", lineclass="qr-line", omitsize=True
        )
    )  # noqa: S308 (segno's own markup)
