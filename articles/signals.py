"""Keep search text and cached pages in step with every edit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from reversion.models import Revision

from articles import drift, search_index
from articles.models import (
    Article,
    Category,
    Figure,
    PendingChange,
    SearchEntry,
    Section,
    Step,
    Synonym,
)
from articles.page_cache import bump_content_version
from articles.search import rebuild_search_entries
from articles.search_vocabulary import forget_words

if TYPE_CHECKING:
    from typing import Any

    from django.db.models import Model

_state = threading.local()


@contextmanager
def suspended() -> Iterator:
    """Skip per-row re-indexing during a bulk load (the loader re-indexes once at the end)."""
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = False


def _article_of(instance: Model) -> Article | None:
    if isinstance(instance, Article):
        return instance
    if isinstance(instance, Section):
        return instance.article
    if isinstance(instance, Step):
        return instance.section.article
    return None


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Section)
@receiver(post_save, sender=Step)
@receiver(post_delete, sender=Section)
@receiver(post_delete, sender=Step)
def reindex_article(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or getattr(_state, "suspended", False):
        return
    try:
        article = _article_of(instance)
        if article is not None and article.pk in _deleting():
            return
        if article is not None and Article.objects.filter(pk=article.pk).exists():
            rebuild_search_entries(article)
            drift.refresh_article(article.pk)
    except (Article.DoesNotExist, Section.DoesNotExist):
        pass  # the parent is being deleted as well
    bump_content_version()


def _deleting() -> set:
    if not hasattr(_state, "deleting"):
        _state.deleting = set()
    return _state.deleting


@receiver(pre_delete, sender=Article)
def article_deleting(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Its sections go first: re-indexing them then would bring back the entries being deleted."""
    _deleting().add(instance.pk)


@receiver(post_delete, sender=Article)
def article_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _deleting().discard(instance.pk)


@receiver(post_save, sender=Figure)
@receiver(post_delete, sender=Figure)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Article)
def content_changed(sender: type[Model], **kwargs: Any) -> None:
    bump_content_version()


@receiver(m2m_changed, sender=Article.related.through)
def related_changed(sender: type[Model], **kwargs: Any) -> None:
    bump_content_version()


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender: type[Model], **kwargs: Any) -> None:
    """A new content version makes every process reload the synonym sets for the next search."""
    bump_content_version()


@receiver(post_delete, sender=SearchEntry)
def unindex_entry(sender: type[Model], instance: SearchEntry, **kwargs: Any) -> None:
    """A deleted article leaves nothing in SQLite's FTS5 table (PostgreSQL keeps the vector in
    the row) and its words no longer count."""
    search_index.forget_entries([instance.pk])
    forget_words(instance)


@receiver(post_delete, sender=PendingChange)
def pending_change_deleted(sender: type[Model], instance: PendingChange, **kwargs: Any) -> None:
    """A waiting change that goes with its article leaves no proposal revision behind."""
    Revision.objects.filter(pk=instance.revision_id).delete()
