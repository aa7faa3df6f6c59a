from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.models import tag_counts
        from articles.services.annotations import touch_articles_of_author
        from newsroom.accounts.models import Profile

        post_migrate.connect(
            tag_counts.rebuild_missing_triggers, sender=self, dispatch_uid="articles.tag_counts"
        )
        post_save.connect(touch_articles_of_author, sender=Profile, dispatch_uid="articles.display_names")
