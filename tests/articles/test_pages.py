import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_root_redirects_by_accept_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9")["Location"] == "/de/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/en/"


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_article_renders_in_both_languages(client, help_content, language):
    for article in Article.objects.published():
        response = client.get(f"/{language}/articles/{article.slug}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert getattr(article, f"title_{language}") in html


def test_language_switcher_keeps_the_article_and_alternates_are_listed(client, help_content):
    html = client.get("/de/articles/challenge-response/").content.decode()
    assert (
        'href="/en/articles/challenge-response/" hreflang="en" lang="en" title="English">'
        'EN<span class="visually-hidden"> English</span></a>'
    ) in html
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="http://testserver/en/articles/challenge-response/">' in html
    )
    assert (
        '<link rel="alternate" hreflang="de" '
        'href="http://testserver/de/articles/challenge-response/">' in html
    )
    assert '<link rel="canonical" href="http://testserver/de/articles/challenge-response/">' in html


def test_article_page_has_breadcrumbs_toc_numbered_steps_figures_and_related(client, help_content):
    html = client.get("/en/articles/challenge-response/").content.decode()
    assert 'class="breadcrumbs"' in html
    assert 'href="#ios"' in html and 'href="#android"' in html and 'href="#dsc"' in html
    assert '<span class="step-number" aria-hidden="true">3.a</span>' in html
    assert "Figure 13" in html and "Figure 9A" in html and "Figure 8B" in html
    assert 'type="image/webp"' in html and 'loading="lazy"' in html and 'width="960"' in html
    assert 'class="related"' in html


def test_kb_references_link_to_the_readers_language(client, help_content):
    html = client.get("/de/articles/online-security-code-card/").content.decode()
    assert 'href="/de/kb/KB70/"' in html
    response = client.get("/de/kb/KB70/")
    assert response.status_code == 302 and response["Location"] == "/de/articles/temporary-code/"
    assert client.get("/de/kb/KB99999/").status_code == 404


@pytest.mark.parametrize(
    "path,text",
    [
        ("/de/articles/no-such-article/", "Seite nicht gefunden"),
        ("/en/articles/no-such-article/", "Page not found"),
        ("/de/nothing/here/", "Seite nicht gefunden"),
        ("/de/help/cannot-sign-in/no-such-situation/", "Seite nicht gefunden"),
    ],
)
def test_unknown_pages_get_a_translated_404(client, help_content, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_drafts_are_hidden_from_readers_and_previewable_by_staff(client, make_article):
    make_article(kb="KB901", slug="draft-article", status=Article.Status.DRAFT)
    assert client.get("/en/articles/draft-article/").status_code == 404
    assert (
        client.get("/en/articles/draft-article/preview/").status_code == 302
    )  # to the admin login
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/en/articles/draft-article/preview/")
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_cached_article_is_refreshed_after_an_edit(client, make_article):
    article = make_article()
    assert "Beispielartikel" in client.get("/de/articles/demo-article/").content.decode()
    article.title_de = "Neuer Titel"
    article.save()
    assert "Neuer Titel" in client.get("/de/articles/demo-article/").content.decode()


def test_category_and_home_pages(client, help_content):
    home = client.get("/de/").content.decode()
    assert "Sicherheitsgeräte" in home
    response = client.get("/en/categories/lost-device/")
    assert response.status_code == 200 and "KB70" in response.content.decode()
    assert client.get("/en/categories/unknown/").status_code == 404


def test_troubleshooter_leads_to_each_situation(client, help_content):
    html = client.get("/en/help/cannot-sign-in/").content.decode()
    for anchor in [
        "temporary-code",
        "card-or-device",
        "ports-blocked",
        "lost-device",
        "document-request",
    ]:
        assert f'href="/en/help/cannot-sign-in/{anchor}/"' in html
        page = client.get(f"/de/help/cannot-sign-in/{anchor}/")
        assert page.status_code == 200
        assert f'href="/de/articles/sign-in-troubleshooting/#{anchor}"' in page.content.decode()
    upper = client.get("/en/help/cannot-sign-in/temporary-code/").content.decode()
    assert "upper" in upper.lower()


def test_sitemap_lists_both_languages_and_robots_points_to_it(client, help_content):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/en/articles/temporary-code/" in sitemap
    assert "http://testserver/de/articles/temporary-code/" in sitemap
    assert 'hreflang="de"' in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /en/admin/" in robots


def test_pages_send_a_content_security_policy(client, help_content):
    response = client.get("/en/articles/temporary-code/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    cache.clear()


def test_cached_pages_keep_their_security_headers_and_never_cache_errors(client, make_article):
    make_article()
    first = client.get("/en/articles/demo-article/")
    second = client.get("/en/articles/demo-article/")  # served by the page-cache middleware
    assert second.content == first.content
    for header in [
        "Content-Security-Policy",
        "X-Frame-Options",
        "Content-Language",
        "X-Content-Type-Options",
    ]:
        assert second[header] == first[header], header
    assert "Set-Cookie" not in second
    assert client.get("/en/articles/missing/").status_code == 404
    make_article(kb="KB903", slug="missing")
    assert client.get("/en/articles/missing/").status_code == 200


def test_unsupported_language_prefix_is_not_found(client, help_content):
    assert client.get("/fr/articles/temporary-code/").status_code == 404
    assert client.get("/en/articles/temporary-code/").status_code == 200
