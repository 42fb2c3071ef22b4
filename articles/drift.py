"""Translation drift: which translated texts have fallen behind their counterpart.

Each tracked text remembers, per language, the text of the other language it was last
written or checked against (`translation_sources` on the row):

    {"title": {"de": {"hash": "…", "source": "<English at that time>", "since": null}, "en": …}}

A text is out of date when the other language's text has changed since (its hash differs).
Writing a language's text counts as translating it from the other language as it is now;
"translation checked" does the same without changing the text. `since` is when the other
language changed, shown to readers ("The English version … was updated on …").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from portal.languages import language_codes, localized_field, localized_fields, other_language

if TYPE_CHECKING:
    from articles.models import Article, Section, Step

    Tracked = Article | Section | Step  # the models with translation_sources
    from typing import Any

    from articles.models import Article

TRACKED_FIELDS = {"Article": ("title", "summary"), "Section": ("title", "intro"), "Step": ("text",)}


def text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:20]


def tracked_fields(instance: Tracked) -> tuple:
    return TRACKED_FIELDS.get(type(instance).__name__, ())


def _previous_texts(instance: Tracked) -> dict | None:
    if instance.pk is None:
        return None
    names = localized_fields(tracked_fields(instance))
    return type(instance).objects.filter(pk=instance.pk).values(*names).first()


def _record(source: str, since: str | None = None) -> dict:
    return {"hash": text_hash(source), "source": source, "since": since}


def record_translation_sources(instance: Tracked, now: datetime | None = None) -> None:
    """Before a save: note what each language was translated from, and what is now out of date.

    When one language changes alone, it is either catching up (it was out of date: both now
    match) or a new source (it was up to date: the other language is now out of date). When
    both change together, both match.
    """
    now = now or timezone.now()
    previous = _previous_texts(instance)
    sources = dict(instance.translation_sources or {})
    languages = language_codes()
    for field in tracked_fields(instance):
        current = {
            code: getattr(instance, localized_field(field, code), "") or "" for code in languages
        }
        if previous is None:
            sources[field] = {code: _record(current[other_language(code)]) for code in languages}
            continue
        before = {code: previous.get(localized_field(field, code)) or "" for code in languages}
        # Rows written before drift was tracked matched each other as they were.
        entry = {code: dict(record) for code, record in (sources.get(field) or {}).items()}
        for code in languages:
            entry.setdefault(code, _record(before[other_language(code)]))
        changed = [code for code in languages if current[code] != before[code]]
        if len(changed) == len(languages):
            entry = {code: _record(current[other_language(code)]) for code in languages}
        elif changed:
            [language] = changed
            other = other_language(language)
            was_behind = entry[language]["hash"] != text_hash(before[other])
            entry[language] = _record(current[other])
            if was_behind:
                entry[other] = _record(current[language])
        for code in languages:
            source = current[other_language(code)]
            stale = bool(current[code] and source) and entry[code]["hash"] != text_hash(source)
            if not stale:
                entry[code]["since"] = None
            elif not entry[code].get("since"):
                entry[code]["since"] = now.isoformat()
        sources[field] = entry
    instance.translation_sources = sources


def mark_checked(instance: Tracked) -> None:
    """Both languages of every tracked field match each other as they are now (not saved)."""
    sources: dict[str, Any] = {}
    for field in tracked_fields(instance):
        sources[field] = {}
        for language in language_codes():
            source = getattr(instance, localized_field(field, other_language(language)), "") or ""
            sources[field][language] = {"hash": text_hash(source), "source": source, "since": None}
    instance.translation_sources = sources


@dataclass
class StaleText:
    """One out-of-date text: `language` fell behind the change from `old_source` to `new_source`."""

    instance: object
    field: str
    language: str
    old_source: str
    new_source: str
    since: datetime | None

    @property
    def source_language(self) -> str:
        return other_language(self.language)


def stale_texts(instance: Tracked) -> list[StaleText]:
    found = []
    for field in tracked_fields(instance):
        for language, record in (instance.translation_sources or {}).get(field, {}).items():
            text = getattr(instance, localized_field(field, language), "") or ""
            source = getattr(instance, localized_field(field, other_language(language)), "") or ""
            if text and source and record.get("hash") != text_hash(source):
                since = datetime.fromisoformat(record["since"]) if record.get("since") else None
                found.append(
                    StaleText(instance, field, language, record.get("source", ""), source, since)
                )
    return found


def article_stale_texts(article: Article) -> list[StaleText]:
    """Every out-of-date text of the article, its sections and their steps, in page order."""
    found = stale_texts(article)
    for section in article.sections.all():
        found += stale_texts(section)
        for step in section.steps.all():
            found += stale_texts(step)
    return found


def summarise(stale: list[StaleText]) -> dict:
    """{language: ISO date of the latest source change} for the languages that are out of date."""
    summary: dict[str, Any] = {}
    for item in stale:
        when = (item.since or timezone.now()).isoformat()
        summary[item.language] = max(summary.get(item.language, when), when)
    return summary


def refresh_article(article_id: int) -> dict:
    """Recompute the article's out-of-date languages (Article.stale_translations) from its rows."""
    from articles.models import Article

    article = Article.objects.prefetch_related("sections__steps").filter(pk=article_id).first()
    if article is None:
        return {}
    summary = summarise(article_stale_texts(article))
    if summary != article.stale_translations:
        Article.objects.filter(pk=article_id).update(stale_translations=summary)
    return summary


def check_translations(article: Article) -> None:
    """Staff say both languages of the whole article match: nothing is out of date any more."""
    from articles.models import Article, Section, Step

    for model, rows in (
        (Article, [article]),
        (Section, article.sections.all()),
        (Step, Step.objects.filter(section__article=article)),
    ):
        for row in rows:
            mark_checked(row)
            model.objects.filter(pk=row.pk).update(translation_sources=row.translation_sources)
    Article.objects.filter(pk=article.pk).update(stale_translations={})


def reader_notice(article: Article, language: str) -> dict | None:
    """What a reader of an out-of-date translation is told: the date and the other language."""
    since = (article.stale_translations or {}).get(language)
    if not since:
        return None
    return {"date": datetime.fromisoformat(since), "language": other_language(language)}
