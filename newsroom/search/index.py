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


# A bulk import's new articles on SQLite: FTS5 writes its pending terms out at each statement's
# savepoint, so the insert trigger writes a segment per article (10,000 articles of 4 KB: 4 s);
# one INSERT ... SELECT of them all takes 1.3 s. The import's transaction holds the write lock
# throughout, so no other insert can come meanwhile, and a rollback restores the trigger.


def defer_article_indexing(**kwargs) -> None:
    """Before an import's inserts: drop the article insert trigger (SQLite, index built)."""
    if connection.vendor == "sqlite" and _sqlite_has(_ARTICLE_INSERT_TRIGGER, "trigger"):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {_ARTICLE_INSERT_TRIGGER}")


def index_articles_created(*, first_id: int | None, **kwargs) -> None:
    """After them: index the articles from first_id on in one statement, and restore the trigger."""
    if connection.vendor != "sqlite" or _sqlite_has(_ARTICLE_INSERT_TRIGGER, "trigger"):
        return  # PostgreSQL, or the trigger was kept: it indexed them
    if not _sqlite_has(backends.ARTICLE_TABLE, "table"):
        return  # no index to keep up
    trigger = next(sql for sql in backends.current().build_statements() if _ARTICLE_INSERT_TRIGGER in sql)
    with connection.cursor() as cursor:
        if first_id is not None:
            cursor.execute(
                f"INSERT INTO {backends.ARTICLE_TABLE} (rowid, title, body) "  # nosec B608
                "SELECT id, title, body FROM articles_article WHERE id >= %s",
                [first_id],
            )
        cursor.execute(trigger)


_ARTICLE_INSERT_TRIGGER = "search_article_insert"


def _sqlite_has(name: str, kind: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = %s AND name = %s", [kind, name])
        return cursor.fetchone()[0] == 1
