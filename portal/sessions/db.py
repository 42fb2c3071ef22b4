"""Database sessions (embedded set-up) that report an unreachable database as an outage."""

from django.contrib.sessions.backends import db

from portal.sessions import OutageAwareSaveMixin


class SessionStore(OutageAwareSaveMixin, db.SessionStore):
    pass
