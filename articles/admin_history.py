"""Staff pages of an article's history: the versions, two versions side by side, a version's
preview in either language, and restoring one (admin views wired in admin.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from articles import history, pending
from articles.models import Article
from articles.text_diff import side_by_side
from articles.views import render_article

if TYPE_CHECKING:
    from typing import Any

    from reversion.models import Version


def _article_and_version(
    model_admin: ModelAdmin,
    request: HttpRequest,
    object_id: str,
    version_id: int | None = None,
    change: bool = False,
) -> tuple:
    article = get_object_or_404(Article, pk=object_id)
    allowed = (
        model_admin.has_change_permission(request, article)
        if change
        else model_admin.has_view_permission(request, article)
    )
    if not allowed:
        raise PermissionDenied
    if version_id is None:
        return article, None
    version = history.versions_of(article).filter(pk=version_id).first()
    if version is None:
        raise Http404(_("This article has no such version."))
    return article, version


def article_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    article: Article,
    template: str,
    title: str,
    **extra: Any,
) -> TemplateResponse:
    """One of the admin's own pages about an article (history, compare, restore, pending)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "article": article,
        "title": title,
        "has_change_permission": model_admin.has_change_permission(request, article),
        **extra,
    }
    return TemplateResponse(request, f"admin/articles/article/{template}", context)


def language_links(viewname: str, args: list[Any]) -> list[tuple[str, str]]:
    """(language name, address of the view in that language) for every configured language."""
    links = []
    for code, name in settings.LANGUAGES:
        label = str(name)
        with translation.override(code):
            links.append((label, reverse(viewname, args=args)))
    return links


def preview_links(article: Article, version: Version) -> list[tuple[str, str]]:
    return language_links("admin:articles_article_version_preview", [article.pk, version.pk])


def versions_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> TemplateResponse:
    article, _version = _article_and_version(model_admin, request, object_id)
    rows = history.history_rows(article)
    for row in rows:
        row["previews"] = preview_links(article, row["version"])
    title = _("History of %(article)s") % {"article": article.kb_number}
    return article_page(model_admin, request, article, "versions.html", title, rows=rows)


def compare_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> TemplateResponse | HttpResponseRedirect:
    article, _version = _article_and_version(model_admin, request, object_id)
    chosen = [request.GET.get("older", ""), request.GET.get("newer", "")]
    versions = {
        str(v.pk): v
        for v in history.versions_of(article).filter(
            pk__in=[value for value in chosen if value.isdigit()]
        )
    }
    if len(versions) != 2 or chosen[0] == chosen[1]:
        messages.error(request, _("Choose two different versions of this article to compare."))
        return redirect("admin:articles_article_history", article.pk)
    older, newer = sorted(versions.values(), key=lambda v: (v.revision.date_created, v.pk))
    changes = history.compare(history.snapshot(older), history.snapshot(newer))
    rows = [{"change": change, "sides": side_by_side(change.old, change.new)} for change in changes]
    title = _("Changes in %(article)s") % {"article": article.kb_number}
    page = {
        "older": older,
        "newer": newer,
        "rows": rows,
        "older_comment": history.describe(older.revision.comment),
        "newer_comment": history.describe(newer.revision.comment),
    }
    return article_page(model_admin, request, article, "compare.html", title, **page)


def restore_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, version_id: int
) -> TemplateResponse | HttpResponseRedirect | HttpResponseNotAllowed:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    article, version = _article_and_version(
        model_admin, request, object_id, version_id, change=True
    )
    if pending.must_propose(request.user, article):
        messages.error(request, _("Only a publisher can restore a version of a published article."))
        return redirect("admin:articles_article_history", article.pk)
    if request.method == "POST":
        try:
            expected = int(request.POST.get("edit_version", ""))
        except ValueError:
            expected = -1
        try:
            history.restore(version, request.user, expected)
        except history.RestoreError as error:
            messages.error(request, str(error))
            return redirect("admin:articles_article_history", article.pk)
        when = date_format(localtime(version.revision.date_created), "DATETIME_FORMAT")
        messages.success(
            request, _("The version of %(date)s was restored as a new version.") % {"date": when}
        )
        return redirect("admin:articles_article_change", article.pk)
    missing = history.missing_figures(version)
    title = _("Restore a version of %(article)s") % {"article": article.kb_number}
    page = {
        "version": version,
        "missing": missing,
        "comment": history.describe(version.revision.comment),
        "previews": preview_links(article, version),
    }
    return article_page(model_admin, request, article, "restore.html", title, **page)


def version_preview_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, version_id: int
) -> HttpResponse:
    article, version = _article_and_version(model_admin, request, object_id, version_id)
    response = HttpResponse(render_article(request, history.version_article(version), preview=True))
    response["Cache-Control"] = "private, no-store"
    return response
