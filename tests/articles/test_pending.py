"""Editors' changes to a published article wait for a publisher (articles/pending.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reversion.models import Revision

from articles import history
from articles.models import Article, PendingChange, SearchEntry
from tests.articles.conftest import member_of, post_figure
from tests.articles.test_figures import image_bytes
from tests.form_data import form_data
from tests.stores import isolated_file_stores

pytestmark = pytest.mark.django_db
ADMIN = "/{language}/admin/articles/article/"
LIVE = "/en/articles/demo-article/"


def change_url(article, language="en"):
    return f"{ADMIN.format(language=language)}{article.pk}/change/"


def pending_url(article, language="en"):
    return f"{ADMIN.format(language=language)}{article.pk}/pending/"


def edit(client, article, language="en", **changes):
    data = form_data(client.get(change_url(article, language)).content.decode(), "article_form")
    data.update(changes)
    return client.post(change_url(article, language), data, follow=True)


def searchable(text):
    return (
        SearchEntry.objects.filter(body__icontains=text).exists()
        or SearchEntry.objects.filter(title__icontains=text).exists()
    )


@pytest.fixture
def reader():
    """A reader's browser (the `client` fixture is the editor's)."""
    return Client()


def propose(editor_client, article):
    return edit(
        editor_client,
        article,
        title_en="Renamed sign-in guide",
        **{"sections-0-title_en": "Completely new part"},
    )


def decide(client, article, action):
    change = PendingChange.objects.get(article=article)
    return client.post(pending_url(article), {"action": action, "change": change.pk}, follow=True)


def test_an_editors_save_of_a_published_article_waits_and_readers_see_no_change(
    editor_client, reader, make_article
):
    article = make_article()
    live_before = reader.get(LIVE).content.decode()
    versions_before = history.versions_of(article).count()
    response = propose(editor_client, article)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your change waits for a publisher" in page and "was changed successfully" not in page
    article.refresh_from_db()
    assert article.title_en == "Demo article" and article.sections.get().title_en == "Part 1"
    live = reader.get(LIVE).content.decode()
    assert "Renamed sign-in guide" not in live and "Demo article" in live
    assert live.count("Part 1") == live_before.count("Part 1")
    assert not searchable("Renamed") and not searchable("Completely new part")
    assert history.versions_of(article).count() == versions_before
    change = PendingChange.objects.get(article=article)
    assert (
        change.proposed_by.username == "eddie" and change.base_edit_version == article.edit_version
    )
    titles = {
        text.key: text.text
        for text in history.snapshot(
            change.revision.version_set.get(
                object_id=str(article.pk), content_type__model="article"
            )
        ).texts()
    }
    assert (
        titles["title:en"] == "Renamed sign-in guide"
        and titles["s:part-1:title:en"] == "Completely new part"
    )


def test_the_admin_shows_the_waiting_change_with_a_diff_and_previews(
    editor_client, publisher_client, make_article
):
    article = make_article()
    make_article(kb="KB901", slug="other-article")
    propose(editor_client, article)
    listing = publisher_client.get(ADMIN.format(language="en") + "?pending=yes").content.decode()
    assert "proposed by eddie" in listing and "KB901" not in listing
    assert (
        "KB901"
        in publisher_client.get(ADMIN.format(language="en") + "?pending=no").content.decode()
    )
    change_page = publisher_client.get(change_url(article)).content.decode()
    assert "eddie proposed a change to this published article" in change_page
    assert pending_url(article) in change_page
    review = publisher_client.get(pending_url(article)).content.decode()
    assert "<del>Demo</del>" in review or "<del>Demo" in review
    assert "<ins>Renamed sign-in guide</ins>" in review or "Renamed" in review
    assert 'value="publish"' in review and 'value="discard"' in review
    english = publisher_client.get(pending_url(article) + "preview/")
    german = publisher_client.get(pending_url(article, "de") + "preview/")
    assert "Renamed sign-in guide" in english.content.decode()
    assert 'lang="de"' in german.content.decode() and "Beispielartikel" in german.content.decode()
    assert "no-store" in english["Cache-Control"]


def test_a_publisher_publishes_the_change_as_a_new_version(
    editor_client, publisher_client, reader, make_article
):
    article = make_article()
    history.save_version(article)
    reader.get(LIVE)  # cached page
    propose(editor_client, article)
    response = decide(publisher_client, article, "publish")
    assert "The change is published" in response.content.decode()
    article.refresh_from_db()
    assert (
        article.title_en == "Renamed sign-in guide" and article.status == Article.Status.PUBLISHED
    )
    assert "Renamed sign-in guide" in reader.get(LIVE).content.decode()
    assert searchable("Completely new part")
    latest = history.history_rows(article)[0]
    assert latest["comment"] == "published the change proposed by eddie"
    assert latest["version"].revision.user.username == "paula"
    assert latest["changes"]["en"] == ["Title", "Section “part-1”: title"]
    assert (
        not PendingChange.objects.exists()
        and not Revision.objects.filter(comment="proposed").exists()
    )


def test_a_publisher_discards_the_change(editor_client, publisher_client, reader, make_article):
    article = make_article()
    propose(editor_client, article)
    response = decide(publisher_client, article, "discard")
    assert "The change was discarded" in response.content.decode()
    article.refresh_from_db()
    assert (
        article.title_en == "Demo article" and "Demo article" in reader.get(LIVE).content.decode()
    )
    assert (
        not PendingChange.objects.exists()
        and not Revision.objects.filter(comment="proposed").exists()
    )
    assert history.history_rows(article)[0]["comment"] == "discarded the change proposed by eddie"
    assert publisher_client.get(pending_url(article)).status_code == 404


def test_a_second_editor_is_told_and_keeps_what_they_typed(editor_client, make_article):
    article = make_article()
    propose(editor_client, article)
    other = Client()
    other.force_login(member_of("Editor", "erin"))
    response = edit(other, article, summary_en="Erin's better summary")
    page = response.content.decode()
    assert response.status_code == 200 and "errorlist" in page
    assert "eddie proposed a change to this published article" in page
    assert "Erin&#x27;s better summary" in page or "Erin's better summary" in page
    change = PendingChange.objects.get(article=article)
    assert change.proposed_by.username == "eddie"
    assert (
        "Erin" not in change.revision.version_set.get(content_type__model="article").serialized_data
    )
    assert Article.objects.get(pk=article.pk).summary_en == "A short summary."


def test_an_editor_cannot_publish_or_discard_someone_elses_change(editor_client, make_article):
    article = make_article()
    other = Client()
    other.force_login(member_of("Editor", "erin"))
    propose(other, article)
    review = editor_client.get(pending_url(article)).content.decode()
    assert 'value="publish"' not in review and 'value="discard"' not in review
    assert "Only a publisher can publish this change." in review
    for action in ("publish", "discard"):
        response = decide(editor_client, article, action)
        assert "Only publishers may" in response.content.decode()
    article.refresh_from_db()
    assert (
        article.title_en == "Demo article"
        and PendingChange.objects.filter(article=article).exists()
    )


def test_the_proposer_may_withdraw_their_own_change(editor_client, make_article):
    article = make_article()
    propose(editor_client, article)
    assert 'value="discard"' in editor_client.get(pending_url(article)).content.decode()
    decide(editor_client, article, "discard")
    assert not PendingChange.objects.exists()


def test_an_editor_cannot_restore_or_delete_on_a_published_article(editor_client, make_article):
    article = make_article()
    draft = make_article(kb="KB902", slug="draft-article", status=Article.Status.DRAFT)
    edit(editor_client, draft, title_en="Draft saved live")  # drafts are saved as before
    assert Article.objects.get(pk=draft.pk).title_en == "Draft saved live"
    history.save_version(article)
    version = history.versions_of(article).first()
    url = f"{ADMIN.format(language='en')}{article.pk}/history/{version.pk}/restore/"
    response = editor_client.post(url, {"edit_version": article.edit_version}, follow=True)
    assert (
        "Only a publisher can restore a version of a published article."
        in response.content.decode()
    )
    delete = editor_client.post(
        f"/en/admin/articles/section/{article.sections.get().pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403 and article.sections.count() == 1


def test_publishing_over_a_newer_live_version_is_refused(
    editor_client, publisher_client, make_article
):
    article = make_article()
    propose(editor_client, article)
    edit(publisher_client, article, summary_en="Publisher's live fix")  # publishers edit live
    article.refresh_from_db()
    assert article.summary_en == "Publisher's live fix"
    response = decide(publisher_client, article, "publish")
    assert "was changed after this change was proposed" in response.content.decode()
    article.refresh_from_db()
    assert (
        article.title_en == "Demo article"
        and PendingChange.objects.filter(article=article).exists()
    )


def test_a_stale_or_unknown_decision_changes_nothing(editor_client, publisher_client, make_article):
    article = make_article()
    propose(editor_client, article)
    change = PendingChange.objects.get()
    response = publisher_client.post(
        pending_url(article), {"action": "publish", "change": change.pk + 1}, follow=True
    )
    assert "already published or discarded" in response.content.decode()
    response = publisher_client.post(
        pending_url(article), {"action": "nothing", "change": change.pk}, follow=True
    )
    assert "Choose to publish or to discard" in response.content.decode()
    assert publisher_client.put(pending_url(article)).status_code == 405
    assert Article.objects.get(pk=article.pk).title_en == "Demo article"


def test_the_sections_page_proposes_too(editor_client, reader, make_article):
    article = make_article()
    section = article.sections.get()
    url = f"/en/admin/articles/section/{section.pk}/change/"
    data = form_data(editor_client.get(url).content.decode(), "section_form")
    data["steps-0-text_en"] = "A reworded first step."
    assert editor_client.post(url, data).status_code == 302
    assert "A reworded first step." not in reader.get(LIVE).content.decode()
    assert PendingChange.objects.get(article=article).proposed_by.username == "eddie"


def test_figure_uploads_on_a_published_article_are_refused_for_editors(
    editor_client,
    make_article,
    settings,
    tmp_path,
    monkeypatch,
):
    article = make_article()
    stores = isolated_file_stores(settings, tmp_path, monkeypatch)
    response = post_figure(editor_client, article, SimpleUploadedFile("good.png", image_bytes()))
    assert response.status_code == 200
    assert (
        "Images of a published article can only be changed by a publisher"
        in response.content.decode()
    )
    assert not article.figures.exists() and not PendingChange.objects.exists()
    assert stores.public_names() == []


def test_publishers_still_edit_live(publisher_client, reader, make_article):
    article = make_article()
    edit(publisher_client, article, title_en="Live at once")
    assert (
        "Live at once" in reader.get(LIVE).content.decode() and not PendingChange.objects.exists()
    )


def test_the_pending_pages_speak_german(editor_client, publisher_client, make_article):
    article = make_article()
    response = edit(editor_client, article, "de", title_en="Renamed sign-in guide")
    assert "Ihre Änderung wartet auf" in response.content.decode()
    change_page = publisher_client.get(change_url(article, "de")).content.decode()
    assert "eddie hat eine Änderung an diesem veröffentlichten Artikel vorgeschlagen" in change_page
    review = publisher_client.get(pending_url(article, "de")).content.decode()
    assert "Diese Änderung veröffentlichen" in review and "Diese Änderung verwerfen" in review
    listing = publisher_client.get(ADMIN.format(language="de")).content.decode()
    assert "vorgeschlagen von eddie" in listing


def test_deleting_the_article_leaves_no_waiting_revision(editor_client, make_article):
    article = make_article()
    propose(editor_client, article)
    article.delete()
    assert (
        not PendingChange.objects.exists()
        and not Revision.objects.filter(comment="proposed").exists()
    )
