"""The staff dashboard page in the admin and its CSV export (numbers from dashboard.py)."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles import dashboard as numbers
from articles import view_counts
from articles.dashboard_charts import bar_chart, column_chart
from articles.models import Article, Feedback

if TYPE_CHECKING:
    from typing import Any

    from django.http import QueryDict

TABLE_ROWS = 100
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_START) else text


def dashboard_view(
    model_admin: ModelAdmin, request: HttpRequest
) -> TemplateResponse | HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    view_counts.flush_now()  # this process's latest counts too
    filters, errors = numbers.parse_filters(request.GET)
    for error in errors:
        messages.warning(request, error)
    data = numbers.build_dashboard(filters)
    if request.GET.get("format") == "csv":
        return csv_export(data)
    reason_labels = dict(Feedback.Reason.choices)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Dashboard"),
        "data": data,
        "filters": filters,
        "periods": numbers.PERIODS,
        "articles": Article.objects.order_by("kb_number").only("pk", "kb_number"),
        "rows": data.rows[:TABLE_ROWS],
        "more_rows": max(len(data.rows) - TABLE_ROWS, 0),
        "reason_labels": reason_labels,
        "views_chart": column_chart(
            [(date_format(day, "SHORT_DATE_FORMAT"), views) for day, views in data.daily_views],
            _("Views per day"),
        ),
        "reasons_chart": bar_chart(
            [(str(label), count) for _value, label, count in data.reasons],
            _("Reasons given for “not helpful”"),
        ),
        "situations_chart": bar_chart(
            [(anchor, views) for anchor, views, _moved, _left in data.situations],
            _("Troubleshooter situations chosen"),
        ),
        "csv_query": _with_csv(request.GET),
    }
    return TemplateResponse(request, "admin/articles/dashboard.html", context)


def _with_csv(params: QueryDict) -> str:
    query = params.copy()
    query["format"] = "csv"
    return query.urlencode()


def csv_export(data: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="help-dashboard-{data.filters.start}-{data.filters.end}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    reasons = list(Feedback.Reason.choices)
    writer.writerow(
        [
            _("KB number"),
            _("title"),
            _("language"),
            _("views"),
            _("helpful"),
            _("not helpful"),
            _("helpful ratio"),
            *[str(label) for _value, label in reasons],
            _("comments"),
        ]
    )
    for row in data.rows:
        ratio = "" if row.helpful_ratio is None else f"{row.helpful_ratio:.3f}"
        writer.writerow(
            [
                csv_cell(row.kb_number),
                csv_cell(row.title),
                row.language,
                row.views,
                row.yes,
                row.no,
                ratio,
                *[row.reasons.get(value, 0) for value, _label in reasons],
                row.comments,
            ]
        )
    return response
