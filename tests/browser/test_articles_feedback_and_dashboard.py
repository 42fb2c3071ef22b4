"""In Chromium on a 390 px phone: the reasons of "not helpful" appear only after "No" (with
JavaScript) and are all there without it; the German reader notice of an out-of-date
translation; the staff dashboard with its charts, in German."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.models import Feedback, PageViewDay
from tests.browser.test_articles_staff_workflow import sign_in
from tests.staff_otp import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(make_article):
    return make_article(
        kb="KB990", slug="card-guide", steps=1, title_en="Card guide", title_de="Kartenanleitung"
    )


def phone(new_page, javascript=True):
    return new_page(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_reasons_follow_the_answer_with_javascript(new_page, live_server, article, lang, tmp_path):
    page = phone(new_page)
    page.goto(f"{live_server.url}/{lang}/articles/card-guide/feedback/")
    reasons = page.locator("[data-feedback-reasons]")
    page.locator("input[name=helpful][value=yes]").check()
    expect(reasons).to_be_hidden()
    page.locator("input[name=helpful][value=no]").check()
    expect(reasons).to_be_visible()
    page.locator("input[name=reason][value=unclear]").check()
    page.locator("textarea[name=comment]").fill("Step 1 <b>needs</b> more")
    page.screenshot(path=str(tmp_path / f"feedback-{lang}.png"), full_page=True)
    page.locator("main form button[type=submit]").press("Enter")
    expect(page.locator(".message.success")).to_be_visible()
    vote = Feedback.objects.get()
    assert (vote.helpful, vote.reason, vote.comment, vote.language) == (
        False,
        "unclear",
        "Step 1 <b>needs</b> more",
        lang,
    )


def test_without_javascript_every_reason_is_there_and_no_asks_for_one(
    new_page, live_server, article, tmp_path
):
    page = phone(new_page, javascript=False)
    page.goto(f"{live_server.url}/de/articles/card-guide/feedback/?helpful=no")
    expect(page.locator("[data-feedback-reasons]")).to_be_visible()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#reason-error")).to_contain_text("Bitte sagen Sie uns, was nicht stimmte")
    page.locator("label[for=id_reason_1]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    assert Feedback.objects.get().reason == "out-of-date"


def test_german_reader_notice_and_the_dashboard_in_german(new_page, live_server, article, tmp_path):
    article.title_en = "Card guide, revised"
    article.save()
    PageViewDay.objects.create(
        article=article, language="de", day=article.updated_at.date(), views=12
    )
    page = phone(new_page)
    page.goto(f"{live_server.url}/de/articles/card-guide/")
    notice = page.locator(".translation-notice")
    expect(notice).to_contain_text("Die englische Fassung dieses Artikels wurde am")
    notice.locator("a").click()
    expect(page).to_have_url(f"{live_server.url}/en/articles/card-guide/")
    page.goto(f"{live_server.url}/de/articles/card-guide/")
    page.screenshot(path=str(tmp_path / "notice-de.png"), full_page=True)

    device = enrol(User.objects.create_superuser("sam", "sam@example.com", "sam pass 15"))
    sign_in(page, live_server.url, "de", device)
    page.goto(f"{live_server.url}/de/admin/articles/article/dashboard/?days=7")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("#dashboard-articles")).to_contain_text("KB990")
    page.screenshot(path=str(tmp_path / "dashboard-de.png"), full_page=True)
    page.goto(f"{live_server.url}/de/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".field-translation_drift")).to_contain_text("Deutsch veraltet: Titel")
    page.screenshot(path=str(tmp_path / "drift-de.png"), full_page=True)
