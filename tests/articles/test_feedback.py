import re

import pytest
from django.test import Client

from articles.models import Feedback

pytestmark = pytest.mark.django_db


def test_feedback_flow_stores_one_vote_per_visitor(client, help_content):
    page = client.get("/en/articles/temporary-code/feedback/?helpful=no")
    assert page.status_code == 200
    assert re.search(r'<input[^>]*value="no"[^>]*checked', page.content.decode())
    response = client.post(
        "/en/articles/temporary-code/feedback/",
        {"helpful": "no", "reason": "not-solved", "comment": "Missing the phone number."},
    )
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert "Thank you for your feedback" in client.get(response["Location"]).content.decode()
    client.post("/en/articles/temporary-code/feedback/", {"helpful": "yes", "comment": ""})
    votes = Feedback.objects.filter(article__kb_number="KB70")
    assert votes.count() == 1
    assert votes.get().helpful is True
    Client().post("/de/articles/temporary-code/feedback/", {"helpful": "yes"})  # another visitor
    assert votes.count() == 2 and votes.filter(language="de").exists()


@pytest.mark.parametrize(
    "data", [{}, {"helpful": "maybe"}, {"helpful": "yes", "comment": "x" * 2001}]
)
def test_invalid_feedback_is_explained(client, help_content, data):
    response = client.post("/de/articles/temporary-code/feedback/", data)
    assert response.status_code == 200
    assert 'class="error-box"' in response.content.decode()
    assert Feedback.objects.count() == 0


def test_feedback_needs_a_csrf_token(help_content):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/articles/temporary-code/feedback/", {"helpful": "yes"})
    assert response.status_code == 403
    assert Feedback.objects.count() == 0


def test_feedback_for_unknown_article_is_404(client, db):
    assert client.get("/en/articles/nope/feedback/").status_code == 404
