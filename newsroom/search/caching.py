"""Search results kept in the cache for a little while, so that a repeated search (a reader paging
back, a link followed back) ranks nothing again.

They are kept per reader (anonymous, or the user, their groups and roles, and whether they moderate
public annotations), per query, filters, tab, order and page, and under the search version: a
token in the cache itself (never a row of the database, which every write would wait on) that is
replaced once any write to a table whose rows a search finds or shows, or which decides who sees
them, commits. Writes are noticed where they are made, on every database connection of the
process (Django's execute wrappers), whoever makes them: the services, the admin, the importer, a
bulk update.

With a cache shared by every process (REDIS_URL) a write is seen by the next search everywhere;
with a cache in each process's own memory, by the next search of the process that wrote it, and by
the others' within LOCAL_RESULTS_SECONDS, the lag the live updates' poll has too. A change of
groups changes the reader's key itself, so it is seen at once everywhere.
"""

import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.models.annotations import Reply, moderates_public
from articles.navigation import page_number as typed_page_number
from articles.queries.reading import ARTICLE_STATE_SECONDS, reader_groups
from newsroom.accounts.models import Group, Membership, Profile
from newsroom.search import backends
from newsroom.search.queries import PAGE_SIZE, WINDOW, Filters, Results, search
from newsroom.search.syntax import Query

logger = logging.getLogger(__name__)

VERSION_KEY = "search:version"
RESULTS_SECONDS = 30
LOCAL_RESULTS_SECONDS = ARTICLE_STATE_SECONDS
LAST_PAGE = WINDOW // PAGE_SIZE + 1  # a page number beyond it shows the last page, as this one does
# What a search finds or shows, and who may see it (Group and Membership); any write to them
# replaces the version.
SHOWN_MODELS = [Article, Annotation, Reply, TaggedAnnotation, Tag, Story, Outlet, Group, Membership, Profile]
# A statement that may write: anything but a SELECT (INSERT OR IGNORE, REPLACE, WITH ... UPDATE, raw
# SQL in any case). Naming a shown table anywhere in it is enough: replacing too often is harmless.
READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def cached_search(user, query: Query, filters: Filters, *, kind: str, sort: str, page_number) -> Results:
    """queries.search(), from the cache when the same reader ran it since the last write."""
    number = min(max(typed_page_number(str(page_number)) or 1, 1), LAST_PAGE)
    # The version is read before the search runs: a write that commits meanwhile replaces it, so
    # that results read before the write are never kept under the version after it.
    key = _results_key(_version(), user, query, filters, kind, sort, number)
    results = cache.get(key)
    if results is None:
        results = search(user, query, filters, kind=kind, sort=sort, page_number=number)
        cache.set(key, results, results_seconds())
    return results


def _version() -> str:
    # add() keeps a token that another process set meanwhile.
    cache.add(VERSION_KEY, secrets.token_hex(8), None)
    return cache.get(VERSION_KEY) or ""


def results_seconds() -> int:
    """How long results are kept: briefly where each process has its own cache (see above)."""
    local = settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    return LOCAL_RESULTS_SECONDS if local else RESULTS_SECONDS


def _results_key(version: str, user, query: Query, filters: Filters, kind: str, sort: str, number) -> str:
    reader = (user.pk, reader_groups(user), moderates_public(user)) if user.is_authenticated else "anonymous"
    narrowed = [getattr(value, "pk", value) for value in vars(filters).values()]
    what = repr((reader, query, narrowed, kind, sort, number))
    return f"search:results:{version}:{hashlib.sha256(what.encode()).hexdigest()}"


def new_version() -> None:
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)
    except Exception:  # a cache that does not answer must not fail the write (results lag instead)
        logger.exception("The search version could not be replaced.")


def _shown_tables() -> list[str]:
    """The shown models' tables and the search index's own (rebuilt by rebuild_search_index)."""
    models = [*SHOWN_MODELS, get_user_model()]
    return [model._meta.db_table for model in models] + [backends.ARTICLE_TABLE, backends.ANNOTATION_TABLE]


def note_writes(connection, **kwargs) -> None:
    """On a new database connection: replace the version after each transaction that writes to a
    table that search shows (connection_created's receiver)."""
    if any(getattr(wrapper, "search_writes", False) for wrapper in connection.execute_wrappers):
        return  # the same connection opened again
    shown = re.compile("|".join(map(re.escape, _shown_tables())), re.IGNORECASE)

    def noticing_writes(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not READ.match(sql) and shown.search(sql):
            _replace_version(connection)
        return result

    noticing_writes.search_writes = True
    # First, so that an execute_wrapper() block opened meanwhile removes its own wrapper at its end.
    connection.execute_wrappers.insert(0, noticing_writes)


def _replace_version(connection) -> None:
    """At once, for the writing transaction's own searches (a test's), and again at its commit, when
    others see its writes."""
    new_version()
    if connection.in_atomic_block and not any(entry[1] is new_version for entry in connection.run_on_commit):
        transaction.on_commit(new_version, using=connection.alias, robust=True)
