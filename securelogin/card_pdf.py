"""The printable Online Security Code Card as a PDF of real text and vector lines (fpdf2).

Text stays selectable and readable aloud, lines stay crisp at any zoom, and
the font (DejaVu Sans, embedded as a subset) has every German glyph. Long
lines wrap inside the card's frame, so nothing runs through the border or off
the page in any language or paper size.
"""

from dataclasses import dataclass

from fpdf import FPDF

from portal.fonts import required_font_path

PAPER = {"A4": "A4", "Letter": "Letter"}
PAGE_MARGIN = 15.0  # mm from the paper's edge to the card frame
PADDING = 7.0  # mm from the frame to the text
ROW_HEIGHT = 11.0  # mm per row of the grid


@dataclass(frozen=True)
class CardText:
    """The translated words printed on the card."""

    title: str
    lines: tuple[str, ...]
    lang: str = "en"


def _pdf(size: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format=PAPER.get(size, "A4"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("Secure sign-in help portal")
    pdf.add_font("DejaVu", "", required_font_path("regular"))
    pdf.add_font("DejaVu", "B", required_font_path("bold"))
    return pdf


def render(grid: list[list[tuple[str, str]]], text: CardText, *, size: str = "A4") -> bytes:
    """One page: a framed card with the title, the wrapped lines and the grid of values."""
    pdf = _pdf(size)
    pdf.set_title(text.title)
    pdf.set_lang(text.lang)  # screen readers pick the right voice
    pdf.add_page()
    left = PAGE_MARGIN + PADDING
    width = pdf.w - 2 * left
    pdf.set_xy(left, PAGE_MARGIN + PADDING)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(width, 9, text.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for line in text.lines:
        if line:
            pdf.set_x(left)
            pdf.multi_cell(width, 6, line, align="L", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 5
    columns = len(grid[0]) if grid else 0
    cell_width = width / max(columns, 1)
    pdf.set_line_width(0.3)
    for r, row in enumerate(grid):
        for c, (label, value) in enumerate(row):
            x, y = left + c * cell_width, top + r * ROW_HEIGHT
            pdf.rect(x, y, cell_width, ROW_HEIGHT)
            pdf.set_xy(x + 3, y)
            pdf.set_font("DejaVu", "", 11)
            pdf.set_text_color(80)
            pdf.cell(cell_width / 2 - 3, ROW_HEIGHT, label, align="L")
            pdf.set_xy(x + cell_width / 2, y)
            pdf.set_font("DejaVu", "B", 16)  # DejaVu digits all have one width
            pdf.set_text_color(0)
            pdf.cell(cell_width / 2 - 3, ROW_HEIGHT, value, align="R")
    bottom = top + len(grid) * ROW_HEIGHT + PADDING
    pdf.set_line_width(0.8)
    pdf.rect(PAGE_MARGIN, PAGE_MARGIN, pdf.w - 2 * PAGE_MARGIN, bottom - PAGE_MARGIN)
    return bytes(pdf.output())
