"""Sessions in Redis backed by the database (REDIS_URL) that report an unreachable database as an
outage."""

from django.contrib.sessions.backends import cached_db

from portal.sessions import OutageAwareSaveMixin


class SessionStore(OutageAwareSaveMixin, cached_db.SessionStore):
    pass
