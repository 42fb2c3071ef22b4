"""/healthz says the process answers; /readyz checks every store and names the one that fails."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from portal import stores

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_any_store(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_store(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True and body["failing"] == []
    assert set(body["stores"]) == {"database", "cache", "public_files", "private_files"}
    assert all(result["ok"] and result["ms"] >= 0 for result in body["stores"].values())
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_readyz_names_the_failing_store_with_503(client, monkeypatch):
    def database_gone():
        raise OperationalError("connection refused")

    monkeypatch.setattr(stores, "check_database", database_gone)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == str(stores.RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["ready"] is False and body["failing"] == ["database"]
    assert body["stores"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["stores"]["database"]["ms"],
    }
    assert body["stores"]["cache"]["ok"] is True


def test_readyz_is_never_served_from_the_page_cache(client, monkeypatch):
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(
        stores, "check_cache", lambda: (_ for _ in ()).throw(ConnectionError("gone"))
    )
    assert client.get("/readyz").status_code == 503


def test_healthz_of_a_signed_in_client_reads_no_database(client, django_user_model, settings):
    """The session timeout would load the client's session and user: from the database when the
    cache misses, so a database outage made a signed-in visitor's /healthz fail."""
    client.force_login(django_user_model.objects.create_user("anna", password="pw-anna-123456"))
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # every read is a query
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert [query["sql"] for query in queries] == []
