"""Reads in SQL of our own, for the few that every request of a page makes whether or not the page
comes from the cache: the ORM takes several times longer to build them than the database takes to
answer (bench/page_bench.py). Values come back as the database driver gives them (on SQLite, times
without a time zone), so they serve as parts of cache keys, not as model fields."""

from django.db import connection


def fetch_all(sql: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
