from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    """Full-text search of articles and annotations."""

    name = "newsroom.search"
    label = "search"

    def ready(self):
        post_migrate.connect(build_missing_index, sender=self)
        from articles.services.imports import articles_created_in_bulk, creating_articles_in_bulk
        from newsroom.search import caching, index

        connection_created.connect(caching.note_writes)
        creating_articles_in_bulk.connect(index.defer_article_indexing)
        articles_created_in_bulk.connect(index.index_articles_created)


def build_missing_index(using, **kwargs):
    """Build the index after `migrate` when it is not there: on a new database, and after a
    migration that rebuilt an indexed table (SQLite drops a table's triggers with it)."""
    from newsroom.search import index

    if not index.is_built():
        index.rebuild()
