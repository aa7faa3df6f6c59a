"""Build, drop and measure the search index (backends.py says what is in it)."""

from django.db import connection, transaction

from newsroom.search import backends


def build() -> None:
    """Create the index and its triggers, and fill it from the articles and annotations there."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in backends.current().build_statements():
            cursor.execute(statement)


def drop() -> None:
    """Remove the index and its triggers (a bulk load is faster without them; build() after)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in backends.current().drop_statements():
            cursor.execute(statement)


def rebuild() -> None:
    with transaction.atomic():
        drop()
        build()


def is_built() -> bool:
    """Whether all the index's triggers are there (a migration may have dropped some)."""
    backend = backends.current()
    expected = sum(statement.startswith("CREATE TRIGGER") for statement in backend.build_statements())
    with connection.cursor() as cursor:
        cursor.execute(backend.TRIGGERS_SQL)
        return cursor.fetchone()[0] == expected


def size_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(backends.current().size_sql())
        return cursor.fetchone()[0] or 0
