import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import FailedSearch
from articles.search import clean_query, search_articles

pytestmark = pytest.mark.django_db


def kb_numbers(results):
    return [result.article.kb_number for result in results]


def test_title_matches_rank_first_in_english(help_content):
    results = search_articles("temporary code", "en")
    assert kb_numbers(results)[0] == "KB70"


def test_german_search_uses_german_text(help_content):
    results = search_articles("Großbuchstaben", "de")
    assert "KB1131" in kb_numbers(results)
    assert kb_numbers(search_articles("Online-Sicherheitscodekarte", "de"))[0] == "KB2636"


def test_search_page_highlights_and_escapes(client, help_content):
    html = client.get("/en/search/", {"q": "ports 4000"}).content.decode()
    assert "KB1131" in html
    assert "<mark>4000</mark>" in html or "<mark>ports</mark>" in html.lower()


def test_empty_result_suggests_articles_and_is_recorded(client, help_content):
    response = client.get("/de/search/", {"q": "Quantenverschränkung"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="article-list"' in html  # suggestions
    assert FailedSearch.objects.get(query="quantenverschränkung", language="de").count == 1
    client.get("/de/search/", {"q": "  QUANTENVERSCHRÄNKUNG "})
    assert FailedSearch.objects.get(query="quantenverschränkung", language="de").count == 2


def test_empty_query_gets_a_message(client, help_content):
    html = client.get("/en/search/", {"q": "   "}).content.decode()
    assert "Please type a word or two" in html
    assert FailedSearch.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "'; DROP TABLE articles_article; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\x01\x02\x1b code",
        "‮evil‬ 🔐 ｃｏｄｅ",
        "e\u0301\u0301\u0301 ß ẞ İ",
        "&amp; &lt; %00 %27",
        "!!!!&&&&||||(((",
    ],
)
def test_hostile_queries_never_fail_and_are_escaped(client, help_content, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Page not found"), ("de", "Seite nicht gefunden")]
)
def test_nul_in_a_query_string_is_not_a_page(client, lang, text):
    """No person types NUL; tools that send it get the 404 page in the path's language."""
    response = client.get(f"/{lang}/search/", {"q": "\x00 code"})
    assert response.status_code == 404
    assert text in response.content.decode()


def test_long_query_is_cut_with_a_notice(client, help_content):
    html = client.get("/en/search/", {"q": "code " * 2000}).content.decode()
    assert "first 200 characters" in html


def test_clean_query_normalises():
    assert clean_query("  ｃｏｄｅ\x00  ") == ("code", False)
    assert clean_query("a" * 250) == ("a" * 200, True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_query_is_handled(help_content_once, query):
    for language in ("en", "de"):
        results = search_articles(query, language)
        assert all(result.article.is_published for result in results)


@pytest.fixture
def help_content_once(help_content):
    return None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST storage is PostgreSQL's")
def test_search_vectors_stay_in_their_rows_on_postgresql():
    """Out of line, each of a search's four or five reads of a vector fetched its TOAST chunks
    again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'articles_searchentry'::regclass AND attname = 'vector'"
        )
        assert cursor.fetchone() == ("m",)
