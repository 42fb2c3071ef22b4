"""What the article benches share: Django on a test database made for one run and dropped after.

A bench calls `throwaway_database(name)` before it imports any model. The database is
DATABASE_URL if set (created and dropped by Django's test-database machinery, so give a URL
whose server you may create databases on), else a fresh SQLite file; uploads go to a fresh
folder. A bench sets any other environment variable before the call.
"""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """Django set up on a test database of its own, with test-environment mail and templates."""
    work = tempfile.mkdtemp(prefix=f"bench-{name}-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["MEDIA_ROOT"] = work
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/{name}.sqlite3")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
