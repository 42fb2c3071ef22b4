"""Translation drift: a changed English text marks its German out of date (and vice versa)."""

import pytest
import time_machine
from django.contrib.auth.models import User

from articles import drift
from articles.models import Article, Step
from tests.form_data import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("sam", "sam@example.com", "pw"))
    return client


def test_changing_the_english_title_marks_the_german_out_of_date(make_article):
    article = make_article()
    assert article.stale_translations == {}
    with time_machine.travel("2026-11-20 10:00Z"):
        article.title_en = "Demo article, revised"
        article.save()
    article.refresh_from_db()
    assert set(article.stale_translations) == {"de"}
    [stale] = drift.stale_texts(article)
    assert (stale.field, stale.language, stale.old_source, stale.new_source) == (
        "title",
        "de",
        "Demo article",
        "Demo article, revised",
    )
    assert stale.since.date().isoformat() == "2026-11-20"
    article.title_de = "Beispielartikel, überarbeitet"  # translating it brings it up to date
    article.save()
    article.refresh_from_db()
    assert article.stale_translations == {}


def test_changing_a_german_step_marks_its_english_out_of_date(make_article):
    article = make_article()
    step = Step.objects.filter(section__article=article).first()
    step.text_de = "Etwas ganz anderes tun."
    step.save()
    article.refresh_from_db()
    assert set(article.stale_translations) == {"en"}
    assert [(s.field, s.language) for s in drift.article_stale_texts(article)] == [("text", "en")]


def test_changing_both_languages_together_is_not_drift(make_article):
    article = make_article()
    article.summary_en, article.summary_de = "New summary.", "Neue Zusammenfassung."
    article.save()
    article.refresh_from_db()
    assert article.stale_translations == {}


def test_admin_shows_the_source_change_filters_and_checks(staff_client, make_article):
    stale = make_article(kb="KB910", slug="stale")
    fine = make_article(kb="KB911", slug="fine")
    stale.title_en = "Demo article with more"
    stale.save()
    page = staff_client.get(f"/en/admin/articles/article/{stale.pk}/change/").content.decode()
    assert "German out of date: title" in page and "Demo article<ins> with more</ins>" in page
    listing = staff_client.get("/en/admin/articles/article/?outdated=de").content.decode()
    assert "KB910" in listing and "KB911" not in listing
    assert (
        "KB910" not in staff_client.get("/en/admin/articles/article/?outdated=en").content.decode()
    )
    response = staff_client.post(
        "/en/admin/articles/article/",
        {"action": "translation_checked", "_selected_action": [stale.pk, fine.pk]},
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.stale_translations == {} and not drift.article_stale_texts(stale)
    assert (
        "KB910" not in staff_client.get("/en/admin/articles/article/?outdated=de").content.decode()
    )


def test_a_reader_of_an_out_of_date_translation_sees_a_dated_notice(client, make_article):
    article = make_article()
    assert (
        "this translation will follow"
        not in client.get("/en/articles/demo-article/").content.decode()
    )
    with time_machine.travel("2026-11-20 10:00Z"):
        article.title_en = "Demo article, revised"
        article.save()
    german = client.get("/de/articles/demo-article/").content.decode()
    assert "Die englische Fassung dieses Artikels wurde am 20. November 2026 aktualisiert" in german
    assert 'href="/en/articles/demo-article/"' in german
    english = client.get("/en/articles/demo-article/").content.decode()
    assert "translation will follow" not in english


def test_editing_the_german_in_the_admin_clears_the_notice(staff_client, client, make_article):
    article = make_article()
    article.title_en = "Demo article, revised"
    article.save()
    url = f"/en/admin/articles/article/{article.pk}/change/"
    data = form_data(staff_client.get(url).content.decode(), "article_form")
    data["title_de"] = "Beispielartikel, überarbeitet"
    assert staff_client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).stale_translations == {}
    assert (
        "Fassung dieses Artikels" not in client.get("/de/articles/demo-article/").content.decode()
    )
