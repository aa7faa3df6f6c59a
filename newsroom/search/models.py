"""The index's tables, as Django sees them: only to join articles and annotations to their entries.

Their columns differ by database and their rows are written by triggers (backends.py), so Django
neither creates nor writes them."""

from django.db import models

from articles.models import Annotation, Article
from newsroom.search.backends import ANNOTATION_TABLE, ARTICLE_TABLE


class ArticleEntry(models.Model):
    article = models.OneToOneField(
        Article, models.DO_NOTHING, primary_key=True, db_column="rowid", related_name="search_entry"
    )

    class Meta:
        managed = False
        db_table = ARTICLE_TABLE

    def __str__(self):
        return f"Search entry of article {self.pk}"


class AnnotationEntry(models.Model):
    annotation = models.OneToOneField(
        Annotation, models.DO_NOTHING, primary_key=True, db_column="rowid", related_name="search_entry"
    )

    class Meta:
        managed = False
        db_table = ANNOTATION_TABLE

    def __str__(self):
        return f"Search entry of annotation {self.pk}"
