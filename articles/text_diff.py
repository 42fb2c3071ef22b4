"""Readable word-level differences between two texts, as escaped HTML with <del> and <ins>."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """`new` with removed words in <del> and added words in <ins>; everything else escaped."""
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def side_by_side(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The old text with its removed words in <del>, the new one with its added words in <ins>."""
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        old_part, new_part = escape("".join(before[a1:a2])), escape("".join(after[b1:b2]))
        if operation == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<del>{old_part}</del>")
        if new_part:
            right.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above
