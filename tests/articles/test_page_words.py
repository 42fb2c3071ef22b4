"""Words and structure of the reader's pages (issue 14): a title that does not repeat
itself, lang on English text shown on /de/, ids used once, one search form, no
developer command."""

import re
from collections import Counter

import pytest

from articles.models import Section, Step

pytestmark = pytest.mark.django_db


def ids_used_twice(html: str) -> list[str]:
    return [
        name for name, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1
    ]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_home_title_does_not_repeat_itself(client, help_content, lang):
    title = re.search(
        r"<title>(.*?)</title>", client.get(f"/{lang}/").content.decode(), re.S
    ).group(1)
    parts = [part.strip() for part in re.split(r"[·:]", title)]
    assert len(parts) == len(set(parts)), title
    assert ("Hilfe zur sicheren Anmeldung" if lang == "de" else "Secure sign-in help") in title


def test_english_fallback_text_on_the_german_page_is_marked_english(client, make_article):
    article = make_article(title_de="", summary_de="")
    Section.objects.filter(article=article).update(title_de="")
    step = Step.objects.filter(section__article=article).first()
    step.text_de = ""
    step.save()
    html = client.get(f"/de/articles/{article.slug}/").content.decode()
    assert '<h1 lang="en">Demo article</h1>' in html
    assert 'class="summary" lang="en">A short summary.' in html
    assert 'lang="en">Part 1</h2>' in html
    assert re.search(r'class="step-text" lang="en"><p>Do thing 1', html)
    assert 'class="step-text"><p>Schritt 2' in html  # German text gets no lang of its own
    english = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert 'lang="de"' not in english.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_article_ids_are_unique_and_the_gallery_is_folded(client, help_content, lang):
    html = client.get(f"/{lang}/articles/challenge-response/").content.decode()
    assert ids_used_twice(html) == []
    assert (
        '<details class="gallery-section" data-gallery-section>' in html
    )  # opened by JS on wide screens
    assert html.count('class="figure" id="figure-1a"') == 1


@pytest.mark.parametrize("lang", ["en", "de"])
def test_search_page_has_one_search_form(client, help_content, lang):
    html = client.get(f"/{lang}/search/?q=code").content.decode()
    assert html.count('role="search"') == 1 and ids_used_twice(html) == []
    assert client.get(f"/{lang}/").content.decode().count('role="search"') == 1


def test_no_developer_command_on_client_pages_the_article_has_it_for_it_staff(client, help_content):
    for path in (
        "/en/connectivity/",
        "/de/connectivity/",
        "/en/help/cannot-sign-in/ports-blocked/",
    ):
        assert "manage.py" not in client.get(path).content.decode(), path
    article = client.get("/en/articles/sign-in-troubleshooting/").content.decode()
    section = article.split('id="it-staff"', 1)[1].split("</section>", 1)[0]
    assert "IT staff" in section and "check_ports HOST 4000 4001" in section


@pytest.mark.parametrize("lang", ["en", "de"])
def test_language_links_name_their_language_and_keep_the_visible_code(client, help_content, lang):
    html = client.get(f"/{lang}/").content.decode()
    other, name = ("de", "Deutsch") if lang == "en" else ("en", "English")
    link = re.search(rf'<a class="lang"[^>]*hreflang="{other}"[^>]*>(.*?)</a>', html).group(1)
    assert link.startswith(other.upper()) and name in link
    assert (
        "aria-label" not in html.split('class="lang-switch"')[1].split("</nav>")[0].split(">", 1)[1]
    )
