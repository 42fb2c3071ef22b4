"""What staff learn from searches: counts per query and language, whether a result was opened,
and which corrections and synonyms fired. No IP address, user or single search is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import SearchLeadDay, SearchStat

if TYPE_CHECKING:
    from articles.models import Article
    from articles.search import SearchOutcome

FIELD_LIMITS = {"correction": 200, "synonyms": 300}


def record_search(outcome: SearchOutcome) -> int | None:
    """Count one search (the results page, not the suggestions); returns the SearchStat id."""
    query = outcome.query.casefold()[:200]
    if not query:
        return None
    values = {
        "results": len(outcome.results),
        "correction": outcome.corrected[: FIELD_LIMITS["correction"]],
        "synonyms": ", ".join(outcome.synonyms)[: FIELD_LIMITS["synonyms"]],
        "other_language": bool(outcome.other_language),
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                stats = SearchStat.objects.filter(query=query, language=outcome.language)
                if stats.update(searches=F("searches") + 1, **values):
                    return stats.values_list("pk", flat=True).first()
                return SearchStat.objects.create(
                    query=query, language=outcome.language, searches=1, **values
                ).pk
        except IntegrityError:
            continue  # created by another request at the same moment: count again
    return None


def record_open(stat_id: str, article: Article | None = None, language: str = "") -> None:
    """Count that a result of this search was opened (unknown ids are ignored), and that this
    query led to the article today (for the staff dashboard)."""
    SearchStat.objects.filter(pk=stat_id).update(opened=F("opened") + 1)
    query = SearchStat.objects.filter(pk=stat_id).values_list("query", flat=True).first()
    if article is None or query is None:
        return
    where = {"article": article, "language": language, "query": query, "day": timezone.now().date()}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if not SearchLeadDay.objects.filter(**where).update(opened=F("opened") + 1):
                    SearchLeadDay.objects.create(**where, opened=1)
                return
        except IntegrityError:
            continue  # created by another request at the same moment: count again
