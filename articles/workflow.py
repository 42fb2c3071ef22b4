"""Review and publishing: draft → in review → published (now or at a "publish at" moment).

Staff with the "articles.publish_article" permission (the "Publisher" group) may publish,
schedule and take an article back to draft; everyone else who may change articles (the
"Editor" group) may only send a draft to review or take it back from review to draft.
A scheduled article is published at once in the database; readers see it from its
"publish at" moment on because every public query asks for `publish_at <= now`, and the
page cache's version carries the next such moment (page_cache.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import history
from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser  # request.user of a signed-in staff member

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user: AnyUser) -> bool:
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


def allowed_statuses(user: AnyUser, article: Article | None) -> list[str]:
    """The statuses this user may give the article (its current one always included)."""
    if can_publish(user):
        return [choice for choice, _label in Article.Status.choices]
    current = article.status if article is not None else Article.Status.DRAFT
    if current == Article.Status.PUBLISHED:
        return [current]
    return [Article.Status.DRAFT, Article.Status.REVIEW]


def status_comment(status: str, publish_at: datetime | None) -> str:
    if status == Article.Status.PUBLISHED and publish_at and publish_at > timezone.now():
        return "status:scheduled"
    return f"status:{status}"


def move(
    article: Article, status: str, user: AnyUser, publish_at: datetime | None = None
) -> Article:
    """Give the article a new status as `user`, keeping who did it and a version in the history.

    Raises PermissionDenied (with a message for staff) when the user may not do this.
    """
    if status not in allowed_statuses(user, article):
        raise PermissionDenied(_("You may send articles to review; publishing needs a publisher."))
    if status != Article.Status.PUBLISHED:
        publish_at = None
    article.status = status
    article.publish_at = publish_at
    article.status_changed_by = user  # type: ignore[assignment]  # a signed-in staff member
    article.status_changed_at = timezone.now()
    article.save()
    history.save_version(article, user, status_comment(status, publish_at))
    return article


def next_scheduled_publish(now: datetime | None = None) -> datetime | None:
    """The next moment a scheduled article becomes visible, if any."""
    now = now or timezone.now()
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
