"""The EN/DE glossary (locale/glossary.toml) holds over the help content and every catalogue."""

import re
import tomllib
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
TERMS = tomllib.loads((ROOT / "locale" / "glossary.toml").read_text(encoding="utf-8"))["term"]


def content_pairs() -> list[tuple[str, str, str]]:
    """(where, English, German) for every bilingual value of the help content files."""
    pairs = []

    def walk(node, where):
        if isinstance(node, dict):
            if isinstance(node.get("en"), str) and isinstance(node.get("de"), str):
                pairs.append((where, node["en"], node["de"]))
                return
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")
            if all(isinstance(item, str) for item in node):
                return

    for path in sorted((ROOT / "articles" / "content").glob("*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    return pairs


def catalogue_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for path in sorted(ROOT.glob("*/locale/de/LC_MESSAGES/django.po")) + [
        ROOT / "locale/de/LC_MESSAGES/django.po"
    ]:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                pairs.append(
                    (
                        f"{path.relative_to(ROOT)}: {entry.msgid[:40]}",
                        entry.msgid,
                        entry.msgstr_plural[0],
                    )
                )
                pairs.append(
                    (
                        f"{path.relative_to(ROOT)}: {entry.msgid_plural[:40]}",
                        entry.msgid_plural,
                        entry.msgstr_plural[1],
                    )
                )
            else:
                pairs.append(
                    (f"{path.relative_to(ROOT)}: {entry.msgid[:40]}", entry.msgid, entry.msgstr)
                )
    return pairs


PAIRS = content_pairs() + catalogue_pairs()


def test_the_texts_are_found():
    """Guards the readers above: both sources give many pairs."""
    assert len(content_pairs()) > 200 and len(catalogue_pairs()) > 500


@pytest.mark.parametrize("term", TERMS, ids=[term["en"] for term in TERMS])
def test_german_uses_the_glossary_term(term):
    english, german = re.compile(term["match"]["en"], re.I), re.compile(term["match"]["de"], re.I)
    used = [(where, en, de) for where, en, de in PAIRS if english.search(en)]
    wrong = [f"{where}: {de!r}" for where, en, de in used if not german.search(de)]
    assert used, f"no text uses {term['en']!r}: drop the row or fix its pattern"
    assert not wrong, f"{term['en']!r} must be {term['de']!r} in German:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "term",
    [term for term in TERMS if term.get("avoid")],
    ids=[term["en"] for term in TERMS if term.get("avoid")],
)
def test_german_avoids_the_words_the_glossary_replaced(term):
    for pattern in term["avoid"]:
        found = [f"{where}: {de!r}" for where, _en, de in PAIRS if re.search(pattern, de)]
        assert not found, (
            f"{pattern!r} is not the portal's word (use {term['de']!r}):\n" + "\n".join(found)
        )
