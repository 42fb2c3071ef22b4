import pytest
from django.contrib.auth.models import User

from articles.models import Article, FailedSearch, Feedback, Step
from tests.form_data import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("editor", "editor@example.com", "pw"))
    return client


def test_staff_edit_german_text_in_the_admin_and_see_it_live(staff_client, help_content):
    section = Step.objects.filter(section__article__kb_number="KB70").first().section
    assert "Neuer Schritt" not in staff_client.get("/de/articles/temporary-code/").content.decode()
    url = f"/de/admin/articles/section/{section.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert 'id="tabs' in page or "modeltranslation" in page  # tabbed languages side by side
    data = form_data(page, "section_form")
    data["steps-0-text_de"] = "Neuer Schritt: Rufen Sie **jetzt** an."
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    html = staff_client.get("/de/articles/temporary-code/").content.decode()
    assert "Neuer Schritt: Rufen Sie <strong>jetzt</strong> an." in html


def test_article_change_page_shows_both_languages_inlines_and_thumbnails(
    staff_client, help_content
):
    article = Article.objects.get(kb_number="KB2260")
    html = staff_client.get(f"/en/admin/articles/article/{article.pk}/change/").content.decode()
    for field in [
        "title_en",
        "title_de",
        "summary_en",
        "summary_de",
        "sections-0-title_de",
        "figures-0-caption_de",
    ]:
        assert f'name="{field}"' in html
    assert "/media/renditions/" in html  # figure thumbnails
    assert (
        "/static/vendor/jquery-ui/jquery-ui.min.js" in html and "googleapis" not in html
    )  # tabs work under the CSP
    assert "/de/articles/challenge-response/preview/" in html


def test_missing_translation_filter(staff_client, make_article):
    make_article(kb="KB910", slug="complete")
    make_article(kb="KB911", slug="untranslated", title_de="")
    german = staff_client.get("/en/admin/articles/article/?missing=de").content.decode()
    assert "KB911" in german and "KB910" not in german
    english = staff_client.get("/en/admin/articles/article/?missing=en").content.decode()
    assert "KB911" not in english


def test_feedback_and_failed_searches_are_readable(staff_client, make_article):
    article = make_article()
    Feedback.objects.create(
        article=article, language="de", helpful=False, comment="Zu kurz", visitor="v1"
    )
    FailedSearch.objects.create(query="quantum", language="en", count=3)
    assert "Zu kurz" in staff_client.get("/en/admin/articles/feedback/").content.decode()
    assert "quantum" in staff_client.get("/en/admin/articles/failedsearch/").content.decode()
    assert staff_client.get("/en/admin/articles/feedback/add/").status_code == 403


def test_readers_cannot_open_the_admin(client, db):
    response = client.get("/en/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
