"""JSON clients get JSON for every error through the real nginx, including nginx's own 413 for a
body over client_max_body_size; browsers get the translated page (issue 11)."""

import http.client
import json
import time
from types import SimpleNamespace

import pytest

from tests.stateless.nodes import start_node
from tests.stateless.test_slow_clients import NGINX, start_nginx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not NGINX.exists(), reason="needs Debian's nginx (make cluster-packages)"),
]
JSON = "application/json"
HTML = "text/html,application/xhtml+xml"
OVER_LIMIT = 200 * 1024 * 1024  # client_max_body_size is 160m


@pytest.fixture(scope="module")
def nginx(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        node = start_node("nginx-errors", workers=1)
    folder = tmp_path_factory.mktemp("nginx-errors")
    process, port = start_nginx(folder, node.port)
    yield SimpleNamespace(port=port, access_log=folder / "nginx" / "nginx-access.log")
    process.terminate()
    process.wait(timeout=10)
    node.stop()


def request(port, method, path, accept, length=None, body=b""):
    """One request; a Content-Length over the limit with no body sent (nginx answers at once)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path)
    connection.putheader("Accept", accept)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(length if length is not None else len(body)))
    connection.endheaders(body or None)
    response = connection.getresponse()
    return response.status, response.getheader("Content-Type", ""), response.read().decode()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "What you sent is too large to receive."),
        ("de", "Was Sie gesendet haben, ist zu groß"),
    ],
)
def test_nginx_413_is_json_for_json_clients(nginx, lang, text):
    status, content_type, body = request(
        nginx.port, "POST", f"/{lang}/documents/", JSON, OVER_LIMIT
    )
    assert status == 413
    assert content_type.startswith(JSON)
    answer = json.loads(body)
    assert answer["ok"] is False and text in answer["error"]


@pytest.mark.parametrize(("lang", "title"), [("en", "Too large to receive"), ("de", "Zu groß")])
def test_nginx_413_is_the_translated_page_for_browsers(nginx, lang, title):
    status, content_type, body = request(
        nginx.port, "POST", f"/{lang}/documents/", HTML, OVER_LIMIT
    )
    assert status == 413 and content_type.startswith("text/html")
    assert f'<html lang="{lang}">' in body and title in body


def test_a_body_within_the_limit_reaches_the_site(nginx):
    status, content_type, body = request(
        nginx.port, "POST", "/en/documents/", JSON, body=b"--x--\r\n"
    )
    assert status in (401, 403) and content_type.startswith(
        JSON
    )  # not signed in / no CSRF token: JSON


def test_404_and_403_through_nginx_are_json_for_json_clients(nginx):
    status, content_type, body = request(nginx.port, "GET", "/en/no-such-page/", JSON)
    assert status == 404 and content_type.startswith(JSON) and json.loads(body)["ok"] is False
    status, content_type, body = request(nginx.port, "POST", "/en/portal/signin/", JSON, body=b"")
    assert status == 403 and content_type.startswith(JSON)  # CSRF failure
    assert "expired" in json.loads(body)["error"]


def test_the_token_of_a_phone_link_is_not_written_to_the_access_log(nginx):
    token = "Zq8mV3kP0sT7wX1yB4nC6dF9gH2jK5lM8pR0tU3vW6x"
    status, _type, body = request(nginx.port, "GET", f"/de/documents/p/{token}/", HTML)
    assert status == 404, body
    deadline = time.monotonic() + 5
    while "/de/documents/p/" not in nginx.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = nginx.access_log.read_text()
    assert '"GET /de/documents/p/[hidden]/ HTTP/1.1" 404' in logged
    assert token not in logged
