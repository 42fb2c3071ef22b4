"""HTML is gzip-compressed on the wire by the real nginx of `make run` and `make cluster`
(scripts/nginx.conf.template), while pages that carry a secret are sent uncompressed.

Compressing a response that holds a secret next to text an attacker can inject lets the
attacker guess the secret from the compressed size (BREACH). Django masks its CSRF token
anew for every response, and nginx leaves the client portal, the documents pages and the
admin (CSRF tokens, temporary codes, card values) uncompressed all the same.
"""

import gzip
import urllib.request

import pytest

from tests.stateless.test_slow_clients import NGINX, start_nginx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not NGINX.exists(), reason="needs Debian's nginx (make cluster-packages)"),
]

PUBLIC_PAGES = [
    "/en/",
    "/de/",
    "/en/help/cannot-sign-in/",
    "/de/search/?q=code",
    "/en/connectivity/",
    "/de/no-such-page/",
]
SECRET_PAGES = ["/en/portal/signin/", "/de/portal/signin/", "/en/admin/login/", "/de/documents/"]


@pytest.fixture
def proxied(help_content, tmp_path):
    from tests.stateless.nodes import start_node  # noqa: PLC0415 (starts a process)

    node = start_node("gzip-test", workers=1)
    process, port = start_nginx(tmp_path, node.port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    node.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, gzip_ok: bool = True):
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": "gzip" if gzip_ok else "identity"}
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:  # 404 and 302 pages are answers too
        response = error
    return response.status, response.headers, response.read()


def test_public_html_is_gzipped_and_holds_no_secret(proxied):
    for path in PUBLIC_PAGES:
        status, headers, body = fetch(proxied + path)
        assert status in (200, 404), (path, status)
        assert headers["Content-Type"].startswith("text/html"), path
        assert headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in headers.get("Vary", ""), path
        html = gzip.decompress(body).decode()
        assert "<html lang=" in html and "csrfmiddlewaretoken" not in html, path
        _, _, plain = fetch(proxied + path, gzip_ok=False)
        assert len(body) < len(plain) / 2, (
            path,
            len(body),
            len(plain),
        )  # really smaller on the wire


def test_pages_with_secrets_are_never_compressed(proxied):
    for path in SECRET_PAGES:
        status, headers, body = fetch(proxied + path)
        assert status in (200, 302), (path, status)
        assert "Content-Encoding" not in headers, path
        if status == 200:
            assert "csrfmiddlewaretoken" in body.decode(), path  # the secret this rule is for


def test_csrf_tokens_are_masked_afresh_on_every_response(proxied):
    """Django's own BREACH defence, which also holds behind any other proxy: the token
    in the page changes on every response, so its compressed size tells nothing."""
    tokens = set()
    for _ in range(3):
        _, _, body = fetch(proxied + "/en/portal/signin/")
        tokens.add(body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
    assert len(tokens) == 3
