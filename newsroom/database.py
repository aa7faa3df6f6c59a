"""SQLite's one writer at a time: what waits for it longer, and what answers when waiting was not enough.

The settings give every SQLite connection WAL (readers never wait for the writer), IMMEDIATE
transactions (a transaction takes the write lock as it begins, waiting for it, rather than failing
when it first writes) and a busy timeout (how long a write waits for the lock). A request whose
write waited that long answers 503 with Retry-After (server_error); an import waits its
turn for longer (one_at_a_time).
"""

import sys
import zlib
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.views import defaults

from newsroom.middleware import refuse

RETRY_AFTER_SECONDS = 10
BUSY_MESSAGE = "The site is busy saving other changes and nothing was saved. Try again in a few seconds."


def is_database_locked(error: BaseException | None) -> bool:
    """SQLite's answer when a write waited its whole busy timeout for another writer, or an error
    it caused (a session saved after the view fails as SessionInterrupted)."""
    while error is not None:
        if isinstance(error, OperationalError) and "database is locked" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def busy_response(request) -> HttpResponse:
    """503 with Retry-After."""
    response = refuse(request, 503, BUSY_MESSAGE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# The site's handlers of errors (newsroom/urls.py) see a locked database wherever it was found: in
# a view, or after it, when the session is saved.


def bad_request(request, exception):
    return (
        busy_response(request) if is_database_locked(exception) else defaults.bad_request(request, exception)
    )


def server_error(request):
    return busy_response(request) if is_database_locked(sys.exc_info()[1]) else defaults.server_error(request)


@contextmanager
def one_at_a_time(name: str, *, wait_seconds: int):
    """A transaction that one process at a time runs, for work such as imports, which look up what
    exists and then create it: run side by side they would both create it (IntegrityError). The
    others wait for their turn, on SQLite up to `wait_seconds` (its one write lock serialises
    every write already), on PostgreSQL for as long as it takes (an advisory lock by name, held
    to the end of the transaction)."""
    # On SQLite, wait up to wait_seconds for the write lock instead of the usual busy timeout.
    with sqlite_pragma("busy_timeout", wait_seconds * 1000), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
        yield


@contextmanager
def sqlite_pragma(name: str, value: float):
    """On SQLite, this connection's PRAGMA `name` (one of ours) at `value` meanwhile; other
    connections keep theirs. Nothing elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA {name} = {int(value)}")  # a pragma takes no parameters
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name} = {int(usual)}")
