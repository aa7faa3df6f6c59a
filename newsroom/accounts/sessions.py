"""Sessions kept in the database, as Django keeps them, read in SQL of our own.

Every signed-in request reads its session and then its user (backends.AuthenticationBackend); the
ORM takes longer to build either query than the database takes to answer it, so each is a raw
query, which still comes back as the model (bench/page_bench.py measures the signed-in pages).
Only the synchronous path is changed: the site is served by WSGI.
"""

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = f"SELECT * FROM {table} WHERE session_key = %s AND expire_date > %s"  # nosec B608: a name
        # The time in the form the ORM stores it, so that the comparison is one of like with like.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if (session := next(iter(self.model.objects.raw(sql, [self.session_key, now])), None)) is None:
            self._session_key = None  # unknown or expired: a new one is made if the request needs one
        return session
