"""Shared test set-up: a clean cache and Debian's Chromium for Playwright.

portal/settings_test.py gives the suite throw-away media folders."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM is
# only touched from that same thread, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


@pytest.fixture(autouse=True)
def clean_cache(request):
    """Start and end every test with an empty shared cache (a database table in the embedded
    set-up, so only for tests that may use the database) and no pages in this process's memory."""
    from django.core.cache import cache

    from articles import version_watch
    from articles.page_cache import local_pages
    from articles.view_counts import tally

    version_watch.forget()
    tally.take()  # no views counted by an earlier test
    uses_database = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    local_pages.clear()
    if uses_database:
        cache.clear()
    yield
    if uses_database:
        cache.clear()
    local_pages.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in English: a request in another language must not leak into the next
    test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def staff_logins_are_otp_verified(monkeypatch):
    """Tests that log staff in with force_login()/login() get a verified TOTP device in the
    session, as the admin's real sign-in leaves it (the verified-device fixture). The
    admin still requires it: tests of the staff sign-in itself post the real login form
    (tests/securelogin/test_staff_signin.py)."""
    from django.test import Client

    from tests.staff_otp import verify_session

    original_force_login, original_login = Client.force_login, Client.login

    def force_login(self, user, backend=None):
        original_force_login(self, user, backend)
        if user.is_staff:
            verify_session(self, user)

    def login(self, **credentials):
        from django.contrib.auth import get_user_model

        done = original_login(self, **credentials)
        user = get_user_model().objects.filter(username=credentials.get("username")).first()
        if done and user is not None and user.is_staff:
            verify_session(self, user)
        return done

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)
