"""Suggestions as you type in the header search box: mouse, keyboard, phone, screen readers,
no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_arrow_keys_and_enter_open_a_suggestion(page, live_server, live_help_content, tmp_path):
    page.goto(f"{live_server.url}/en/")
    box = page.get_by_role("combobox", name="Search the help articles")
    box.press_sequentially("temporary co", delay=30)
    listbox = page.get_by_role("listbox", name="Suggested articles")
    expect(listbox).to_have_attribute(
        "data-query", "temporary co"
    )  # the last answer, not an earlier one
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    assert 1 <= options.count() <= 5
    expect(listbox).to_contain_text("KB70")
    first_title = options.first.inner_text()
    expect(page.locator(".search-form [role=status]")).to_contain_text("suggestions")
    page.screenshot(path=str(tmp_path / "suggest-desktop.png"))
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/articles/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(first_title.split(" ", 1)[1].strip())


def test_escape_closes_and_enter_without_a_choice_searches(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/de/")
    box = page.get_by_role("combobox", name="Hilfeartikel durchsuchen")
    box.press_sequentially("Anmeld", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/search/\?q=Anmeld"))


def test_suggestions_on_a_phone_are_tappable_and_fit(
    phone_page, live_server, live_help_content, tmp_path
):
    page = phone_page
    page.goto(f"{live_server.url}/de/")
    box = page.get_by_role("combobox", name="Hilfeartikel durchsuchen")
    box.tap()
    box.press_sequentially("karte", delay=30)
    option = page.get_by_role("option").first
    expect(option).to_be_visible()
    height = option.bounding_box()["height"]
    assert height >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / "suggest-phone.png"))
    option.tap()
    expect(page).to_have_url(re.compile(r"/de/articles/"))


def test_without_javascript_the_box_is_the_plain_form(browser, live_server, live_help_content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    box = page.get_by_role("searchbox", name="Search the help articles")
    box.fill("chalenge")
    box.press("Enter")
    expect(page.locator(".search-correction")).to_contain_text("Showing results for challenge")
    expect(page.locator(".search-results")).to_contain_text("KB2260")
    context.close()
