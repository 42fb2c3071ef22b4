"""Phone (390 px) layout of issue 14: every section reachable from the header, a figure
viewer whose controls never cover the figure, the gallery folded, errors focused."""

import pytest
from playwright.sync_api import expect

from articles.models import Figure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_header_section_is_on_a_phone_screen_without_scrolling(
    phone_page, live_server, live_help_content, lang
):
    page = phone_page
    page.goto(f"{live_server.url}/{lang}/")
    links = page.locator(".main-nav a")
    assert links.count() == 5
    for index in range(5):
        link = box(links.nth(index))
        assert link["x"] >= 0 and link["x"] + link["width"] <= 390, link
        assert link["y"] + link["height"] <= 844 and link["height"] >= 44, link
    assert page.evaluate(
        "document.querySelector('.main-nav ul').scrollWidth <= "
        "document.querySelector('.main-nav ul').clientWidth"
    )


def test_figure_viewer_controls_are_beside_the_figure_and_large_enough(
    phone_page, live_server, live_help_content
):
    page = phone_page
    page.goto(f"{live_server.url}/en/articles/challenge-response/")
    expect(page.locator("[data-gallery-section]")).not_to_have_attribute(
        "open", ""
    )  # folded on a phone
    page.locator(".step-figures .figure-link").first.click()
    viewer = page.locator("[data-lightbox]")
    expect(viewer.locator("img")).to_have_js_property("complete", True)
    image = box(viewer.locator("img"))
    for name in ("lightbox-close", "lightbox-prev", "lightbox-next"):
        control = box(viewer.locator(f".{name}"))
        assert control["width"] >= 44 and control["height"] >= 44, name
        assert not overlaps(control, image), name
        assert control["x"] >= 0 and control["x"] + control["width"] <= 390, name
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.lightbox-next')).backgroundColor"
    )
    assert background.startswith("rgb(") and "rgba" not in background  # opaque
    viewer.locator(".lightbox-next").click()
    total = Figure.objects.filter(article__slug="challenge-response").count()
    expect(viewer.locator(".lightbox-caption")).to_contain_text(f"(2/{total})")


def test_gallery_is_open_on_a_wide_screen(page, live_server, live_help_content):
    page.goto(f"{live_server.url}/de/articles/challenge-response/")
    expect(page.locator("[data-gallery-section]")).to_have_attribute("open", "")


@pytest.mark.parametrize("javascript", [True, False])
def test_refused_sign_in_leads_to_the_field_to_fix(new_page, live_server, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{live_server.url}/en/portal/signin/")
    page.fill("#id_username", "someone")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#problem")).to_contain_text("Enter your user name and password.")
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_username")).not_to_have_attribute("aria-invalid", "true")
    if javascript:
        expect(page.locator("#id_password")).to_be_focused()
    else:
        page.locator("#problem").get_by_role("link", name="Password").click()
        expect(page).to_have_url(f"{live_server.url}/en/portal/signin/#id_password")
