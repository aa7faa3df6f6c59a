"""Sessions kept in the database, as Django keeps them, read in SQL of our own.

Every signed-in request reads its session and then its user (backends.AuthenticationBackend); the
ORM takes longer to build either query than the database takes to answer it, so each is a raw
query, which still comes back as the model (bench/page_bench.py measures the signed-in pages).
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

SESSION_SQL = "SELECT * FROM django_session WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        sessions = self.model.objects.raw(SESSION_SQL, [self.session_key, timezone.now()])
        if (session := next(iter(sessions), None)) is None:
            self._session_key = None  # unknown or expired: a new one is made if the request needs one
        return session
