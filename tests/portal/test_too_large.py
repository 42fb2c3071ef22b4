"""413 from Django's own limits and from nginx's (via /errors/request-too-large): the translated
page for browsers, JSON for JSON clients, in the language of the refused address."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TOO_MANY_FIELDS = "&".join(
    f"f{number}=x" for number in range(1100)
)  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000


def test_too_many_fields_is_a_translated_413_page():
    response = Client().post(
        "/de/portal/signin/", TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="de">' in html and "Zu groß zum Empfangen" in html


def test_too_many_fields_is_json_for_json_clients():
    response = Client().post(
        "/en/portal/signin/",
        TOO_MANY_FIELDS,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"].startswith("What you sent is too large to receive.")


@pytest.mark.parametrize(
    ("accept", "kind"), [("application/json", "application/json"), ("text/html", "text/html")]
)
def test_the_page_nginx_shows_speaks_the_refused_addresss_language(accept, kind):
    response = Client().get(
        "/errors/request-too-large",
        HTTP_ACCEPT=accept,
        HTTP_X_ORIGINAL_URI="/de/documents/?request=3",
    )
    assert response.status_code == 413 and response["Content-Type"].startswith(kind)
    text = response.json()["error"] if kind == "application/json" else response.content.decode()
    assert "zu groß" in text
    assert "no-store" in response["Cache-Control"]
