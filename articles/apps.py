from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import signals  # noqa: F401 connects its receivers
        from articles.models import tag_counts

        post_migrate.connect(
            tag_counts.rebuild_missing_triggers, sender=self, dispatch_uid="articles.tag_counts"
        )
