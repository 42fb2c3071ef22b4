"""Shared test set-up: private temp media, a clean cache, Debian's Chromium for Playwright."""
import os
import tempfile

# Playwright's sync API runs an event loop in the test thread; Django's ORM is
# only touched from that same thread, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-media-"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-private-"))
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("CACHE_KEY_PREFIX", "portal-test")

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
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
