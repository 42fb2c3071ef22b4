"""Session stores that let a database outage surface as an outage.

Django's database session store turns any database error while saving an
existing session into UpdateError, which the session middleware answers with
a bare, untranslated 400 "session interrupted". When the cause is that the
database is unreachable, these stores raise that error instead, so the
request ends in the site's own 503 page with Retry-After like every other
outage. (A session deleted meanwhile still gives UpdateError, as in Django.)
"""

from django.contrib.sessions.backends.base import SessionBase, UpdateError

from portal.stores import DATABASE_ERRORS


class OutageAwareSaveMixin(SessionBase):  # placed before a SessionBase subclass
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError as exc:
            if isinstance(exc.__context__, DATABASE_ERRORS):
                raise exc.__context__ from None
            raise
