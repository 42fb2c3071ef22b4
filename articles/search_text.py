"""Text analysis shared by the search index and the query, identical on every database.

Both sides go through the same steps, so SQLite (FTS5) and PostgreSQL (tsvector,
`simple` configuration) index and match the very same tokens:

1. fold: case, accents, ß→ss, and in German the spelled-out umlauts ae/oe/ue,
   so "vorübergehend", "voruebergehend" and "vorubergehend" become one word;
2. split into words; a hyphenated word also counts joined ("Code-Karte" → "codekarte");
3. German compounds are split into parts known from the vocabulary
   ("sicherheitscodekarte" → sicherheit, code, karte);
4. Snowball stemming per language (PyStemmer).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

import Stemmer

if TYPE_CHECKING:
    from typing import Any

STEMMER_NAMES = {"en": "english", "de": "german"}
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
LINKING = ("", "s", "es", "n", "en", "e")  # Fugenelemente between parts of a German compound
MIN_PART = 3
MIN_COMPOUND = 7


def _listed(text: str) -> frozenset:
    return frozenset(text.split())


STOP_WORDS = {
    "en": _listed(
        "a an and are as at be but by can do does for from how i if in into is it its me my no "
        "not of on or our so that the their then there these this to was we what when where which "
        "who why will with you your"
    ),
    "de": _listed(
        "aber als am an auch auf aus bei bin bis da das dass dem den der des die doch du ein eine "
        "einem einen einer eines er es fur hat habe ich ihr im in ist ja kann mein mit nach nicht "
        "noch nur ob oder sie sind so und uns von vom was wenn wie wir wo zu zum zur"
    ),
}

# Parts of German compounds common in this subject, beyond the words the articles use alone.
GERMAN_PARTS = _listed(
    "sicherheit sicherheits code karte karten gerat zugang zugangs anmeldung anmelde konto kunden "
    "portal dienst service schlussel nummer handy telefon mobil fingerabdruck gesicht erkennung "
    "passwort kennwort antwort frage zahl zahlen index wert werte faktor zeit netz netzwerk "
    "dokument foto bild datei hoch lade app plattform handel web seite browser fehler meldung "
    "online offline drucker sperre gesperrt nutzer benutzer name zweit zwei stufe bestatigung pin "
    "liste ersatz verlust verloren ablauf tag tage port ports"
)


def fold(text: str, language: str) -> str:
    """Lower case without accents; ß→ss; in German also ae/oe/ue → a/o/u."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if language == "de":
        text = re.sub(r"(?<!q)([aou])e", r"\1", text)
    return text


def words(text: str, language: str) -> list:
    """Folded words in order; each hyphenated word gives its pieces and the joined form."""
    out = []
    for match in WORD.finditer(fold(text or "", language)):
        pieces = match.group(0).split("-")
        out.extend(pieces)
        if len(pieces) > 1:
            out.append("".join(pieces))
    return out


def units(text: str, language: str) -> list:
    """Folded words as typed: (word, pieces); a hyphenated word is joined:
    ("codekarte", ["code", "karte"])."""
    out = []
    for match in WORD.finditer(fold(text or "", language)):
        pieces = match.group(0).split("-")
        out.append(("".join(pieces), pieces))
    return out


@lru_cache(maxsize=4)
def stemmer(language: str) -> Any:
    return Stemmer.Stemmer(STEMMER_NAMES.get(language, "english"))


def stem(word: str, language: str) -> str:
    return stemmer(language).stemWord(word)


def split_compound(word: str, parts: frozenset[str]) -> list[str]:
    """The shortest split of a word into known parts (with linking letters), or [] if none."""
    if len(word) < MIN_COMPOUND:
        return []
    best = _split(word, frozenset(parts) if not isinstance(parts, frozenset) else parts, 0)
    return best if best and len(best) > 1 else []


def _split(word: str, parts: frozenset[str], depth: int) -> list[str] | None:
    if depth > 4:
        return None
    if word in parts and depth:
        return [word]
    best = None
    for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[:end]
        if head not in parts:
            continue
        rest = word[end:]
        for link in LINKING:
            if link and not rest.startswith(link):
                continue
            tail = rest[len(link) :]
            if len(tail) < MIN_PART:
                continue
            found = _split(tail, parts, depth + 1)
            if found and (best is None or len(found) + 1 < len(best)):
                best = [head, *found]
        if best and len(best) == 2:
            break
    return best


def index_tokens(text: str, language: str, parts: frozenset[str] = frozenset()) -> list:
    """The tokens stored for a text: stems of its words, then stems of their compound parts."""
    tokens = []
    for word in words(text, language):
        tokens.append(stem(word, language))
        if language == "de":
            tokens.extend(stem(part, language) for part in split_compound(word, parts))
    return tokens
