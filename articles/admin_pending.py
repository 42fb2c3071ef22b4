"""Staff page of a change waiting for a publisher: what it alters side by side with the live
article, previews in both languages, and publishing or discarding it (admin views wired in
admin.py; the rules are in pending.py)."""

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
from django.utils.translation import gettext as _

from articles import pending, workflow
from articles.admin_history import article_page, language_links
from articles.models import Article, PendingChange
from articles.text_diff import side_by_side
from articles.views import render_article


def notice(change: PendingChange) -> str:
    return _(
        "%(who)s proposed a change to this published article (%(when)s). It waits for a "
        "publisher; readers see the published article as it is below."
    ) % {"who": pending.who(change), "when": pending.when(change)}


def _article_and_change(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> tuple:
    article = get_object_or_404(Article, pk=object_id)
    if not model_admin.has_view_permission(request, article):
        raise PermissionDenied
    change = pending.pending_for(article)
    if change is None:
        raise Http404(_("No change of this article waits for a publisher."))
    return article, change


def preview_links(article: Article) -> list[tuple[str, str]]:
    return language_links("admin:articles_article_pending_preview", [article.pk])


def review_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> TemplateResponse | HttpResponseRedirect | HttpResponseNotAllowed:
    """GET: the change beside the live article; POST action=publish|discard."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    article = get_object_or_404(Article, pk=object_id)
    if request.method == "POST":
        return _decide(model_admin, request, article)
    article, change = _article_and_change(model_admin, request, object_id)
    rows = [
        {"change": item, "sides": side_by_side(item.old, item.new)}
        for item in pending.changes(change)
    ]
    title = _("Change waiting for %(article)s") % {"article": article.kb_number}
    page = {
        "pending_change": change,
        "notice": notice(change),
        "rows": rows,
        "previews": preview_links(article),
        "can_publish": workflow.can_publish(request.user),
        "can_discard": pending.may_discard(request.user, change),
    }
    return article_page(model_admin, request, article, "pending.html", title, **page)


def _decide(
    model_admin: ModelAdmin, request: HttpRequest, article: Article
) -> HttpResponseRedirect:
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    change = pending.pending_for(article)
    action = request.POST.get("action", "")
    if change is None or str(change.pk) != request.POST.get("change", ""):
        messages.error(request, _("This change was already published or discarded."))
        return redirect("admin:articles_article_change", article.pk)
    try:
        if action == "publish":
            pending.publish(change, request.user)
            messages.success(request, _("The change is published: readers see it now."))
        elif action == "discard":
            pending.discard(change, request.user)
            messages.success(
                request, _("The change was discarded; the published article is unchanged.")
            )
        else:
            messages.error(request, _("Choose to publish or to discard the change."))
            return redirect("admin:articles_article_pending", article.pk)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect("admin:articles_article_pending", article.pk)
    except pending.PendingError as error:
        messages.error(request, str(error))
        return redirect("admin:articles_article_pending", article.pk)
    return redirect("admin:articles_article_change", article.pk)


def preview_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    from articles import history

    article, change = _article_and_change(model_admin, request, object_id)
    shown = history.version_article(pending.article_version(change))
    response = HttpResponse(render_article(request, shown, preview=True))
    response["Cache-Control"] = "private, no-store"
    return response
