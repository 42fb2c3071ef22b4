"""Settings for the test suite: the normal settings, with throw-away media folders."""

import os
import tempfile

os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-media-"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-private-"))
os.environ.setdefault("STAGING_ROOT", tempfile.mkdtemp(prefix="portal-staging-"))
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("CACHE_KEY_PREFIX", "portal-test")
# Views stay in the process's tally during a test (no flush in the middle of a measured
# request); tests of counting flush explicitly (view_counts.flush_now) or lower this.
os.environ.setdefault("VIEW_COUNT_PUSH_SECONDS", "3600")

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:: live_server threads then get their own connections instead of
    # sharing one, which made parallel requests (three thumbnails at once) flaky.
    test_database = os.path.join(tempfile.mkdtemp(prefix="portal-db-"), "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": test_database}  # noqa: F405

# The generated pages of most document tests are A4 at about 146 dpi (1240 × 1754 px: quick to
# process), some photos have the 1000 px minimum (117 dpi). The effective-dpi rule itself is
# tested with its real thresholds (200 and 300) in tests/documents/test_outline.py.
DOCUMENTS_MIN_DPI = 100
DOCUMENTS_RECOMMENDED_DPI = 110
