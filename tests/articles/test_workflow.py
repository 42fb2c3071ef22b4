"""Review and publishing: groups, who may do what, who moved it, scheduled publishing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group

from articles import history, workflow
from articles.models import Article
from tests.form_data import form_data

pytestmark = pytest.mark.django_db
CHANGELIST = "/en/admin/articles/article/"


def test_the_groups_exist_with_their_permissions():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert {"change_article", "add_section", "change_step", "view_feedback"} <= editor
    assert "publish_article" not in editor
    assert editor < publisher and "publish_article" in publisher


def test_an_editor_sends_to_review_but_cannot_publish(editor_client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    listing = editor_client.get(CHANGELIST).content.decode()
    assert 'value="send_to_review"' in listing and 'value="publish"' not in listing
    response = editor_client.post(
        CHANGELIST, {"action": "send_to_review", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.status_changed_by == editor
    assert history.history_rows(article)[0]["comment"] == "sent to review"
    # A forged "publish" action or form value is refused.
    editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    url = f"{CHANGELIST}{article.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert '<option value="published"' not in page
    data = form_data(page, "article_form")
    data["status"] = "published"
    response = editor_client.post(url, data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW


def test_an_editor_cannot_unpublish_or_reschedule_a_published_article(editor_client, make_article):
    article = make_article()
    url = f"{CHANGELIST}{article.pk}/change/"
    data = form_data(editor_client.get(url).content.decode(), "article_form")
    assert "status" not in data and "publish_at_0" not in data
    data.update(status="draft", title_en="Typo fixed")
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    # The typo fix waits for a publisher (test_pending.py); the status is untouched either way.
    assert article.status == Article.Status.PUBLISHED and article.title_en == "Demo article"
    assert article.pending_change.proposed_by.username == "eddie"
    with pytest.raises(Exception, match="publisher"):
        workflow.move(
            article, Article.Status.DRAFT, Group.objects.get(name="Editor").user_set.first()
        )


def test_a_publisher_publishes_and_the_page_appears(
    publisher_client, publisher, client, make_article
):
    article = make_article(status=Article.Status.REVIEW)
    assert client.get("/en/articles/demo-article/").status_code == 404
    response = publisher_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.status_changed_by == publisher
    assert client.get("/en/articles/demo-article/").status_code == 200
    page = publisher_client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert "by paula" in page


def test_scheduled_publishing_appears_at_its_moment_without_any_process(
    publisher_client, client, make_article
):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        home = make_article(kb="KB901", slug="always-there")
        article = make_article(status=Article.Status.REVIEW)
        url = f"{CHANGELIST}{article.pk}/change/"
        data = form_data(publisher_client.get(url).content.decode(), "article_form")
        data.update(
            status="published", publish_at_0="2026-12-01", publish_at_1="11:30:00"
        )  # Zurich time
        response = publisher_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        assert article.is_scheduled and article.publish_at == datetime(
            2026, 12, 1, 10, 30, tzinfo=UTC
        )
        assert "Scheduled for" in publisher_client.get(CHANGELIST).content.decode()
        assert client.get("/en/articles/demo-article/").status_code == 404
        category_page = client.get(f"/en/categories/{home.category.slug}/").content.decode()
        assert "always-there" in category_page and "demo-article" not in category_page
        assert (
            client.get(f"/en/categories/{home.category.slug}/").content.decode() == category_page
        )  # cached
        assert (
            client.get("/en/search/", {"q": "Demo article"})
            .content.decode()
            .count("/demo-article/")
            == 0
        )
        clock.move_to(datetime(2026, 12, 1, 10, 29, 59, tzinfo=UTC))
        assert client.get("/en/articles/demo-article/").status_code == 404
        clock.move_to(datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
        assert client.get("/en/articles/demo-article/").status_code == 200
        assert (
            "demo-article" in client.get(f"/en/categories/{home.category.slug}/").content.decode()
        )
        assert "/demo-article/" in client.get("/en/search/", {"q": "Demo article"}).content.decode()
        assert history.history_rows(article)[0]["comment"] == "scheduled for publishing"


def test_a_publisher_without_a_date_publishes_at_once_and_drafts_forget_the_date(
    make_article, publisher
):
    article = make_article(status=Article.Status.DRAFT)
    later = datetime.now(UTC) + timedelta(days=1)
    workflow.move(article, Article.Status.PUBLISHED, publisher, publish_at=later)
    assert article.is_scheduled
    workflow.move(article, Article.Status.DRAFT, publisher, publish_at=later)
    assert article.publish_at is None and not article.is_published


def test_a_version_drawn_while_the_schedule_cannot_be_read_lasts_a_minute(monkeypatch):
    import time

    from django.db import DatabaseError

    from articles import page_cache

    def unreadable(now=None):
        raise DatabaseError("relation does not exist")

    monkeypatch.setattr(workflow, "next_scheduled_publish", unreadable)
    moment = page_cache.scheduled_moment(page_cache.draw_version())
    assert time.time() + 55 < moment <= time.time() + 60
