"""Article search in the reader's language.

PostgreSQL: full-text search on a stored, weighted tsvector built with the
language's configuration (english/german), ranked with ts_rank. Everywhere
(and as a fallback for partial words on PostgreSQL): substring matching
scored in Python, title hits first, then summary, then body.
Snippets are built here, escaped, with the matched words in <mark>.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, FailedSearch, SearchEntry

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 20
SNIPPET_RADIUS = 90
TEXT_SEARCH_CONFIG = {"en": "english", "de": "german"}


@dataclass
class SearchResult:
    article: Article
    score: float
    snippet: str


def clean_query(raw):
    """Normalise a typed query: Unicode NFKC, no control characters, bounded length.

    Returns (query, was_truncated).
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), truncated


def query_terms(query):
    words = re.findall(r"\w+", query.casefold())
    unique = []
    for word in words:
        if len(word) >= 2 and word not in unique:
            unique.append(word)
    return unique[:MAX_TERMS]


def search_articles(raw_query, language):
    query, _truncated = clean_query(raw_query)
    terms = query_terms(query)
    if not terms:
        return []
    entries = SearchEntry.objects.filter(language=language, published=True)
    scored = {}
    if connection.vendor == "postgresql":
        scored = _fulltext_scores(entries, query, language)
    if not scored:
        scored = _substring_scores(entries, terms)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1].title.casefold()))[:MAX_RESULTS]
    articles = Article.objects.in_bulk([article_id for article_id, _ in ranked])
    return [
        SearchResult(article=articles[article_id], score=score, snippet=make_snippet(entry, terms))
        for article_id, (score, entry) in ranked
        if article_id in articles
    ]


def _fulltext_scores(entries, query, language):
    config = TEXT_SEARCH_CONFIG.get(language, "simple")
    search_query = SearchQuery(query, config=config, search_type="websearch")
    matches = (
        entries.filter(vector=search_query)
        .annotate(rank=SearchRank(F("vector"), search_query))
        .order_by("-rank")[: MAX_RESULTS * 2]
    )
    return {entry.article_id: (float(entry.rank) * 100, entry) for entry in matches}


def _substring_scores(entries, terms):
    condition = Q()
    for term in terms:
        condition |= Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
    patterns = [re.compile(r"(?<!\w)" + re.escape(term)) for term in terms]  # matches at word starts
    scored = {}
    for entry in entries.filter(condition).only("article_id", "title", "summary", "body")[:500]:
        title, summary, body = entry.title.casefold(), entry.summary.casefold(), entry.body.casefold()
        score = 0.0
        for pattern in patterns:
            if pattern.search(title):
                score += 10
            if pattern.search(summary):
                score += 4
            hits = len(pattern.findall(body))
            if hits:
                score += 1 + min(hits, 5) * 0.2
        phrase = " ".join(terms)
        if len(terms) > 1 and phrase in title:
            score += 20
        if score:
            scored[entry.article_id] = (score, entry)
    return scored


def make_snippet(entry, terms):
    """An escaped excerpt around the first match, with matches wrapped in <mark>."""
    source = entry.body or entry.summary
    folded = source.casefold()
    positions = [folded.find(term) for term in terms if folded.find(term) >= 0]
    if not positions:
        source, folded = entry.summary, entry.summary.casefold()
        start = 0
    else:
        start = max(0, min(positions) - SNIPPET_RADIUS)
    end = min(len(source), start + 2 * SNIPPET_RADIUS)
    excerpt = source[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(excerpt[last:]))
    return mark_safe(prefix + "".join(pieces) + suffix)


def record_failed_search(raw_query, language):
    query, _truncated = clean_query(raw_query)
    normalised = query.casefold()
    if not normalised:
        return
    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = FailedSearch.objects.filter(query=normalised, language=language).update(count=F("count") + 1)
                if not updated:
                    FailedSearch.objects.create(query=normalised, language=language)
            return
        except IntegrityError:
            continue  # another request created it at the same moment: count again


def rebuild_search_entries(article):
    """Rewrite the article's search text for every language (called on each edit)."""
    sections = list(article.sections.prefetch_related("steps"))
    for code, _name in settings.LANGUAGES:
        def text(obj, field, code=code):
            return getattr(obj, f"{field}_{code}", None) or getattr(obj, f"{field}_en", None) or ""

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
        if connection.vendor == "postgresql":
            config = TEXT_SEARCH_CONFIG.get(code, "simple")
            SearchEntry.objects.filter(pk=entry.pk).update(
                vector=SearchVector(Value(entry.title), weight="A", config=config)
                + SearchVector(Value(entry.summary), weight="B", config=config)
                + SearchVector(Value(entry.body), weight="C", config=config)
            )


def strip_markdown(text):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    return re.sub(r"[*_`#>]+", "", text).strip()
