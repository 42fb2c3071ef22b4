"""The issue's "done when" journey on the real help content, through the admin's pages."""

import pytest
from django.contrib.auth.models import User

from articles import history, view_counts
from articles.models import Article
from tests.articles.conftest import member_of
from tests.form_data import form_data

pytestmark = pytest.mark.django_db
KB2636_DE = "/de/articles/online-security-code-card/"


def test_edit_english_see_german_out_of_date_restore_review_publish_and_read_the_dashboard(
    client, help_content
):
    article = Article.objects.get(kb_number="KB2636")
    staff = User.objects.create_superuser("sam", "sam@example.com", "pw")
    client.force_login(staff)
    url = f"/en/admin/articles/article/{article.pk}/change/"
    data = form_data(client.get(url).content.decode(), "article_form")
    data["title_en"] = data["title_en"] + " (updated)"
    assert client.post(url, data).status_code == 302

    assert "KB2636" in client.get("/en/admin/articles/article/?outdated=de").content.decode()
    assert "German out of date: title" in client.get(url).content.decode()
    assert (
        "Die englische Fassung dieses Artikels wurde am" in client.get(KB2636_DE).content.decode()
    )

    loaded = history.versions_of(article)[1]
    assert loaded.revision.comment == history.LOADED
    restore = f"/en/admin/articles/article/{article.pk}/history/{loaded.pk}/restore/"
    assert client.post(restore, form_data(client.get(restore).content.decode())).status_code == 302
    assert "(updated)" not in Article.objects.get(pk=article.pk).title_en
    assert "Die englische Fassung" not in client.get(KB2636_DE).content.decode()

    publisher = member_of("Publisher", "paula")
    editor = member_of("Editor", "eddie")
    client.force_login(publisher)
    client.post(
        "/en/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
    )
    assert client.get(KB2636_DE).status_code == 404
    client.force_login(editor)
    client.post(
        "/en/admin/articles/article/",
        {"action": "send_to_review", "_selected_action": [article.pk]},
    )
    client.force_login(publisher)
    client.post(
        "/de/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.status_changed_by == publisher
    assert [row["version"].revision.comment for row in history.history_rows(article)[:3]] == [
        "status:published",
        "status:review",
        "status:draft",
    ]

    client.logout()
    for _ in range(2):
        assert client.get(KB2636_DE).status_code == 200
    view_counts.flush_now()
    client.force_login(staff)
    page = client.get("/en/admin/articles/article/dashboard/", {"article": article.pk, "days": 7})
    rows = page.context["data"].rows
    # Every 200 answer of the page counts: the two checks above and the reader's two visits.
    assert [(row.kb_number, row.language, row.views) for row in rows] == [("KB2636", "de", 4)]
