"""SQLite's one writer at a time: what waits for it longer, and what answers when waiting was not enough.

The settings give every SQLite connection WAL (readers never wait for the writer), IMMEDIATE
transactions (a transaction takes the write lock as it begins, waiting for it, rather than failing
when it first writes) and a busy timeout (how long a write waits for the lock). A request whose
write waited that long answers 503 with Retry-After (DatabaseBusyMiddleware); an import waits its
turn for longer (one_at_a_time).
"""

import logging
import zlib
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
BUSY_MESSAGE = "The site is busy saving other changes and nothing was saved. Try again in a few seconds."


def is_database_locked(error: BaseException) -> bool:
    """SQLite's answer when a write waited its whole busy timeout for another writer."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


class DatabaseBusyMiddleware:
    """A view whose write found the database locked answers 503 with Retry-After, not 500: JSON
    under /api/, where scripts read the API's errors, an error page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_locked(exception):
            return None
        logger.warning("Database busy: %s %s answered 503", request.method, request.path)
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": BUSY_MESSAGE}, status=503)
        else:
            context = {"code": 503, "title": "Busy", "message": BUSY_MESSAGE}
            response = render(request, "error_page.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


@contextmanager
def one_at_a_time(name: str, *, wait_seconds: int):
    """A transaction that one process at a time runs, for work such as imports, which look up what
    exists and then create it: run side by side they would both create it (IntegrityError). The
    others wait for their turn, on SQLite up to `wait_seconds` (its one write lock serialises
    every write already), on PostgreSQL for as long as it takes (an advisory lock by name, held
    to the end of the transaction)."""
    with waiting_for_writers(wait_seconds), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
        yield


@contextmanager
def waiting_for_writers(seconds: int):
    """On SQLite, wait up to `seconds` for the write lock instead of the usual busy timeout."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")  # a pragma takes no parameters
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")
