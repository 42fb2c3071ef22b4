"""A store that has gone away gives the site's own translated 503 page, never a traceback."""

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from articles import views as article_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_gone(monkeypatch):
    def search(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(article_views, "run_search", search)


@pytest.mark.parametrize(
    ("lang", "heading", "message"),
    [
        (
            "en",
            "Temporarily unavailable",
            "The service is briefly unavailable, so nothing was saved.",
        ),
        (
            "de",
            "Vorübergehend nicht erreichbar",
            "Der Dienst ist kurz nicht erreichbar, daher wurde nichts gespeichert.",
        ),
    ],
)
def test_database_outage_gives_translated_503_with_retry_after(
    visitor, database_gone, lang, heading, message
):
    response = visitor.get(f"/{lang}/search/?q=card")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html and message in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_json_clients_get_json(visitor, database_gone):
    response = visitor.get("/en/search/?q=card", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["ok"] is False
    assert "briefly unavailable" in response.json()["errors"]["__all__"][0]


def test_redis_outage_in_a_limit_refuses_with_503(visitor, monkeypatch, django_user_model):
    """A throttle that cannot count refuses the request: it never lets it through uncounted."""
    from documents import throttle

    def counter_gone(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(throttle.counters, "hit", counter_gone)
    visitor.force_login(django_user_model.objects.create_user("anna", password="pw-anna-123456"))
    response = visitor.post(
        "/en/documents/", {"document_type": "address"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 503
    assert response.json()["ok"] is False


def test_other_errors_stay_500_with_the_translated_page(visitor, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(article_views, "run_search", broken)
    response = visitor.get("/de/search/?q=card")
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.content.decode()
