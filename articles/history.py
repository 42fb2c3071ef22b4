"""Article history with django-reversion: one version per save of an article with its
sections, steps and figures, who made it and why, readable differences, and restoring.

Every revision is created by hand (`manage_manually`) and holds the whole article as it is
once everything is saved, so a version never keeps a section deleted in the same save.
Revision comments are short keys (see COMMENTS) shown in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import reversion
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.errors import RevertError
from reversion.models import Version

from articles.models import Article, Figure, Section, Step
from portal.languages import language_codes, localized_field

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
    from typing import Any

    from django.db.models import QuerySet

LOADED = "loaded"
EDITED = "edited"
CHECKED = "checked"
PROPOSED = "proposed"  # a change waiting for a publisher (pending.py), not a version of the article
COMMENTS = {
    LOADED: gettext_lazy("loaded from articles/content"),
    EDITED: gettext_lazy("edited"),
    CHECKED: gettext_lazy("translation checked"),
    "status:draft": gettext_lazy("moved back to draft"),
    "status:review": gettext_lazy("sent to review"),
    "status:published": gettext_lazy("published"),
    "status:scheduled": gettext_lazy("scheduled for publishing"),
}

reversion.register(Article, follow=("sections", "figures"), exclude=("stale_translations",))
reversion.register(Section, follow=("steps",))
reversion.register(Step)
reversion.register(Figure)


class RestoreError(Exception):
    """A version cannot be restored; the message says why, for staff."""


def describe(comment: str) -> str:
    """The revision comment in the staff member's language."""
    if comment.startswith("restored:"):
        return _("restored version %(number)s") % {"number": comment.split(":", 1)[1]}
    if comment.startswith("proposal:"):
        return _("published the change proposed by %(who)s") % {"who": comment.split(":", 1)[1]}
    if comment.startswith("discarded:"):
        return _("discarded the change proposed by %(who)s") % {"who": comment.split(":", 1)[1]}
    return str(COMMENTS.get(comment, comment))


def record(article: Article, user: AnyUser | None = None, comment: str = EDITED) -> None:
    """Add the article as it is now (with sections, steps, figures) to the current revision."""
    if not reversion.is_active():
        return
    if user is not None and user.is_authenticated:
        reversion.set_user(user)
    reversion.set_comment(comment)
    reversion.add_to_revision(Article.objects.get(pk=article.pk))


def save_version(article: Article, user: AnyUser | None = None, comment: str = EDITED) -> None:
    """Keep a version now, outside any other revision (actions, drift checks)."""
    with reversion.create_revision(manage_manually=True):
        record(article, user, comment)


def versions_of(article: Article) -> QuerySet[Version]:
    """The article's versions, without a change waiting for a publisher (pending.py)."""
    return (
        Version.objects.get_for_object(article)
        .exclude(revision__comment=PROPOSED)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass
class Text:
    key: str
    label: str
    language: str
    text: str


@dataclass
class Snapshot:
    """The article's texts in one version, keyed so that two versions line up."""

    article: dict
    sections: list = field(default_factory=list)  # (field_dict, [step field_dicts])
    figures: list = field(default_factory=list)

    def texts(self) -> list[Text]:
        rows = []

        def add(key: str, label: str, values: dict[str, Any], name: str) -> None:
            for code in language_codes():
                text = values.get(localized_field(name, code)) or ""
                rows.append(Text(f"{key}:{code}", label, code, text))

        add("title", _("Title"), self.article, "title")
        add("summary", _("Summary"), self.article, "summary")
        for section, steps in self.sections:
            anchor = section.get("anchor", "")
            for name, label in (
                ("title", _("Section “%(anchor)s”: title")),
                ("intro", _("Section “%(anchor)s”: introduction")),
            ):
                add(f"s:{anchor}:{name}", label % {"anchor": anchor}, section, name)
            for position, step in enumerate(steps, start=1):
                number = step.get("label") or str(position)
                label = _("Section “%(anchor)s”: step %(number)s") % {
                    "anchor": anchor,
                    "number": number,
                }
                add(f"s:{anchor}:step:{position}", label, step, "text")
        for figure in self.figures:
            number = figure.get("number", "")
            for key, name, label in (
                ("caption", "caption", _("Figure %(number)s: caption")),
                ("alt", "alt_text", _("Figure %(number)s: alternative text")),
            ):
                add(f"f:{number}:{key}", label % {"number": number}, figure, name)
        return rows


def _order(values: dict[str, Any]) -> tuple:
    return (values.get("order") or 0, int(values.get("id") or 0))


def snapshot(version: Version) -> Snapshot:
    """The texts of a version's revision (one query for its versions)."""
    by_model: dict[type, list[dict[str, Any]]] = {Article: [], Section: [], Step: [], Figure: []}
    for item in version.revision.version_set.all():
        model = item._model
        if model in by_model:
            by_model[model].append(item.field_dict)
    article = next((a for a in by_model[Article] if str(a["id"]) == str(version.object_id)), {})
    steps_by_section: dict[Any, list[dict[str, Any]]] = {}
    for step in by_model[Step]:
        steps_by_section.setdefault(step["section_id"], []).append(step)
    sections = [
        (section, sorted(steps_by_section.get(section["id"], []), key=_order))
        for section in sorted(by_model[Section], key=_order)
        if section["article_id"] == article.get("id")
    ]
    figures = sorted(
        (f for f in by_model[Figure] if f["article_id"] == article.get("id")), key=_order
    )
    return Snapshot(article=article, sections=sections, figures=figures)


@dataclass
class Change:
    label: str
    language: str
    old: str
    new: str


def compare(older: Snapshot, newer: Snapshot) -> list[Change]:
    """Every text that differs between two versions, in page order (added and removed included)."""
    before = {text.key: text for text in older.texts()}
    changes, seen = [], set()
    for text in newer.texts():
        seen.add(text.key)
        old = before.get(text.key)
        if old is None or old.text != text.text:
            changes.append(Change(text.label, text.language, old.text if old else "", text.text))
    for key, text in before.items():
        if key not in seen and text.text:
            changes.append(Change(text.label, text.language, text.text, ""))
    return changes


def changed_languages(changes: list[Change]) -> dict:
    """{language: [labels]} of what changed, for the history list."""
    summary: dict[str, Any] = {}
    for change in changes:
        labels = summary.setdefault(change.language, [])
        if change.label not in labels:
            labels.append(change.label)
    return summary


def history_rows(article: Article, limit: int = 50) -> list[dict]:
    """The latest versions, newest first, each with what changed per language since the one before
    (the first version kept has nothing to compare with: its changes are empty)."""
    versions = list(versions_of(article)[: limit + 1])
    snapshots = [snapshot(version) for version in versions]
    rows = []
    for index, version in enumerate(versions[:limit]):
        first = index + 1 >= len(snapshots)
        rows.append(
            {
                "version": version,
                "comment": describe(version.revision.comment),
                "first": first,
                "changes": {}
                if first
                else changed_languages(compare(snapshots[index + 1], snapshots[index])),
            }
        )
    return rows


def missing_figures(version: Version) -> list[str]:
    """Numbers of the version's figures whose image files no longer exist."""
    missing = []
    for figure in snapshot(version).figures:
        for code in language_codes():
            image = figure.get(localized_field("image", code))
            name = getattr(image, "name", image) or ""
            if name and not default_storage.exists(name):
                missing.append(str(figure.get("number", "?")))
                break
    return missing


def restore(
    version: Version, user: AnyUser, expected_edit_version: int, comment: str = ""
) -> Article:
    """Bring back the article's texts, sections, steps and figures of `version`, as a new version.

    Refused (RestoreError, nothing changed) when the article was saved by someone else after
    the page was opened, or when images of the version's figures were deleted since.
    """
    from articles import drift
    from articles.page_cache import bump_content_version
    from articles.search import rebuild_search_entries

    article = Article.objects.filter(pk=version.object_id).first()
    if article is None:
        raise RestoreError(_("The article no longer exists."))
    if article.edit_version != expected_edit_version:
        raise RestoreError(
            _(
                "Someone else saved this article after you opened this page. "
                "Nothing was restored: look at the history again and choose anew."
            )
        )
    missing = missing_figures(version)
    if missing:
        raise RestoreError(
            _(
                "This version cannot be restored: the images of figures %(numbers)s were "
                "deleted since. Upload them again or choose a newer version."
            )
            % {"numbers": ", ".join(missing)}
        )
    kept = {
        "status": article.status,
        "publish_at": article.publish_at,
        "status_changed_by_id": article.status_changed_by_id,
        "status_changed_at": article.status_changed_at,
    }
    # The workflow fields stay as they are: restoring text must not publish, unpublish or
    # reschedule an article (that needs the publish permission).
    try:
        with transaction.atomic(), reversion.create_revision(manage_manually=True):
            version.revision.revert(delete=True)
            Article.objects.filter(pk=article.pk).update(
                edit_version=article.edit_version + 1, **kept
            )
            restored = Article.objects.get(pk=article.pk)
            rebuild_search_entries(restored)
            drift.refresh_article(restored.pk)
            record(restored, user, comment or f"restored:{version.pk}")
    except RevertError as error:
        raise RestoreError(
            _("This version cannot be restored: %(reason)s") % {"reason": error}
        ) from None
    bump_content_version()
    return Article.objects.get(pk=article.pk)


def version_article(version: Version) -> Article:
    """An unsaved Article of the version, prepared like articles.display.prepare_article."""
    objects: dict[type, list[Any]] = {Article: [], Section: [], Step: [], Figure: []}
    for item in version.revision.version_set.all():
        if item._model in objects:
            objects[item._model].append(item._object_version.object)
    article = next(a for a in objects[Article] if str(a.pk) == str(version.object_id))
    figures = sorted(
        (f for f in objects[Figure] if f.article_id == article.pk), key=lambda f: (f.order, f.pk)
    )
    by_step: dict[Any, list[Any]] = {}
    for figure in figures:
        if figure.step_id:
            by_step.setdefault(figure.step_id, []).append(figure)
    sections = sorted(
        (s for s in objects[Section] if s.article_id == article.pk), key=lambda s: (s.order, s.pk)
    )
    for section in sections:
        steps = sorted(
            (s for s in objects[Step] if s.section_id == section.pk), key=lambda s: (s.order, s.pk)
        )
        for position, step in enumerate(steps, start=1):
            step.display_number = step.label or str(position)
            step.beside_figures = by_step.get(step.pk, [])
        section.display_steps = steps
    article.display_sections = sections
    article.gallery = figures
    article.related_published = []
    return article
