"""An editor sends a draft to review and a publisher publishes it, in the English and German admin,
on a phone-sized screen, and the reader's page appears."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article
from tests.staff_otp import current_code, enrol
from tests.texts import language_fields

WORDS = {
    "en": {
        "review": "Send the selected articles to review",
        "publish": "Publish the selected articles now",
        "in_review": "In review",
        "published": "Published",
    },
    "de": {
        "review": "Ausgewählte Artikel zur Prüfung senden",
        "publish": "Ausgewählte Artikel jetzt veröffentlichen",
        "in_review": "In Prüfung",
        "published": "Veröffentlicht",
    },
}


def staff_member(group, username):
    """Groups come from a data migration; a transactional test may run after tables were emptied."""
    if not Group.objects.filter(name=group).exists():
        importlib.import_module("articles.migrations.0005_editor_publisher_groups").create_groups(
            apps, None
        )
    user = User.objects.create_user(username, password=f"{username} pass 15", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return enrol(user)


def staff_on_a_phone(new_page):
    """Eddie the editor, Paula the publisher, and a phone-wide page to sign each of them in on."""
    editor, publisher = staff_member("Editor", "eddie"), staff_member("Publisher", "paula")
    return editor, publisher, new_page(viewport={"width": 390, "height": 844})


def sign_in(page, base, lang, device):
    page.context.clear_cookies()
    page.goto(f"{base}/{lang}/admin/login/")
    page.fill("#id_username", device.user.username)
    page.fill("#id_password", f"{device.user.username} pass 15")
    page.fill("#id_otp_token", current_code(device))
    page.locator("input[type=submit]").press("Enter")


def run_action(page, base, lang, article, label):
    page.goto(f"{base}/{lang}/admin/articles/article/")
    page.locator(f'input[name="_selected_action"][value="{article.pk}"]').check()
    page.locator('select[name="action"]').select_option(label=label)
    page.locator('button[name="index"]').press("Enter")  # the actions' submit button, by keyboard


@pytest.mark.parametrize("lang", ["en", "de"])
def test_editor_sends_to_review_and_publisher_publishes(
    new_page, live_server, lang, tmp_path, make_article
):
    words = WORDS[lang]
    base = live_server.url
    article = make_article(
        kb="KB990",
        slug="new-guide",
        status=Article.Status.DRAFT,
        sections=0,
        **language_fields(title=("New guide", "Neue Anleitung"), summary=("Soon.", "Bald.")),
    )
    editor, publisher, page = staff_on_a_phone(new_page)

    sign_in(page, base, lang, editor)
    page.goto(f"{base}/{lang}/admin/articles/article/")
    options = page.locator('select[name="action"] option').all_text_contents()
    assert words["review"] in options and words["publish"] not in options
    run_action(page, base, lang, article, words["review"])
    expect(page.locator("#result_list")).to_contain_text(words["in_review"])
    page.screenshot(path=str(tmp_path / f"editor-{lang}.png"), full_page=True)
    assert page.goto(f"{base}/{lang}/articles/new-guide/").status == 404

    sign_in(page, base, lang, publisher)
    run_action(page, base, lang, article, words["publish"])
    expect(page.locator("#result_list")).to_contain_text(words["published"])
    article.refresh_from_db()
    assert (
        article.status == Article.Status.PUBLISHED and article.status_changed_by.username == "paula"
    )
    page.goto(f"{base}/{lang}/admin/articles/article/{article.pk}/history/")
    expect(page.locator("#versions")).to_contain_text("paula")
    expect(page.locator("#versions")).to_contain_text("eddie")
    page.screenshot(path=str(tmp_path / f"history-{lang}.png"), full_page=True)
    assert page.goto(f"{base}/{lang}/articles/new-guide/").status == 200
