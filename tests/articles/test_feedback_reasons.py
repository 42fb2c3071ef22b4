"""'Was this helpful? No' asks why, without JavaScript; odd or oversized comments are handled."""

import pytest
from django.contrib.auth.models import User

from articles.models import Feedback
from tests.articles.test_budgets import add_figures

pytestmark = pytest.mark.django_db
URL = "/en/articles/demo-article/feedback/"


@pytest.fixture
def article(make_article):
    article = make_article()
    add_figures(article, 2)
    return article


def test_the_plain_form_offers_every_reason_and_the_figures(client, article):
    html = client.get(URL + "?helpful=no").content.decode()
    for value in ("unclear", "out-of-date", "not-solved", "screen-differs", "other"):
        assert f'value="{value}"' in html
    assert "Figure 1" in html and "Figure 2" in html
    assert (
        "<script" not in html.split("</form>")[0].split("<form")[1]
    )  # the form itself needs no script


def test_no_without_a_reason_is_asked_again_and_keeps_the_comment(client, article):
    response = client.post(URL, {"helpful": "no", "comment": "Step 2 is wrong"})
    html = response.content.decode()
    assert response.status_code == 200 and "Please tell us what was wrong" in html
    assert "Step 2 is wrong" in html and Feedback.objects.count() == 0
    german = client.post("/de/articles/demo-article/feedback/", {"helpful": "no"}).content.decode()
    assert "Bitte sagen Sie uns, was nicht stimmte" in german


def test_screen_differs_points_at_a_figure(client, article):
    figure = article.figures.get(number="2")
    response = client.post(URL, {"helpful": "no", "reason": "screen-differs", "figure": figure.pk})
    assert response.status_code == 302
    vote = Feedback.objects.get()
    assert (vote.helpful, vote.reason, vote.figure) == (False, "screen-differs", figure)


def test_a_figure_of_another_article_or_an_unknown_reason_is_refused(client, article, make_article):
    other = make_article(kb="KB950", slug="other")
    add_figures(other, 1)
    foreign = other.figures.get()
    response = client.post(URL, {"helpful": "no", "reason": "screen-differs", "figure": foreign.pk})
    assert "Please choose one of this article’s figures" in response.content.decode()
    response = client.post(URL, {"helpful": "no", "reason": "boring"})
    assert "Please choose one of the reasons listed" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_yes_drops_any_reason_and_another_reason_drops_the_figure(client, article):
    figure = article.figures.first()
    client.post(URL, {"helpful": "yes", "reason": "unclear", "figure": figure.pk})
    assert Feedback.objects.get().reason == "" and Feedback.objects.get().figure is None
    client.post(URL, {"helpful": "no", "reason": "unclear", "figure": figure.pk})
    assert Feedback.objects.get().reason == "unclear" and Feedback.objects.get().figure is None


def test_a_comment_of_ten_thousand_characters_is_refused_clearly(client, article):
    response = client.post(
        "/de/articles/demo-article/feedback/",
        {"helpful": "no", "reason": "other", "comment": "x" * 10_000},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "2000" in html and "10000" in html
    assert Feedback.objects.count() == 0


def test_html_and_odd_unicode_are_stored_as_plain_text_and_shown_escaped(client, article):
    refused = client.post(URL, {"helpful": "no", "reason": "other", "comment": "nul\x00"})
    assert (
        "Null characters are not allowed" in refused.content.decode()
        and not Feedback.objects.exists()
    )
    comment = "<script>alert(1)</script> Bild\u202e falsch\u200b Cafe\u0301 \U0001f600\u0007"
    response = client.post(URL, {"helpful": "no", "reason": "other", "comment": comment})
    assert response.status_code == 302
    stored = Feedback.objects.get().comment
    assert stored == "<script>alert(1)</script> Bild falsch Café \U0001f600"
    staff = User.objects.create_superuser("sam", "sam@example.com", "pw")
    client.force_login(staff)
    listing = client.get("/en/admin/articles/feedback/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and "<script>alert(1)" not in listing
