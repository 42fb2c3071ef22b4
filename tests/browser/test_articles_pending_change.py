"""An editor changes a published article, readers keep the live text, and a publisher looks at
the waiting change and publishes it, in the English and German admin on a phone-sized screen."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import PendingChange
from tests.browser.test_articles_staff_workflow import sign_in, staff_on_a_phone
from tests.texts import language_fields

WORDS = {
    "en": {
        "waits": "Your change waits for a publisher",
        "notice": "eddie proposed a change",
        "see": "See the waiting change",
        "publish": "Publish this change",
        "published": "The change is published",
    },
    "de": {
        "waits": "Ihre Änderung wartet",
        "notice": "eddie hat eine Änderung",
        "see": "Wartende Änderung ansehen",
        "publish": "Diese Änderung veröffentlichen",
        "published": "Die Änderung ist veröffentlicht",
    },
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_editor_proposes_and_publisher_publishes(
    new_page, live_server, lang, tmp_path, make_article
):
    words, base = WORDS[lang], live_server.url
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    article = make_article(
        kb="KB991",
        slug="live-guide",
        steps=0,
        **language_fields(title=("Live guide", "Aktuelle Anleitung"), summary=("Now.", "Jetzt.")),
    )
    editor, publisher, page = staff_on_a_phone(new_page)
    reader_url = f"{base}/{lang}/articles/live-guide/"

    sign_in(page, base, lang, editor)
    page.goto(f"{base}/{lang}/admin/articles/article/{article.pk}/change/")
    tabs = page.locator(".ui-tabs").filter(has=page.locator("#id_summary_en"))
    for code, text in (
        ("en", "Now, with a clearer first step."),
        ("de", "Jetzt, mit einem klareren ersten Schritt."),
    ):
        tabs.get_by_text(code, exact=True).click()  # the summary's tab of that language
        page.locator(f"#id_summary_{code}").fill(text)
    page.locator('input[name="_continue"]').press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(words["waits"])
    page.screenshot(path=str(shots / f"pending-editor-{lang}.png"), full_page=True)
    reader = new_page()
    reader.goto(reader_url)
    expect(reader.locator("main")).not_to_contain_text("clearer")
    assert PendingChange.objects.get().proposed_by.username == "eddie"

    sign_in(page, base, lang, publisher)
    page.goto(f"{base}/{lang}/admin/articles/article/?pending=yes")
    expect(page.locator("#result_list")).to_contain_text("KB991")
    page.goto(f"{base}/{lang}/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".pending-notice")).to_contain_text(words["notice"])
    page.get_by_role("link", name=words["see"]).press("Enter")
    expect(page.locator(".version-diff")).to_contain_text("clearer")
    page.screenshot(path=str(shots / f"pending-review-{lang}.png"), full_page=True)
    page.get_by_role("button", name=words["publish"]).press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(words["published"])
    reader.goto(reader_url)
    text = "clearer" if lang == "en" else "klareren"
    expect(reader.locator("main")).to_contain_text(text)
    assert not PendingChange.objects.exists()
