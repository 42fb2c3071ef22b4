"""Changes to published articles that wait for a publisher (like Document360's or Zendesk's
"in review" versions).

When staff without the publish permission save a published article (or its sections, steps
or figures), the admin runs the whole save in a transaction, keeps the article as it was then
saved (a reversion revision, exactly as history.py keeps versions) and rolls everything else
back: the live article, its search entries, drift marks and admin log stay as they were. The
revision is stored as the article's PendingChange. Publishing it restores that revision through
history.restore (a new version in the history, page cache and search index refreshed);
discarding it deletes it. One change may wait per article: a second one is refused with a
message until the first is published or discarded. Figure uploads are refused while proposing,
since a rolled-back transaction cannot take back a file written to storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from articles import history, workflow
from articles.models import Article, Figure, PendingChange, Section, Step

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
    from typing import Any

PROPOSED = history.PROPOSED


class PendingError(Exception):
    """The pending change cannot be published or kept; the message says why, for staff."""


def must_propose(user: AnyUser, article: Article | None) -> bool:
    """Whether this user's save of this article has to wait for a publisher."""
    return (
        article is not None
        and article.pk is not None
        and not workflow.can_publish(user)
        and Article.objects.filter(pk=article.pk, status=Article.Status.PUBLISHED).exists()
    )


def pending_for(article: Article) -> PendingChange | None:
    return (
        PendingChange.objects.select_related("proposed_by", "revision")
        .filter(article_id=article.pk)
        .first()
    )


def who(change: PendingChange) -> str:
    return change.proposed_by.get_username() if change.proposed_by else _("someone")


def when(change: PendingChange) -> str:
    return date_format(timezone.localtime(change.proposed_at), "DATETIME_FORMAT")


def refusal(article: Article, has_uploads: bool) -> str | None:
    """Why a proposed change to this published article cannot be kept now, if it cannot."""
    waiting = pending_for(article)
    if waiting is not None:
        return _(
            "%(who)s proposed a change to this published article (%(when)s) that waits for a "
            "publisher. Your changes are not saved: they are still in this form. Ask a publisher "
            "to publish or discard the waiting change, then press Save again."
        ) % {"who": who(waiting), "when": when(waiting)}
    if has_uploads:
        return _(
            "Images of a published article can only be changed by a publisher. Your changes are "
            "not saved: remove the chosen image files, press Save again and ask a publisher "
            "for the new images."
        )
    return None


def capture(article: Article) -> list[dict]:
    """The rows of the revision just saved for the article (call before rolling back)."""
    latest = (
        Version.objects.get_for_object(article).order_by("-revision__date_created", "-pk").first()
    )
    return list(
        latest.revision.version_set.values(
            "content_type_id", "object_id", "db", "format", "serialized_data", "object_repr"
        )
    )


def store(
    article: Article, rows: list[dict], user: AnyUser, base_edit_version: int
) -> PendingChange:
    """Keep the captured rows as the article's pending change (after the rollback)."""
    try:
        with transaction.atomic():
            revision = Revision.objects.create(
                date_created=timezone.now(),
                user=user if user.is_authenticated else None,
                comment=PROPOSED,
            )
            Version.objects.bulk_create([Version(revision=revision, **row) for row in rows])
            return PendingChange.objects.create(  # type: ignore[misc]  # user: signed-in staff
                article=article,
                revision=revision,
                proposed_by=user,
                base_edit_version=base_edit_version,
            )
    except IntegrityError:
        raise PendingError(
            _(
                "Someone else proposed a change to this article at the same moment. "
                "Yours was not kept: open the article again and repeat it."
            )
        ) from None


def article_version(change: PendingChange) -> Version:
    return change.revision.version_set.get(
        content_type__app_label="articles",
        content_type__model="article",
        object_id=str(change.article_id),
    )


def may_discard(user: AnyUser, change: PendingChange) -> bool:
    return workflow.can_publish(user) or (
        user.is_authenticated and change.proposed_by_id == user.pk
    )


def _foreign_rows(change: PendingChange) -> bool:
    """Whether a section, step or figure of the change has the id of another article's row
    (possible where a database reuses the ids of rolled-back rows, like SQLite)."""
    article_id = change.article_id
    mine = {
        Section: Section.objects.filter(article_id=article_id),
        Step: Step.objects.filter(section__article_id=article_id),
        Figure: Figure.objects.filter(article_id=article_id),
    }
    for version in change.revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if (
            model in mine
            and model.objects.filter(pk=version.object_id).exists()
            and not mine[model].filter(pk=version.object_id).exists()
        ):
            return True
    return False


def publish(change: PendingChange, user: AnyUser) -> Article:
    """Make the pending change the live article, as a new version in the history."""
    if not workflow.can_publish(user):
        raise PermissionDenied(_("Only publishers may publish a waiting change."))
    article = Article.objects.get(pk=change.article_id)
    if article.edit_version != change.base_edit_version:
        raise PendingError(
            _(
                "The published article was changed after this change was proposed, so "
                "publishing it would undo that. Discard it and ask for it again."
            )
        )
    if _foreign_rows(change):
        raise PendingError(
            _("This change can no longer be published. Discard it and ask for it again.")
        )
    try:
        article = history.restore(
            article_version(change), user, article.edit_version, comment=f"proposal:{who(change)}"
        )
    except history.RestoreError as error:
        raise PendingError(str(error)) from None
    change.revision.delete()  # its content is the new version now; deletes the PendingChange too
    return article


def discard(change: PendingChange, user: AnyUser) -> None:
    """Drop the pending change, noting in the history who dropped whose change."""
    if not may_discard(user, change):
        raise PermissionDenied(_("Only publishers may discard a change someone else proposed."))
    article = Article.objects.get(pk=change.article_id)
    proposer = who(change)
    with transaction.atomic():
        change.revision.delete()
        history.save_version(article, user, f"discarded:{proposer}")


def live_snapshot(article: Article) -> history.Snapshot:
    """The live article's texts, lined up like a version's (history.snapshot)."""

    def values(obj: Any) -> dict[str, Any]:
        return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}

    sections = [
        (values(section), [values(step) for step in section.steps.order_by("order", "pk")])
        for section in article.sections.order_by("order", "pk")
    ]
    figures = [values(figure) for figure in article.figures.order_by("order", "pk")]
    return history.Snapshot(article=values(article), sections=sections, figures=figures)


def changes(change: PendingChange) -> list[history.Change]:
    """What the pending change alters in the live article, in page order."""
    article = Article.objects.get(pk=change.article_id)
    return history.compare(live_snapshot(article), history.snapshot(article_version(change)))
