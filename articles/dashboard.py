"""The staff dashboard's numbers: per article and language over a period, from the stored counts.

Views (PageViewDay), "was this helpful" answers with reasons and comments (Feedback), the
searches whose results led to an article (SearchLeadDay), failed searches (FailedSearch, by
the day they were last seen) and the troubleshooter's situations: how often each was chosen
and how often readers left from it (views − moved on). A fixed number of grouped queries,
however many articles and days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from articles.models import Article, FailedSearch, Feedback, PageViewDay, SearchLeadDay
from portal.languages import language_codes, localized_fields

if TYPE_CHECKING:
    from django.http import QueryDict

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
TOP = 15


@dataclass
class Filters:
    days: int = DEFAULT_PERIOD
    language: str = ""
    article_id: int | None = None
    end: date = field(default_factory=lambda: timezone.localdate())

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)


def parse_filters(params: QueryDict) -> tuple[Filters, list[str]]:
    """Filters from the query string; unknown values fall back to the default and are named."""
    from django.utils.translation import gettext as _

    filters, errors = Filters(), []
    days = params.get("days", "")
    if days:
        if days.isdigit() and int(days) in PERIODS:
            filters.days = int(days)
        else:
            errors.append(
                _("Unknown period; showing the last %(days)s days.") % {"days": DEFAULT_PERIOD}
            )
    language = params.get("language", "")
    if language in language_codes():
        filters.language = language
    elif language:
        errors.append(_("Unknown language; showing both."))
    article = params.get("article", "")
    if article:
        if article.isdigit() and Article.objects.filter(pk=int(article)).exists():
            filters.article_id = int(article)
        else:
            errors.append(_("Unknown article; showing all of them."))
    return filters, errors


@dataclass
class ArticleRow:
    article_id: int
    kb_number: str
    title: str
    language: str
    views: int = 0
    yes: int = 0
    no: int = 0
    reasons: dict = field(default_factory=dict)
    comments: int = 0

    @property
    def helpful_ratio(self) -> float | None:
        answers = self.yes + self.no
        return self.yes / answers if answers else None


@dataclass
class Dashboard:
    filters: Filters
    rows: list = field(default_factory=list)
    daily_views: list = field(default_factory=list)  # [(date, views)] for every day of the period
    reasons: list = field(default_factory=list)  # [(reason value, label, count)]
    comments: list = field(default_factory=list)
    searches: list = field(default_factory=list)  # [(query, language, opened)]
    failed_searches: list = field(default_factory=list)  # [(query, language, count)]
    situations: list = field(default_factory=list)  # [(anchor, views, moved_on, left)]

    @property
    def total_views(self) -> int:
        return sum(row.views for row in self.rows)

    @property
    def total_yes(self) -> int:
        return sum(row.yes for row in self.rows)

    @property
    def total_no(self) -> int:
        return sum(row.no for row in self.rows)


def period_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """The period as [start, end) moments in the site's time zone (an index range, no cast)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(filters.start, time.min, tzinfo=zone)
    return start, datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone)


def _scoped(
    queryset: QuerySet,
    filters: Filters,
    day_field: str = "day",
    language_field: str = "language",
    article_field: str | None = "article_id",
) -> QuerySet:
    if day_field == "day":
        queryset = queryset.filter(day__range=(filters.start, filters.end))
    else:
        start, end = period_bounds(filters)
        queryset = queryset.filter(**{f"{day_field}__gte": start, f"{day_field}__lt": end})
    if filters.language:
        queryset = queryset.filter(**{language_field: filters.language})
    if filters.article_id and article_field:
        queryset = queryset.filter(**{article_field: filters.article_id})
    return queryset


def build_dashboard(filters: Filters) -> Dashboard:
    dashboard = Dashboard(filters=filters)
    rows = {}
    titles: dict[int, tuple[str, dict[str, str]]] = {}

    def row(article_id: int, language: str) -> ArticleRow:
        key = (article_id, language)
        if key not in rows:
            kb, by_language = titles.get(article_id, ("?", {}))
            title = by_language.get(language) or by_language.get(settings.LANGUAGE_CODE, "")
            rows[key] = ArticleRow(article_id, kb, title, language)
        return rows[key]

    articles = Article.objects.all()
    if filters.article_id:
        articles = articles.filter(pk=filters.article_id)
    languages = language_codes()
    titles = {
        pk: (kb, dict(zip(languages, texts, strict=True)))
        for pk, kb, *texts in articles.values_list("pk", "kb_number", *localized_fields("title"))
    }

    views = _scoped(PageViewDay.objects.filter(anchor=""), filters)
    for article_id, language, total in views.values_list("article_id", "language").annotate(
        total=Sum("views")
    ):
        row(article_id, language).views = total
    per_day = dict(views.values_list("day").annotate(total=Sum("views")))
    dashboard.daily_views = [
        (filters.start + timedelta(days=n), per_day.get(filters.start + timedelta(days=n), 0))
        for n in range(filters.days)
    ]

    feedback = _scoped(Feedback.objects.all(), filters, day_field="created_at")
    reason_values = [value for value, _label in Feedback.Reason.choices]
    counts = {
        "yes": Count("id", filter=Q(helpful=True)),
        "no": Count("id", filter=Q(helpful=False)),
        "with_comment": Count("id", filter=~Q(comment="")),
    }
    counts.update(
        {
            f"reason_{n}": Count("id", filter=Q(reason=value))
            for n, value in enumerate(reason_values)
        }
    )
    reason_totals = dict.fromkeys(reason_values, 0)
    for values in feedback.values("article_id", "language").annotate(**counts).order_by():
        item = row(values["article_id"], values["language"])
        item.yes, item.no, item.comments = values["yes"], values["no"], values["with_comment"]
        for n, value in enumerate(reason_values):
            if values[f"reason_{n}"]:
                item.reasons[value] = values[f"reason_{n}"]
                reason_totals[value] += values[f"reason_{n}"]
    dashboard.reasons = [
        (value, label, reason_totals.get(value, 0)) for value, label in Feedback.Reason.choices
    ]
    dashboard.comments = list(
        feedback.exclude(comment="")
        .select_related("article", "figure")
        .order_by("-created_at")[:20]
    )
    dashboard.rows = sorted(
        (r for r in rows.values() if r.article_id in titles),
        key=lambda r: (-r.views, r.kb_number, r.language),
    )

    leads = _scoped(SearchLeadDay.objects.all(), filters)
    dashboard.searches = list(
        leads.values_list("query", "language")
        .annotate(total=Sum("opened"))
        .order_by("-total", "query")[:TOP]
    )
    start, end = period_bounds(filters)
    failed = FailedSearch.objects.filter(last_seen__gte=start, last_seen__lt=end)
    if filters.language:
        failed = failed.filter(language=filters.language)
    dashboard.failed_searches = list(
        failed.values_list("query", "language", "count").order_by("-count", "query")[:TOP]
    )

    situations = _scoped(PageViewDay.objects.filter(anchor__gt=""), filters, article_field=None)
    dashboard.situations = [
        (anchor, total, moved, max(total - moved, 0))
        for anchor, total, moved in situations.values_list("anchor")
        .annotate(total=Sum("views"), moved=Sum("moved_on"))
        .order_by("-total", "anchor")
    ]
    return dashboard
