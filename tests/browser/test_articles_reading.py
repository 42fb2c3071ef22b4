"""The knowledge base in Chromium: gallery, language switch, search, phone layout, no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_gallery_lightbox_works_with_the_keyboard(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/en/articles/challenge-response/")
    first = page.locator("[data-gallery] .figure-link").first
    first.focus()
    page.keyboard.press("Enter")
    box = page.locator("[data-lightbox]")
    expect(box).to_be_visible()
    expect(box.locator(".lightbox-caption")).to_contain_text("Figure 1")
    expect(box.locator(".lightbox-caption")).to_contain_text("(1/31)")
    page.keyboard.press("ArrowRight")
    expect(box.locator(".lightbox-caption")).to_contain_text("(2/31)")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(box.locator(".lightbox-caption")).to_contain_text("(31/31)")
    expect(page.locator("[data-lightbox] img")).to_have_js_property(
        "naturalWidth", 960
    )  # the image really loads
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('figure-link')")


def test_figure_beside_a_step_opens_with_a_click_and_closes_with_the_button(
    page, live_server, live_help_content
):
    page.goto(f"{live_server.url}/de/articles/challenge-response/#android")
    page.locator("#android .step-figures .figure-link").first.click()
    box = page.locator("[data-lightbox]")
    expect(box.locator(".lightbox-caption")).to_contain_text("Abbildung 1A")
    box.get_by_role("button", name="Schließen").click()
    expect(box).to_be_hidden()


def test_swiping_in_the_lightbox_moves_between_figures(phone_page, live_server, live_help_content):
    page = phone_page
    page.goto(f"{live_server.url}/en/articles/challenge-response/")
    page.locator(".step-figures .figure-link").first.click()  # the gallery is folded on a phone
    page.evaluate("""() => {
        const box = document.querySelector('[data-lightbox]');
        const touch = x => ({clientX: x, clientY: 300, identifier: 1, target: box});
        const swipe = (type, x) => box.dispatchEvent(
            new TouchEvent(type, {changedTouches: [new Touch(touch(x))], bubbles: true}));
        swipe('touchstart', 300);
        swipe('touchend', 100);
    }""")
    expect(page.locator(".lightbox-caption")).to_contain_text("(2/31)")


def test_language_switch_keeps_the_reader_on_the_article(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/en/articles/online-security-code-card/#print-and-activate")
    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/de/articles/online-security-code-card/"))
    expect(page.locator("h1")).to_contain_text("Online-Sicherheitscodekarte")
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_search_in_german_from_the_header(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/de/")
    page.get_by_role("combobox", name="Hilfeartikel durchsuchen").fill("Ports 4001")
    page.keyboard.press("Enter")
    expect(page.locator(".search-results")).to_contain_text("KB1131")
    expect(page.locator(".search-results mark").first).to_be_visible()


def test_troubleshooter_leads_to_the_fix_and_the_connectivity_test(
    page, live_server, live_help_content
):
    page.goto(f"{live_server.url}/en/help/cannot-sign-in/")
    page.get_by_role("link", name=re.compile("cannot connect", re.I)).click()
    expect(page.locator(".fix")).to_contain_text("4000")
    expect(page.get_by_role("link", name="Read this in the full article (KB1131)")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/de/",
        "/de/articles/challenge-response/",
        "/de/search/?q=Code",
        "/de/help/cannot-sign-in/temporary-code/",
        "/de/articles/temporary-code/feedback/",
    ],
)
def test_pages_fit_a_phone_screen(phone_page, live_server, live_help_content, path):
    phone_page.goto(f"{live_server.url}{path}")
    assert no_horizontal_scroll(phone_page), path


def test_without_javascript_figures_are_links_and_feedback_works(
    browser, live_server, live_help_content
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/articles/temporary-code/")
    href = page.locator(".figure-link").first.get_attribute("href")
    assert href.endswith(".jpg")
    page.get_by_role("link", name="No", exact=True).click()
    page.get_by_label("What can we improve? (optional)").fill("Please add the phone number.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("#reason-error")).to_contain_text(
        "Please tell us what was wrong"
    )  # "No" asks why
    expect(page.get_by_label("What can we improve? (optional)")).to_have_value(
        "Please add the phone number."
    )
    page.get_by_label("It did not solve my problem").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".message.success")).to_contain_text("Thank you for your feedback")
    context.close()


def test_skip_link_and_keyboard_focus(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_admin_language_tabs_work_under_the_content_security_policy(
    signed_in_page, live_server, live_help_content
):
    from django.contrib.auth.models import User

    from articles.models import Article

    page = signed_in_page(User.objects.create_superuser("editor", "editor@example.com", "pw"))
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    article = Article.objects.get(kb_number="KB70")
    page.goto(f"{live_server.url}/en/admin/articles/article/{article.pk}/change/")
    expect(
        page.locator(".ui-tabs").first
    ).to_be_visible()  # jQuery UI turned the languages into tabs
    page.locator(".ui-tabs-nav a", has_text="de").first.click()
    expect(page.locator("#id_title_de")).to_be_visible()
    assert not errors, errors
