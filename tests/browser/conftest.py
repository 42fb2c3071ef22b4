"""Fixtures of the browser tests: the help content, and pages in browser contexts of their own."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.articles.conftest import category, make_article  # noqa: F401 (fixtures)

BROWSER_TESTS = Path(__file__).parent
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_itemcollected(item):
    """Every test in this folder drives Chromium against `live_server`, which only sees committed
    rows: each is marked `browser` and runs with a transactional database."""
    if BROWSER_TESTS in item.path.parents:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def live_help_content(transactional_db):
    """The real help content, for tests that drive Chromium against live_server."""
    call_command("load_help_content", verbosity=0)


@pytest.fixture
def new_page(browser):
    """`new_page(**options)`: a page in a context of its own (options as `browser.new_context`
    takes them, e.g. `java_script_enabled=False`), closed after the test even when it fails."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_page):
    """A page on a phone-sized touch screen."""
    return new_page(**PHONE)


def session_cookie(live_server, user) -> dict:
    """The cookie of a session in which `user` is signed in, for pages of `live_server` (the
    sign-in itself is tested on its own)."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.fixture
def signed_in_page(new_page, live_server):
    """`signed_in_page(user, **options)`: a page as `new_page(**options)` makes it, in which
    `user` is signed in."""

    def make(user, **options):
        page = new_page(**options)
        page.context.add_cookies([session_cookie(live_server, user)])
        return page

    return make
