"""The test page (server side: endpoints, CSP, no-JS text, advice) and the portal ping."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def page(client, lang="en", **extra):
    with translation.override(lang):
        url = reverse("connectivity:test")
    return client.get(url, **extra)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                'data-probe-url="http://127.0.0.1:4000/probe"',
                'data-probe-url="http://127.0.0.1:4001/probe"',
                'data-probe-url="/en/connectivity/ping/"',
                "connectivity/probe.js",
                'aria-live="polite"',
            ],
        ),
        (
            "de",
            [
                '<html lang="de">',
                "Verbindungstest",
                "/de/help/cannot-sign-in/ports-blocked/",
                "/de/connectivity/ping/",
                "JavaScript ist ausgeschaltet",
            ],
        ),
    ],
)
def test_page_lists_default_ports_of_this_host_and_the_portal(client, lang, expected):
    response = page(client, lang, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    html = response.content.decode()
    assert [text for text in expected if text not in html] == []


def test_csp_allows_exactly_the_probe_origins(client):
    response = page(client, HTTP_HOST="localhost:8000")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["connect-src"] == "'self' http://localhost:4000 http://localhost:4001"
    assert policy["script-src"] == "'self'"  # the rest of the site-wide policy is kept
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_other_pages_keep_the_site_wide_connect_src(client, settings):
    before = list(settings.SECURE_CSP["connect-src"])
    page(client, HTTP_HOST="localhost:8000")
    assert settings.SECURE_CSP["connect-src"] == before  # the override works on a copy
    response = client.get(reverse("connectivity:ping"))
    assert "connect-src 'self';" in response["Content-Security-Policy"] + ";"


def test_ports_host_and_scheme_come_from_settings(client, settings):
    settings.CONNECTIVITY_PROBE_PORTS = (5100, 5101)
    settings.CONNECTIVITY_PROBE_HOST = "probe.example"
    settings.CONNECTIVITY_PROBE_SCHEME = "https"
    response = page(client, HTTP_HOST="127.0.0.1:8000")
    html = response.content.decode()
    assert 'data-probe-url="https://probe.example:5100/probe"' in html
    assert "https://probe.example:5101" in response["Content-Security-Policy"]
    assert "Test-NetConnection probe.example -Port 5101" in html


def test_https_page_probes_over_https(client):
    response = page(client, HTTP_HOST="127.0.0.1:8000", secure=True)
    assert 'data-probe-url="https://127.0.0.1:4000/probe"' in response.content.decode()


def test_ipv6_host_keeps_brackets_in_urls_but_not_in_commands(client, settings):
    settings.ALLOWED_HOSTS = ["[::1]"]
    response = page(client, HTTP_HOST="[::1]:8000")
    html = response.content.decode()
    assert 'data-probe-url="http://[::1]:4000/probe"' in html
    assert "Test-NetConnection ::1 -Port 4000" in html


def test_without_javascript_the_page_explains_the_command_line_check(client):
    html = page(client, HTTP_HOST="127.0.0.1:8000").content.decode()
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "JavaScript is turned off" in noscript and "#cli-check" in noscript
    assert "needs JavaScript" in html  # server-rendered status the script replaces
    assert (
        "manage.py" not in html
    )  # no developer command on a client page (it is in KB1131 for IT staff)
    assert "Test-NetConnection 127.0.0.1 -Port 4000" in html
    assert "nc -vz -w 3 127.0.0.1 4001" in html


def test_advice_and_link_to_the_troubleshooting_situation(client):
    html = page(client).content.decode()
    assert "Leave the public network" in html
    assert "open ports 4000 and 4001 on the router for inbound and outbound TCP" in html
    assert reverse("articles:situation", kwargs={"anchor": "ports-blocked"}) in html


def test_page_is_not_cached(client):
    assert "no-store" in page(client)["Cache-Control"]


def test_only_get(client):
    with translation.override("en"):
        url = reverse("connectivity:test")
    assert client.post(url).status_code == 405


def test_ping_answers_json_uncached(client):
    response = client.get(reverse("connectivity:ping"))
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert "no-store" in response["Cache-Control"]
