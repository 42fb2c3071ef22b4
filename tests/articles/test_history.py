"""Article history: a version per save with who and what, differences, restore, edit conflicts."""

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from reversion.models import Version

from articles import history
from articles.models import Article, EditConflict, Figure, Section
from tests.articles.test_budgets import add_figures
from tests.form_data import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("sam", "sam@example.com", "pw"))
    return client


def change_url(article, language="en"):
    return f"/{language}/admin/articles/article/{article.pk}/change/"


def edit(client, article, **changes):
    data = form_data(client.get(change_url(article)).content.decode(), "article_form")
    data.update(changes)
    return client.post(change_url(article), data)


def test_loader_runs_appear_in_the_history(help_content):
    article = Article.objects.get(kb_number="KB2636")
    rows = history.history_rows(article)
    assert [row["comment"] for row in rows] == ["loaded from articles/content"]
    assert rows[0]["version"].revision.user is None and rows[0]["first"]


def test_every_admin_save_keeps_a_version_with_who_and_what_changed_per_language(
    staff_client, make_article
):
    article = make_article()
    edit(staff_client, article)  # the first version kept
    response = edit(staff_client, article, title_en="Demo article, revised")
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = history.history_rows(article)
    assert rows[0]["version"].revision.user.username == "sam"
    assert rows[0]["comment"] == "edited"
    assert rows[0]["changes"] == {"en": ["Title"]}
    page = staff_client.get(f"/de/admin/articles/article/{article.pk}/history/").content.decode()
    assert "sam" in page and "bearbeitet" in page and "Titel" in page


def test_the_sections_page_keeps_a_version_of_its_article_too(staff_client, make_article):
    article = make_article()
    edit(staff_client, article)
    section = article.sections.first()
    url = f"/en/admin/articles/section/{section.pk}/change/"
    data = form_data(staff_client.get(url).content.decode(), "section_form")
    data["steps-0-text_de"] = "Ganz neuer Schritt."
    assert staff_client.post(url, data).status_code == 302
    assert history.history_rows(article)[0]["changes"] == {"de": ["Section “part-1”: step 1"]}


def test_two_versions_side_by_side(staff_client, make_article):
    article = make_article()
    edit(staff_client, article, title_en="Demo article")  # first version
    edit(staff_client, article, title_en="Demo <b>guide</b>", summary_de="Neue Zusammenfassung.")
    newer, older = history.versions_of(article)[:2]
    page = staff_client.get(
        f"/en/admin/articles/article/{article.pk}/history/compare/",
        {"older": older.pk, "newer": newer.pk},
    ).content.decode()
    assert "<del>article</del>" in page and "<ins>&lt;b&gt;guide&lt;/b&gt;</ins>" in page
    assert "<ins>Neue</ins>" in page or "Neue Zusammenfassung." in page
    same = staff_client.get(
        f"/en/admin/articles/article/{article.pk}/history/compare/",
        {"older": newer.pk, "newer": newer.pk},
        follow=True,
    ).content.decode()
    assert "Choose two different versions" in same


def test_restore_brings_back_texts_and_sections_as_a_new_version(staff_client, make_article):
    article = make_article()
    edit(staff_client, article)
    first = history.versions_of(article).first()
    edit(staff_client, article, title_en="Changed title")
    Section.objects.filter(article=article).delete()
    article.refresh_from_db()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.REVIEW)
    article.refresh_from_db()
    confirm = staff_client.get(
        f"/en/admin/articles/article/{article.pk}/history/{first.pk}/restore/"
    )
    data = form_data(confirm.content.decode())
    response = staff_client.post(
        f"/en/admin/articles/article/{article.pk}/history/{first.pk}/restore/", data
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Demo article" and article.sections.count() == 1
    assert article.status == Article.Status.REVIEW  # restoring text does not publish or unpublish
    rows = history.history_rows(article)
    assert (
        rows[0]["comment"] == f"restored version {first.pk}"
        and rows[0]["version"].revision.user.username == "sam"
    )
    page = staff_client.get("/en/articles/demo-article/preview/").content.decode()
    assert "Part 1" in page


def test_restoring_a_version_whose_figure_images_were_deleted_says_so_and_changes_nothing(
    staff_client, make_article
):
    article = make_article()
    add_figures(article, 1)
    edit(staff_client, article)
    version = history.versions_of(article).first()
    figure = Figure.objects.get(article=article)
    default_storage.delete(figure.image_en.name)
    figure.delete()
    edit(staff_client, article, title_en="Later title")
    article.refresh_from_db()
    url = f"/de/admin/articles/article/{article.pk}/history/{version.pk}/restore/"
    assert "gelöscht" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"edit_version": article.edit_version}, follow=True)
    assert "Abbildungen 1" in response.content.decode() or "Abbildung" in response.content.decode()
    article.refresh_from_db()
    assert article.title_en == "Later title" and not article.figures.exists()


def test_restore_is_refused_when_someone_saved_after_the_page_was_opened(
    staff_client, make_article
):
    article = make_article()
    edit(staff_client, article)
    version = history.versions_of(article).first()
    stale = Article.objects.get(pk=article.pk).edit_version
    edit(staff_client, article, title_en="Someone else's title")
    response = staff_client.post(
        f"/en/admin/articles/article/{article.pk}/history/{version.pk}/restore/",
        {"edit_version": stale},
        follow=True,
    )
    assert "Someone else saved this article" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_en == "Someone else's title"


def test_preview_of_an_old_version_in_both_languages(staff_client, make_article):
    article = make_article()
    edit(staff_client, article, title_en="Old English title", title_de="Alter deutscher Titel")
    version = history.versions_of(article).first()
    edit(staff_client, article, title_en="New English title")
    for language, title in (("en", "Old English title"), ("de", "Alter deutscher Titel")):
        page = staff_client.get(
            f"/{language}/admin/articles/article/{article.pk}/history/{version.pk}/preview/"
        )
        assert page.status_code == 200 and title in page.content.decode()
    other = make_article(kb="KB999", slug="other")
    assert (
        staff_client.get(
            f"/en/admin/articles/article/{other.pk}/history/{version.pk}/preview/"
        ).status_code
        == 404
    )


def test_a_second_save_from_an_older_page_is_told_and_loses_nothing(staff_client, make_article):
    article = make_article()
    page_a = form_data(staff_client.get(change_url(article)).content.decode(), "article_form")
    page_b = dict(page_a)
    page_a["title_en"] = "Title from A"
    assert staff_client.post(change_url(article), page_a).status_code == 302
    page_b["title_en"] = "Title from B"
    response = staff_client.post(change_url(article), page_b)
    html = response.content.decode()
    assert response.status_code == 200 and "saved this article" in html
    assert 'value="Title from B"' in html  # B's text is still in the form
    assert Article.objects.get(pk=article.pk).title_en == "Title from A"
    again = form_data(html, "article_form")
    assert (
        staff_client.post(change_url(article), again).status_code == 302
    )  # saving again is deliberate
    assert Article.objects.get(pk=article.pk).title_en == "Title from B"


def test_a_save_racing_past_the_check_is_refused_by_the_database(make_article):
    article = make_article()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.expected_edit_version = second.expected_edit_version = article.edit_version
    first.title_en = "first"
    first.save()
    second.title_en = "second"
    with pytest.raises(EditConflict):
        second.save()
    assert Article.objects.get(pk=article.pk).title_en == "first"


def test_history_needs_view_permission(client, make_article):
    article = make_article()
    client.force_login(User.objects.create_user("nobody", is_staff=True))
    assert client.get(f"/en/admin/articles/article/{article.pk}/history/").status_code == 403
    assert Version.objects.count() == 0
