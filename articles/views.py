"""Public pages of the knowledge base: home, category, article, search, feedback, troubleshooter."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from articles import drift
from articles.conf import app_settings
from articles.display import article_queryset, categories_with_articles, prepare_article
from articles.forms import FeedbackForm
from articles.middleware import mark_public
from articles.models import Article, Feedback
from articles.search import MAX_QUERY_LENGTH, clean_query, record_failed_search
from articles.search import search as run_search
from articles.search_log import record_open, record_search

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

VISITOR_COOKIE = "kb_visitor"
SUGGEST_MIN_CHARS = 2
SUGGEST_LIMIT = 5


def public_page(build: Callable[[dict[str, Any]], str]) -> HttpResponse:
    """Render a public page that the page-cache middleware may keep until the next edit.

    Cacheable pages show nothing personal (no messages, no user, no CSRF token).
    """
    response = HttpResponse(build({"cacheable": True}))
    # Browsers revalidate every time, so staff see an edit at once; the server-side page cache
    # (articles.middleware) keeps the pages cheap.
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return mark_public(response)


def public_template(
    request: HttpRequest, template: str, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """A public page from one template and the context `context()` gives (public_page)."""
    return public_page(
        lambda base: render_to_string(template, {**base, **context()}, request=request)
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return public_template(
        request,
        "articles/home.html",
        lambda: {"categories": [c for c in categories_with_articles() if c.articles.all()]},
    )


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return public_template(
        request,
        "articles/category.html",
        lambda: {"category": get_object_or_404(categories_with_articles(), slug=slug)},
    )


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build(base: dict[str, Any]) -> str:
        article = get_object_or_404(article_queryset().published(), slug=slug)
        return render_article(request, prepare_article(article), extra=base)

    return public_page(build)


@staff_member_required
@require_GET
def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see drafts (and unsaved-to-cache changes) exactly as readers will."""
    article = get_object_or_404(article_queryset(), slug=slug)
    response = HttpResponse(render_article(request, prepare_article(article), preview=True))
    response["Cache-Control"] = "private, no-store"
    return response


def render_article(
    request: HttpRequest,
    article: Article,
    preview: bool = False,
    extra: dict[str, Any] | None = None,
) -> str:
    notice = drift.reader_notice(article, get_language())
    if notice:
        with translation.override(notice["language"]):
            notice["url"] = article.get_absolute_url() if article.pk else ""
    context = {
        **(extra or {}),
        "article": article,
        "preview": preview,
        "translation_notice": notice,
    }
    return render_to_string("articles/article.html", context, request=request)


@require_GET
def kb_redirect(request: HttpRequest, kb_number: str) -> HttpResponseRedirect:
    article = get_object_or_404(Article.objects.published(), kb_number__iexact=kb_number)
    return redirect(article)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query, truncated = clean_query(raw)
    exact = request.GET.get("exact") == "1"
    context = {
        "search_query": query,
        "query_param": quote_plus(query),
        "truncated": truncated,
        "max_length": MAX_QUERY_LENGTH,
        "exact": exact,
    }
    results = []
    if not query:
        context["empty_query"] = "q" in request.GET
    else:
        outcome = run_search(query, get_language(), correct=not exact)
        results = outcome.results
        context["outcome"] = outcome
        context["other_language_name"] = (
            get_language_info(outcome.other_language)["name_translated"]
            if outcome.other_language
            else ""
        )
        context["stat_id"] = record_search(outcome)
        if not results:
            record_failed_search(query, get_language())
    context["results"] = results
    if not results:
        context["suggestions"] = list(Article.objects.published().select_related("category")[:5])
    response = render(request, "articles/search.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def search_open(request: HttpRequest, stat_id: str, slug: str) -> HttpResponseRedirect:
    """A result link: count that this search's result was opened, then show the article."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    record_open(stat_id, article, get_language())
    return redirect(article)


@require_GET
def search_suggest(request: HttpRequest) -> JsonResponse:
    """Up to five articles for what is typed so far, as JSON, for the header search box."""
    query, _truncated = clean_query(request.GET.get("q", ""))
    items = []
    if len(query) >= SUGGEST_MIN_CHARS:
        outcome = run_search(query, get_language(), as_you_type=True, limit=SUGGEST_LIMIT)
        items = [
            {
                "kb": result.article.kb_number,
                "title": result.article.title,
                "url": result.article.get_absolute_url(),
            }
            for result in outcome.results
        ]
    response = JsonResponse({"query": query, "results": items})
    response["Cache-Control"] = "private, no-store"
    return response


def visitor_id(request: HttpRequest) -> str:
    """A random per-browser identifier kept in a signed cookie (no personal data)."""
    value = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt="kb-visitor")
    return value or secrets.token_urlsafe(16)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, slug: str) -> HttpResponse | HttpResponseRedirect:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    visitor = visitor_id(request)
    visitor_hash = hashlib.sha256(f"{settings.SECRET_KEY}:{visitor}".encode()).hexdigest()
    existing = Feedback.objects.filter(article=article, visitor=visitor_hash).first()
    if request.method == "POST":
        form = FeedbackForm(request.POST, article=article)
        if form.is_valid():
            values = {
                "helpful": form.cleaned_data["helpful"],
                "reason": form.cleaned_data["reason"],
                "figure": form.cleaned_data.get("figure"),
                "comment": form.cleaned_data["comment"],
                "language": get_language(),
            }
            try:
                with transaction.atomic():
                    Feedback.objects.update_or_create(
                        article=article, visitor=visitor_hash, defaults=values
                    )
            except IntegrityError:
                Feedback.objects.filter(article=article, visitor=visitor_hash).update(**values)
            response = redirect(f"{request.path}?sent=1")
            response.set_signed_cookie(
                VISITOR_COOKIE,
                visitor,
                salt="kb-visitor",
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    else:
        initial = (
            {"helpful": request.GET.get("helpful")}
            if request.GET.get("helpful") in {"yes", "no"}
            else {}
        )
        if existing:
            initial.setdefault("helpful", "yes" if existing.helpful else "no")
            initial.update(
                comment=existing.comment,
                reason=existing.reason,
                figure=existing.figure_id,  # type: ignore[arg-type]  # the form takes the id
            )
        form = FeedbackForm(initial=initial, article=article)
    context = {
        "article": article,
        "form": form,
        "existing": existing,
        "sent": request.GET.get("sent") == "1",
    }
    return render(request, "articles/feedback.html", context)


def troubleshooting_article() -> Article:
    article = (
        article_queryset()
        .published()
        .filter(kb_number=app_settings.TROUBLESHOOTING_ARTICLE_KB)
        .first()
    )
    if article is None:
        raise Http404(_("The troubleshooting guide is not available."))
    return prepare_article(article)


@require_GET
def troubleshooter(request: HttpRequest) -> HttpResponse:
    return public_template(
        request, "articles/troubleshooter.html", lambda: {"article": troubleshooting_article()}
    )


@require_GET
def situation(request: HttpRequest, anchor: str) -> HttpResponse:
    def build(base: dict[str, Any]) -> str:
        article = troubleshooting_article()
        sections = article.display_sections  # type: ignore[attr-defined]  # prepare_article
        matches = [section for section in sections if section.anchor == anchor]
        if not matches:
            raise Http404(_("There is no such situation."))
        others = [section for section in sections if section.anchor != anchor]
        return render_to_string(
            "articles/situation.html",
            {**base, "article": article, "section": matches[0], "others": others},
            request=request,
        )

    return public_page(build)
