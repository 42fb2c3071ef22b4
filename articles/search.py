"""Article search in the reader's language, forgiving of typos, synonyms and German compounds.

The query goes through the same analysis as the indexed text (search_text.py);
words the articles do not know are corrected against their vocabulary, synonym
sets from the admin widen a word to its equivalents, and the full-text engine of
the database (search_index.py) ranks the matches in tiers: the typed phrase,
then articles matching every word, then any word, then words beginning with a
typed word. When nothing matches in the reader's language but something does in
the other one, those articles are shown (in the reader's language) with a note.
Snippets are built here, escaped, with the matched words in <mark>.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles import search_index
from articles.models import Article, FailedSearch, SearchEntry, SearchWord, published_q
from articles.page_cache import content_version
from articles.search_text import STOP_WORDS, fold, index_tokens, split_compound, stem, words
from articles.search_text import units as typed_units
from articles.search_vocabulary import synonym_groups, update_word_counts, vocabulary
from portal.languages import language_codes, localized_field, other_language

if TYPE_CHECKING:
    from typing import Any

    from articles.search_vocabulary import Vocabulary

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 20
SNIPPET_RADIUS = 90
PLAIN_WORD = re.compile(r"[^\W_]+")


@dataclass
class SearchResult:
    article: Article
    score: float
    snippet: str


@dataclass
class SearchOutcome:
    """What a search found and how: the corrected query, synonyms used, language it was found in."""

    query: str
    language: str
    results: list = field(default_factory=list)
    corrected: str = ""
    synonyms: list = field(default_factory=list)
    other_language: str = ""
    only_common_words: bool = False


@dataclass
class ParsedQuery:
    groups: list
    prefixes: list
    stems: set
    corrected: str = ""
    synonyms: list = field(default_factory=list)
    only_common_words: bool = False
    as_you_type: bool = False


def clean_query(raw: str) -> tuple[str, bool]:
    """Normalise a typed query: Unicode NFKC, no control characters, bounded length.

    Returns (query, was_truncated).
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), truncated


def parse_query(
    query: str,
    language: str,
    correct: bool = True,
    as_you_type: bool = False,
    version: str | None = None,
) -> ParsedQuery:
    """Turn a cleaned query into index groups, correcting unknown words and applying synonyms."""
    version = version or content_version()
    known = vocabulary(language, version)
    elsewhere = vocabulary(other_language(language), version)
    corrections = []
    units = [list(unit) for unit in typed_units(query, language)][: MAX_TERMS * 2]
    last = len(units) - 1
    for position, unit in enumerate(units):
        word = unit[0]
        typing = as_you_type and position == last
        if (
            not correct
            or typing
            or word in STOP_WORDS.get(language, ())
            or known.knows(word)
            or elsewhere.knows(word)
        ):
            continue
        replacement = known.correct(word)
        if replacement:
            corrections.append((word, replacement))
            unit[0], unit[1] = replacement, [replacement]
    groups, prefixes, fired = _apply_synonyms(units, language, known, as_you_type, version)
    only_common = bool(units) and not groups
    stems = {token for group in groups for _kind, tokens in group for token in tokens}
    corrected = ""
    if corrections:
        corrected = " ".join(unit[0] for unit in units)
    return ParsedQuery(
        groups[:MAX_TERMS], prefixes[:MAX_TERMS], stems, corrected, fired, only_common, as_you_type
    )


def _apply_synonyms(
    units: list, language: str, known: Vocabulary, as_you_type: bool, version: str | None
) -> tuple[list, list, list]:
    stemmed = [stem(unit[0], language) for unit in units]
    synonyms = [
        [[stem(word, language) for word in member] for member in group]
        for group in synonym_groups(language, version)
    ]
    groups: list[list[tuple[str, list[str]]]] = []
    prefixes: list[list[tuple[str, list[str]]]] = []
    fired: list[str] = []
    position, last = 0, len(units) - 1
    while position < len(units):
        length = max(
            (
                len(member)
                for synonym_set in synonyms
                for member in synonym_set
                if stemmed[position : position + len(member)] == member
            ),
            default=0,
        )
        if length:
            # every set holding the typed words contributes its members
            span = stemmed[position : position + length]
            members: list[list[str]] = []
            for synonym_set in synonyms:
                if span in synonym_set:
                    members.extend(member for member in synonym_set if member not in members)
            groups.append([("phrase" if len(member) > 1 else "word", member) for member in members])
            fired.append(" ".join(unit[0] for unit in units[position : position + length]))
            position += length
            continue
        word, pieces = units[position]
        typing = as_you_type and position == last
        if word in STOP_WORDS.get(language, ()) and not typing:
            position += 1
            continue
        group = [("word", [stemmed[position]])]
        if len(pieces) > 1:
            group.append(("and", [stem(piece, language) for piece in pieces]))
        if language == "de":
            parts = split_compound(word, known.parts)
            if parts:
                group.append(("and", [stem(part, language) for part in parts]))
        if typing and not word.isdigit():
            group.append(("prefix", [word]))
        groups.append(group)
        if len(word) >= 3 and not word.isdigit():
            prefixes.append([("prefix", [word])])
        position += 1
    return groups, prefixes, fired


def search(
    raw_query: str,
    language: str,
    correct: bool = True,
    as_you_type: bool = False,
    limit: int = MAX_RESULTS,
) -> SearchOutcome:
    """Search the reader's language, or the other one when it knows more of the typed words
    (an English word typed on /de/) or when nothing matched here."""
    query, _truncated = clean_query(raw_query)
    outcome = SearchOutcome(query=query, language=language)
    if not any(ch.isalnum() for ch in query):
        return outcome
    other = other_language(language)
    version = content_version()
    order = [language, other]
    if not as_you_type and known_words(query, other, version) > known_words(
        query, language, version
    ):
        order.reverse()
    for attempt, code in enumerate(order):
        parsed = parse_query(query, code, correct, as_you_type, version)
        if code == language:
            outcome.only_common_words = parsed.only_common_words
        ranked = _ranked_entries(parsed, code, limit)
        if ranked or as_you_type or parsed.only_common_words or attempt:
            break
    if ranked:
        outcome.corrected, outcome.synonyms = parsed.corrected, parsed.synonyms
        outcome.other_language = code if code != language else ""
    outcome.results = _results(ranked, language, parsed, snippets=not as_you_type)
    return outcome


def known_words(query: str, language: str, version: str | None = None) -> int:
    """How many of the typed words (common words aside) the articles of a language use."""
    known = vocabulary(language, version)
    stop = set().union(*STOP_WORDS.values())
    return sum(
        1
        for word, _pieces in typed_units(query, language)
        if word not in stop and known.knows(word, prefixes=False)
    )


def search_articles(raw_query: str, language: str, **options: Any) -> list:
    return search(raw_query, language, **options).results


def _ranked_entries(parsed: ParsedQuery, language: str, limit: int) -> list:
    """[(entry id, score)] best first.

    Candidates match any typed word; each one's engine rank (scaled to 0–1) gets a
    bonus for the whole phrase, for a title match and for matching every word,
    so these order the list on both databases alike. Words beginning with a typed
    word only fill the places left.
    """
    if parsed.as_you_type:
        return _suggested_entries(parsed, language, limit)
    ranked = [
        (entry_id, float(score))
        for entry_id, score in search_index.ranked(parsed.groups, language, limit)
    ]
    if len(ranked) < limit and parsed.prefixes:
        seen = {entry_id for entry_id, _score in ranked}
        for entry_id, rank in search_index.run(parsed.prefixes, language, "any", limit):
            if entry_id not in seen and len(ranked) < limit:
                ranked.append((entry_id, -1.0 + float(rank) / 1000))
    return ranked


def _suggested_entries(parsed: ParsedQuery, language: str, limit: int) -> list:
    """As you type: articles with every word (the last may be unfinished), then any, by rank."""
    ranked: list = []
    seen: set = set()
    for mode in ("all", "any"):
        for entry_id, rank in search_index.run(parsed.groups, language, mode, limit):
            if entry_id not in seen and len(ranked) < limit:
                seen.add(entry_id)
                ranked.append((entry_id, float(rank) + (1000 if mode == "all" else 0)))
        if len(ranked) >= limit or len(parsed.groups) < 2:
            break
    return ranked


def _results(ranked: list, language: str, parsed: ParsedQuery, snippets: bool = True) -> list:
    """SearchResults in rank order: the entries with their published articles in one query."""
    skipped = ("vector", "words") if snippets else ("vector", "words", "title", "summary", "body")
    entries = (
        SearchEntry.objects.select_related("article")
        .defer(*skipped)
        .filter(published_q("article__"))
        .in_bulk([entry_id for entry_id, _score in ranked])
    )
    shown = {}
    if snippets and any(entry.language != language for entry in entries.values()):
        shown = {
            entry.article_id: entry
            for entry in SearchEntry.objects.defer(*skipped).filter(
                article_id__in=[entry.article_id for entry in entries.values()], language=language
            )
        }
    results = []
    for entry_id, score in ranked:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        snippet = (
            make_snippet(shown.get(entry.article_id, entry), parsed.stems, language)
            if snippets
            else ""
        )
        results.append(SearchResult(article=entry.article, score=score, snippet=snippet))
    return results


@lru_cache(maxsize=20000)
def folded_stem(word: str, language: str) -> tuple:
    folded = fold(word, language)
    return folded, stem(folded, language)


def make_snippet(entry: SearchEntry, stems: set[str], language: str) -> str | SafeString:
    """An escaped excerpt around the first matching word, with matching words wrapped in <mark>."""

    def matches(word: str) -> bool:
        return folded_stem(word, language)[1] in stems

    source = entry.body or entry.summary
    first = next((m for m in PLAIN_WORD.finditer(source) if matches(m.group(0))), None)
    if first is None:
        source, start = entry.summary, 0
    else:
        start = max(0, first.start() - SNIPPET_RADIUS)
        while start > 0 and not source[start - 1].isspace():
            start += 1
    end = min(len(source), start + 2 * SNIPPET_RADIUS)
    excerpt = source[start:end]
    pieces: list[str] = []
    last = 0
    for match in PLAIN_WORD.finditer(excerpt):
        if matches(match.group(0)):
            pieces.append(escape(excerpt[last : match.start()]))
            pieces.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    pieces.append(escape(excerpt[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)


def record_failed_search(raw_query: str, language: str) -> None:
    query, _truncated = clean_query(raw_query)
    normalised = query.casefold()
    if not normalised:
        return
    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = FailedSearch.objects.filter(query=normalised, language=language).update(
                    count=F("count") + 1
                )
                if not updated:
                    FailedSearch.objects.create(query=normalised, language=language)
            return
        except IntegrityError:
            continue  # another request created it at the same moment: count again


def rebuild_search_entries(article: Article) -> None:
    """Rewrite the article's search text and index tokens in every language (on each edit)."""
    sections = list(article.sections.prefetch_related("steps"))
    for code in language_codes():

        def text(obj: Any, field: str, code: str = code) -> str:
            return (
                getattr(obj, localized_field(field, code), None)
                or getattr(obj, localized_field(field, settings.LANGUAGE_CODE), None)
                or ""
            )

        body_parts = []
        for section in sections:
            body_parts.append(text(section, "title"))
            body_parts.append(strip_markdown(text(section, "intro")))
            body_parts.extend(strip_markdown(text(step, "text")) for step in section.steps.all())
        entry, _created = SearchEntry.objects.update_or_create(
            article=article,
            language=code,
            defaults={
                "title": text(article, "title"),
                "summary": text(article, "summary"),
                "body": " ".join(part for part in body_parts if part),
                "published": article.status == Article.Status.PUBLISHED,
            },
        )
        index_entry(entry, kb_number=article.kb_number)


def index_entry(
    entry: SearchEntry, parts: frozenset[str] | None = None, kb_number: str = ""
) -> None:
    """Write one entry's analysed tokens into the database's full-text index and count its words.

    The KB number counts as a title word, so "KB2636" finds its article.
    """
    update_word_counts(
        entry,
        [
            word
            for text in (entry.title, entry.summary, entry.body)
            for word in words(text, entry.language)
        ],
    )
    if parts is None:
        parts = vocabulary(entry.language, fresh=False).parts
    search_index.write_entry(
        entry,
        index_tokens(entry.title, entry.language, parts) + index_tokens(kb_number, entry.language),
        index_tokens(entry.summary, entry.language, parts),
        index_tokens(entry.body, entry.language, parts),
    )


def reindex_all() -> None:
    """Re-analyse every entry with a fresh vocabulary (after a bulk load or analysis change)."""
    from articles.search_vocabulary import forget

    forget()
    search_index.clear()
    SearchWord.objects.all().delete()
    SearchEntry.objects.update(words="")
    for entry in SearchEntry.objects.all():
        update_word_counts(
            entry,
            [
                word
                for text in (entry.title, entry.summary, entry.body)
                for word in words(text, entry.language)
            ],
        )
    forget()
    parts = {code: vocabulary(code, fresh=False).parts for code in language_codes()}
    for entry in SearchEntry.objects.select_related("article"):
        index_entry(entry, parts.get(entry.language, frozenset()), entry.article.kb_number)


def strip_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    return re.sub(r"[*_`#>]+", "", text).strip()
