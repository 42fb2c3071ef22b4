"""What the published articles of a language say: their words, for typo correction and
compound splitting, and the staff's synonym sets.

The words are counted in SearchWord on every re-index (update_word_counts), so a
vocabulary is one query. Both are kept in this process per content version
(articles/page_cache.py), so an edit or a synonym saved on any node is used by
the very next search everywhere.
"""

import bisect
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from rapidfuzz import process
from rapidfuzz.distance import OSA

from articles.models import SearchEntry, SearchWord, Synonym
from articles.page_cache import content_version
from articles.search_text import GERMAN_PARTS, MIN_PART, split_compound, stem, units

_lock = threading.Lock()
_vocabularies: dict[str, tuple] = {}  # language -> (version, Vocabulary)
_synonyms: dict[str, tuple] = {}  # language -> (version, [[member tokens, …], …])


@dataclass
class Vocabulary:
    language: str
    counts: Counter
    stems: set = field(default_factory=set)
    parts: frozenset = frozenset()
    ordered: list = field(default_factory=list)

    def knows(self, word: str, prefixes: bool = True) -> bool:
        """True when the word, its stem, (prefixes=True) a longer word it begins, or its parts
        occur in the articles."""
        if (
            word in self.counts
            or stem(word, self.language) in self.stems
            or any(ch.isdigit() for ch in word)
        ):
            return True  # numbers and codes (4000, KB70, 2FA) are never "corrected"
        if prefixes and len(word) >= 3:
            position = bisect.bisect_left(self.ordered, word)
            if position < len(self.ordered) and self.ordered[position].startswith(word):
                return True
        return self.language == "de" and bool(split_compound(word, self.parts))

    def correct(self, word: str) -> str | None:
        """The closest known word within 1 (short words) or 2 edits, most frequent first."""
        if len(word) < 4 or any(ch.isdigit() for ch in word):
            return None
        limit = 1 if len(word) <= 5 else 2
        matches = process.extract(
            word, self.counts.keys(), scorer=OSA.distance, score_cutoff=limit, limit=10
        )
        if not matches:
            return None
        best = min(matches, key=lambda match: (match[1], -self.counts[match[0]], match[0]))
        return best[0]


def build_vocabulary(language: str, version: str | None = None) -> Vocabulary:
    counts = Counter(
        dict(
            SearchWord.objects.filter(language=language, documents__gt=0).values_list(
                "word", "documents"
            )
        )
    )
    for group in synonym_groups(language, version, fresh=version is not None):
        for member in group:
            counts.update(member)
    parts = {word for word in counts if len(word) >= MIN_PART}
    if language == "de":
        parts.update(GERMAN_PARTS)
    return Vocabulary(
        language=language,
        counts=counts,
        stems={stem(word, language) for word in counts},
        parts=frozenset(parts),
        ordered=sorted(counts),
    )


def _stored(
    store: dict[str, tuple], language: str, version: str | None, fresh: bool
) -> tuple[str | None, Any]:
    """The version to build for (the content version, read when fresh and not given) and what
    `store` holds for the language if it may be used (any one when not fresh), else None."""
    if fresh and version is None:
        version = content_version()
    cached = store.get(language)
    if cached and (not fresh or cached[0] == version):
        return version, cached[1]
    return version, None


def vocabulary(language: str, version: str | None = None, fresh: bool = True) -> Vocabulary:
    """The vocabulary of the content version (read if not given; fresh=False: any one built)."""
    version, cached = _stored(_vocabularies, language, version, fresh)
    if cached is not None:
        return cached
    with _lock:
        built = build_vocabulary(language, version if fresh else None)
        _vocabularies[language] = (version if fresh else None, built)
    return built


def synonym_groups(language: str, version: str | None = None, fresh: bool = True) -> list:
    """The synonym sets of a language, each a list of members, each a list of folded words."""
    version, cached = _stored(_synonyms, language, version, fresh)
    if cached is not None:
        return cached
    groups = []
    for synonym in Synonym.objects.filter(language=language):
        members = [
            [word for word, _pieces in units(member, language)] for member in synonym.members()
        ]
        members = [member for member in members if member]
        if len(members) > 1:
            groups.append(members)
    _synonyms[language] = (version, groups)
    return groups


def update_word_counts(entry: SearchEntry, text_words: list[str]) -> set[str]:
    """Count the entry's distinct words (none while it is a draft) in SearchWord; returns them."""
    new = {word for word in text_words if len(word) <= 100} if entry.published else set()
    old = set(entry.words.split())
    added, removed = new - old, old - new
    language_words = SearchWord.objects.filter(language=entry.language)
    if added:
        SearchWord.objects.bulk_create(
            [SearchWord(language=entry.language, word=word) for word in added],
            ignore_conflicts=True,
        )
        language_words.filter(word__in=added).update(documents=F("documents") + 1)
    if removed:
        language_words.filter(word__in=removed).update(documents=F("documents") - 1)
    if added or removed:
        entry.words = " ".join(sorted(new))
        SearchEntry.objects.filter(pk=entry.pk).update(words=entry.words)
    return new


def forget_words(entry: SearchEntry) -> None:
    """A deleted entry's words no longer count."""
    old = set(entry.words.split())
    if old:
        SearchWord.objects.filter(language=entry.language, word__in=old).update(
            documents=F("documents") - 1
        )


def forget() -> None:
    """Drop what this process keeps (tests, and after a bulk load)."""
    _vocabularies.clear()
    _synonyms.clear()
