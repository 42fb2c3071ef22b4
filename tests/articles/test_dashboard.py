"""The staff dashboard's numbers against known fixtures, its CSV, and counting views."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings

from articles import dashboard, view_counts
from articles.conf import app_settings
from articles.models import FailedSearch, Feedback, PageViewDay, SearchLeadDay, Section

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)
URL = "/en/admin/articles/article/dashboard/"


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("sam", "sam@example.com", "pw"))
    return client


@pytest.fixture
def known(make_article):
    """Two articles with views, answers, searches; one troubleshooter with situations."""
    first = make_article(kb="KB901", slug="first")
    second = make_article(kb="KB902", slug="second")
    guide = make_article(kb="KB1131", slug="troubleshooting")
    for offset, views in enumerate([5, 7, 11]):
        PageViewDay.objects.create(
            article=first, language="en", day=TODAY - timedelta(days=offset), views=views
        )
    PageViewDay.objects.create(article=first, language="de", day=TODAY, views=3)
    PageViewDay.objects.create(
        article=second, language="en", day=TODAY - timedelta(days=40), views=99
    )  # too old
    PageViewDay.objects.create(
        article=guide, anchor="lost-device", language="en", day=TODAY, views=10, moved_on=4
    )
    PageViewDay.objects.create(
        article=guide, anchor="wrong-code", language="de", day=TODAY, views=6, moved_on=6
    )
    with time_machine.travel("2026-11-30 12:00Z"):
        Feedback.objects.create(article=first, language="en", helpful=True, visitor="a")
        Feedback.objects.create(
            article=first,
            language="en",
            helpful=False,
            reason="unclear",
            visitor="b",
            comment="Which button?",
        )
        Feedback.objects.create(
            article=first, language="en", helpful=False, reason="unclear", visitor="c"
        )
        Feedback.objects.create(
            article=first, language="de", helpful=False, reason="screen-differs", visitor="d"
        )
        SearchLeadDay.objects.create(
            article=first, language="en", query="lost card", day=TODAY, opened=4
        )
        SearchLeadDay.objects.create(
            article=second, language="en", query="pin", day=TODAY, opened=2
        )
        FailedSearch.objects.create(query="fax", language="en", count=3)
    return first, second, guide


def test_the_numbers_per_article_and_language(known):
    first, _second, _guide = known
    with time_machine.travel("2026-12-01 12:00Z"):
        data = dashboard.build_dashboard(dashboard.Filters(days=30))
    rows = {(row.kb_number, row.language): row for row in data.rows}
    assert (rows["KB901", "en"].views, rows["KB901", "en"].yes, rows["KB901", "en"].no) == (
        23,
        1,
        2,
    )
    assert rows["KB901", "en"].reasons == {"unclear": 2} and rows["KB901", "en"].comments == 1
    assert rows["KB901", "en"].helpful_ratio == pytest.approx(1 / 3)
    assert (rows["KB901", "de"].views, rows["KB901", "de"].no) == (3, 1)
    assert ("KB902", "en") not in rows  # its only views are 40 days old
    assert data.total_views == 26  # situation views are not article views
    assert data.daily_views[-3:] == [
        (TODAY - timedelta(days=2), 11),
        (TODAY - timedelta(days=1), 7),
        (TODAY, 8),
    ]
    assert len(data.daily_views) == 30
    assert dict((value, count) for value, _label, count in data.reasons) == {
        "unclear": 2,
        "out-of-date": 0,
        "not-solved": 0,
        "screen-differs": 1,
        "other": 0,
    }
    assert data.searches == [("lost card", "en", 4), ("pin", "en", 2)]
    assert data.failed_searches == [("fax", "en", 3)]
    assert data.situations == [("lost-device", 10, 4, 6), ("wrong-code", 6, 6, 0)]


def test_filters_by_language_article_and_period(known):
    first, _second, _guide = known
    with time_machine.travel("2026-12-01 12:00Z"):
        german = dashboard.build_dashboard(dashboard.Filters(days=30, language="de"))
        one = dashboard.build_dashboard(dashboard.Filters(days=7, article_id=first.pk))
        week = dashboard.build_dashboard(dashboard.Filters(days=7))
    assert [(row.kb_number, row.language, row.views) for row in german.rows] == [("KB901", "de", 3)]
    assert data_searches(one) == [("lost card", "en", 4)]
    assert len(week.daily_views) == 7
    filters, errors = dashboard.parse_filters({"days": "9999", "language": "fr", "article": "x"})
    assert (filters.days, filters.language, filters.article_id) == (30, "", None) and len(
        errors
    ) == 3


def data_searches(data):
    return data.searches


def test_the_page_draws_svg_charts_with_tables_and_exports_csv(staff_client, known):
    with time_machine.travel("2026-12-01 12:00Z"):
        html = staff_client.get(URL, {"days": "30"}).content.decode()
        assert (
            html.count('<svg class="chart"') == 3
            and "<script" not in html.split('id="content-main"')[1]
        )
        assert "KB901" in html and "lost-device" in html and "Which button?" in html
        german = staff_client.get("/de/admin/articles/article/dashboard/").content.decode()
        assert "Aufrufe pro Tag" in german
        response = staff_client.get(URL, {"days": "30", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == [
        "KB number",
        "title",
        "language",
        "views",
        "helpful",
        "not helpful",
        "helpful ratio",
    ]
    assert rows[1][:7] == ["KB901", "Demo article", "en", "23", "1", "2", "0.333"]


def test_bad_filters_are_named_not_fatal(staff_client, known):
    response = staff_client.get(URL, {"days": "abc", "article": "999999"})
    assert response.status_code == 200 and "Unknown period" in response.content.decode()


def test_a_formula_in_a_title_stays_text_in_the_csv(staff_client, make_article):
    article = make_article(kb="KB960", slug="formula", title_en='=HYPERLINK("x")')
    PageViewDay.objects.create(article=article, language="en", day=date.today(), views=1)
    rows = list(csv.reader(io.StringIO(staff_client.get(URL, {"format": "csv"}).content.decode())))
    assert rows[1][1] == '\'=HYPERLINK("x")'


def test_the_dashboard_is_for_staff_only(client, known):
    assert client.get(URL).status_code == 302
    client.force_login(User.objects.create_user("nobody", is_staff=True))
    assert client.get(URL).status_code == 403


def test_article_views_are_counted_in_the_shared_cache_and_flushed_without_personal_data(
    client, make_article
):
    make_article()
    for _ in range(3):
        assert (
            client.get("/en/articles/demo-article/", REMOTE_ADDR="203.0.113.9").status_code == 200
        )
    client.get("/de/articles/demo-article/")
    client.get("/en/articles/no-such-article/")
    client.get("/en/articles/demo-article/?utm=x")  # not a cacheable request: not counted either
    view_counts.flush_now()
    assert sorted(PageViewDay.objects.values_list("language", "views")) == [("de", 1), ("en", 3)]
    field_names = {field.name for field in PageViewDay._meta.get_fields()}
    assert field_names == {"id", "article", "anchor", "language", "day", "views", "moved_on"}
    view_counts.flush_now()  # flushing again adds nothing
    assert sorted(PageViewDay.objects.values_list("language", "views")) == [("de", 1), ("en", 3)]


@override_settings(VIEW_COUNT_PUSH_SECONDS=0, VIEW_COUNT_FLUSH_SECONDS=60)
def test_counts_reach_the_database_in_batches(client, make_article):
    make_article()
    client.get("/en/articles/demo-article/")  # pushes, and flushes (first flush of the minute)
    client.get("/en/articles/demo-article/")  # pushes to the shared cache only
    assert PageViewDay.objects.get().views == 1
    cache.delete(view_counts.FLUSH_LOCK)
    client.get("/en/articles/demo-article/")
    assert PageViewDay.objects.get().views == 3


def test_where_readers_leave_the_troubleshooter(client, make_article, settings):
    guide = make_article(
        kb=app_settings.TROUBLESHOOTING_ARTICLE_KB, slug="troubleshooting", sections=0
    )
    for anchor in ("lost-device", "wrong-code"):
        Section.objects.create(article=guide, anchor=anchor, title_en=anchor, title_de=anchor)
    host = "http://testserver"
    client.get("/en/help/cannot-sign-in/lost-device/")
    client.get("/en/help/cannot-sign-in/lost-device/")
    client.get(
        "/en/help/cannot-sign-in/wrong-code/",
        HTTP_REFERER=f"{host}/en/help/cannot-sign-in/lost-device/",
    )
    client.get(
        "/en/help/cannot-sign-in/wrong-code/",
        HTTP_REFERER="https://elsewhere.example/en/help/cannot-sign-in/lost-device/",
    )
    view_counts.flush_now()
    data = dashboard.build_dashboard(dashboard.Filters(days=7))
    assert data.situations == [("lost-device", 2, 1, 1), ("wrong-code", 2, 0, 2)]
    assert Feedback.objects.count() == 0
