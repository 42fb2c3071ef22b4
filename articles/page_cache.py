"""Cache of rendered public pages of the knowledge base.

Every key carries the content version; any edit of an article, section,
step, figure or category sets a new version (signals.py), so every page
is rendered afresh after an edit and stale pages simply expire.
"""
import secrets

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "kb:content-version"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def bump_content_version():
    cache.set(VERSION_KEY, secrets.token_hex(4), timeout=None)


def page_key(host, path):
    """The key of a public page; the path carries the language (/en/…, /de/…)."""
    return f"kb:page:{content_version()}:{host}:{path}"


def get_page(key):
    return cache.get(key)


def store_page(key, content):
    cache.set(key, content, timeout=settings.ARTICLE_CACHE_SECONDS)
