"""The connection test page in Chromium: real probes on free ports, a stopped probe, no JavaScript,
a phone."""

import pytest
from playwright.sync_api import expect

from connectivity.probe import ProbeGroup

TEXT = {
    "en": {
        "reachable": "Reachable",
        "blocked": "Blocked",
        "ok": "every connection works",
        "remedy": "Leave the public network",
        "no_js": "JavaScript is turned off",
    },
    "de": {
        "reachable": "Erreichbar",
        "blocked": "Blockiert",
        "ok": "alle Verbindungen funktionieren",
        "remedy": "Verlassen Sie das öffentliche Netzwerk",
        "no_js": "JavaScript ist ausgeschaltet",
    },
}


@pytest.fixture
def probes(live_server, settings):
    """Probe servers on two free ports (never 4000/4001, which `make run` may hold), allowing the
    live server."""
    group = ProbeGroup("127.0.0.1", [0, 0], [live_server.url]).start()
    settings.CONNECTIVITY_PROBE_PORTS = group.ports
    settings.CONNECTIVITY_PROBE_TIMEOUT = 3
    yield group
    group.close()


def result(page, port):
    return page.locator(f'.probe-result[data-probe-url$=":{port}/probe"]')


@pytest.mark.parametrize("lang", ["en", "de"])
def test_both_ports_reachable_then_a_stopped_probe_shows_blocked_with_the_remedy(
    page, live_server, probes, lang
):
    text = TEXT[lang]
    first, second = probes.ports
    page.goto(f"{live_server.url}/{lang}/connectivity/")
    for port in (first, second):
        expect(result(page, port)).to_have_attribute("data-state", "reachable", timeout=10_000)
        expect(result(page, port).locator(".probe-status")).to_contain_text(text["reachable"])
        expect(result(page, port).locator(".probe-status")).to_contain_text("ms")
    expect(page.locator('.probe-result[data-kind="portal"]')).to_have_attribute(
        "data-state", "reachable"
    )
    expect(page.locator("#probe-summary")).to_contain_text(text["ok"])
    expect(page.locator("#probe-remedy")).to_be_hidden()
    page.screenshot(path=f"/tmp/connectivity-ok-{lang}.png", full_page=True)

    probes.stop_port(second)
    page.reload()
    expect(result(page, second)).to_have_attribute("data-state", "blocked", timeout=6_000)
    expect(result(page, second).locator(".probe-status")).to_contain_text(text["blocked"])
    expect(result(page, first)).to_have_attribute("data-state", "reachable")
    summary = page.locator("#probe-summary")
    expect(summary).to_contain_text(f"Port {second}")
    remedy = page.locator("#probe-remedy")
    expect(remedy).to_be_visible()
    expect(remedy).to_contain_text(text["remedy"])
    expect(page.locator("#probe-blocked-list")).to_contain_text(f"Port {second}")
    expect(remedy.locator(f'a[href="/{lang}/help/cannot-sign-in/ports-blocked/"]')).to_be_visible()
    page.screenshot(path=f"/tmp/connectivity-blocked-{lang}.png", full_page=True)


def test_test_again_works_from_the_keyboard(page, live_server, probes):
    first, second = probes.ports
    page.goto(f"{live_server.url}/en/connectivity/")
    expect(result(page, first)).to_have_attribute("data-state", "reachable", timeout=10_000)
    probes.stop_port(first)
    rerun = page.get_by_role("button", name="Test again")
    rerun.focus()
    page.keyboard.press("Enter")
    expect(result(page, first)).to_have_attribute("data-state", "blocked", timeout=6_000)
    expect(result(page, second)).to_have_attribute("data-state", "reachable")
    # The "What to do" link of the blocked port jumps to the advice.
    result(page, first).get_by_role("link", name="What to do").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/en/connectivity/#probe-remedy")


def test_a_port_that_never_answers_is_blocked_after_the_timeout(
    page, live_server, probes, settings
):
    """A filtering network accepts nothing and answers nothing: the page gives up after the
    timeout."""
    import socket

    with (
        socket.socket() as silent
    ):  # completes the TCP handshake (kernel backlog) but never answers HTTP
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        silent_port = silent.getsockname()[1]
        settings.CONNECTIVITY_PROBE_PORTS = [probes.ports[0], silent_port]
        settings.CONNECTIVITY_PROBE_TIMEOUT = 1
        page.goto(f"{live_server.url}/de/connectivity/")
        expect(result(page, silent_port)).to_have_attribute("data-state", "blocked", timeout=6_000)
        expect(result(page, silent_port)).to_contain_text("keine Antwort innerhalb von 1 s")
        expect(result(page, probes.ports[0])).to_have_attribute("data-state", "reachable")
        expect(page.locator("#probe-remedy")).to_be_visible()


def test_foreign_origin_page_cannot_read_the_probe(page, live_server, probes):
    """A page served from an origin the probe does not allow sees the port as blocked (CORS
    refused)."""
    other = live_server.url.replace("localhost", "127.0.0.1")
    page.goto(f"{other}/en/connectivity/")
    expect(result(page, probes.ports[0])).to_have_attribute("data-state", "blocked", timeout=6_000)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_without_javascript_the_page_explains_the_command_line_check(
    new_page, live_server, probes, lang
):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/{lang}/connectivity/")
    notice = page.locator("noscript .error-box")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(TEXT[lang]["no_js"])
    # The server-rendered status, which the script would replace, points to the command-line check
    # too.
    expect(page.locator("#probe-summary").get_by_role("link")).to_have_attribute(
        "href", "#cli-check"
    )
    expect(page.locator("#cli-check")).to_contain_text(
        f"Test-NetConnection localhost -Port {probes.ports[1]}"
    )
    expect(page.locator("#probe-summary")).to_contain_text("JavaScript")
    expect(page.locator(".probe-status").first).to_have_attribute("data-state", "untested")
    expect(page.locator("#probe-remedy")).to_be_visible()  # the advice is there even without a test
    expect(page.locator("#probe-rerun")).to_be_hidden()  # no button that cannot work
    page.screenshot(path=f"/tmp/connectivity-nojs-{lang}.png", full_page=True)


def test_phone_layout_has_no_horizontal_scroll(phone_page, live_server, probes):
    page = phone_page
    page.goto(f"{live_server.url}/de/connectivity/")
    expect(result(page, probes.ports[1])).to_have_attribute(
        "data-state", "reachable", timeout=10_000
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each command stays on one line, so "-Port 4000" is not wrapped away from "Test-NetConnection".
    line_counts = page.locator(".cli-commands code").evaluate_all(
        "codes => codes.map("
        "c => Math.round(c.clientHeight / parseFloat(getComputedStyle(c).lineHeight)))"
    )
    assert line_counts and set(line_counts) == {1}
    page.screenshot(path="/tmp/connectivity-phone-de.png", full_page=True)
