"""The Online Security Code Card: index numbers, their 3-digit values, prompts and the PDF.

A card is a SecurityDevice of kind "card" whose 32-byte secret (encrypted at
rest like every device key) derives each value: HMAC-SHA256(secret, "card:NN"),
read as a number modulo 1000. Only the values of the two index numbers of a
prompt are ever computed at sign-in; the full card is drawn only while the
card is still waiting for activation.
"""

import hashlib
import hmac
import secrets

INDEX_COUNT = 48  # 01 … 48, like the printed card: 4 columns of 12
COLUMNS = 4
VALUE_DIGITS = 3


def index_label(index: int) -> str:
    return f"{index:02d}"


def value(secret: bytes, index: int) -> str:
    digest = hmac.new(secret, f"card:{index:02d}".encode(), hashlib.sha256).digest()
    # 64 bits modulo 1000: the bias (below 1e-16) is irrelevant here.
    return f"{int.from_bytes(digest[:8], 'big') % 10**VALUE_DIGITS:0{VALUE_DIGITS}d}"


def all_values(secret: bytes) -> list[tuple[str, str]]:
    """[(label, value), …] for every index number, in order."""
    return [(index_label(i), value(secret, i)) for i in range(1, INDEX_COUNT + 1)]


def rows(secret: bytes) -> list[list[tuple[str, str]]]:
    """The card as rows of COLUMNS cells, read column by column (01–12 in the first column)."""
    cells = all_values(secret)
    per_column = INDEX_COUNT // COLUMNS
    return [[cells[c * per_column + r] for c in range(COLUMNS)] for r in range(per_column)]


def parse_pair(code: str) -> tuple[int, int] | None:
    """'0713' -> (7, 13); None if malformed."""
    if not (isinstance(code, str) and len(code) == 4 and code.isascii() and code.isdigit()):
        return None
    first, second = int(code[:2]), int(code[2:])
    if not (1 <= first <= INDEX_COUNT and 1 <= second <= INDEX_COUNT) or first == second:
        return None
    return first, second


def new_pair(previous: str = "") -> str:
    """Two distinct index numbers drawn with `secrets`, never the `previous` pair (in either
    order)."""
    last = parse_pair(previous)
    while True:
        first = secrets.randbelow(INDEX_COUNT) + 1
        second = secrets.randbelow(INDEX_COUNT - 1) + 1
        if second >= first:
            second += 1
        if last is None or {first, second} != set(last):
            return f"{first:02d}{second:02d}"


def response_for_pair(secret: bytes, code: str) -> str:
    pair = parse_pair(code)
    if pair is None:
        return ""
    return "".join(value(secret, index) for index in pair)


def swapped(code: str) -> str:
    pair = parse_pair(code)
    return f"{pair[1]:02d}{pair[0]:02d}" if pair else ""


def render_pdf(
    secret: bytes,
    *,
    title: str,
    subtitle: str,
    holder: str,
    serial: str,
    expires_note: str = "",
    size: str = "A4",
    lang: str = "en",
) -> bytes:
    """The card as a one-page PDF of real text and vector lines (see `card_pdf`)."""
    from .card_pdf import CardText, render

    return render(
        rows(secret),
        CardText(title=title, lines=(subtitle, holder, serial, expires_note), lang=lang),
        size=size,
    )
