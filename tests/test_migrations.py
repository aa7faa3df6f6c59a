from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import models


def test_it_has_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_it_moves_taggit_tags_to_our_own_merging_case_variants():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0005_coverage")])
    old = executor.loader.project_state([("articles", "0005_coverage")]).apps
    user = old.get_model("auth", "User").objects.create(username="alice")
    outlet = old.get_model("articles", "Outlet").objects.create(name="Daily", slug="daily")
    article = old.get_model("articles", "Article").objects.create(
        outlet=outlet, title="T", slug="t", body="One two three.", content_hash="h"
    )
    Annotation = old.get_model("articles", "Annotation")
    first, second = (
        Annotation.objects.create(article=article, author=user, start=0, end=3, exact="One"),
        Annotation.objects.create(article=article, author=user, start=4, end=7, exact="two"),
    )
    OldTag, Tagged = old.get_model("taggit", "Tag"), old.get_model("articles", "TaggedAnnotation")
    # What SQLite let in before: two case variants as two tags, a slug that no URL can carry.
    for annotation, name, slug in [(first, "Élan", "élan"), (first, "élan", "élan_1"), (second, "🙂", "")]:
        Tagged.objects.create(content_object=annotation, tag=OldTag.objects.create(name=name, slug=slug))

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    tags = {
        annotation.pk: list(annotation.tags.values_list("name", "slug"))
        for annotation in models.Annotation.objects.all()
    }
    assert tags == {first.pk: [("Élan", "élan")], second.pk: [("🙂", "slightly-smiling-face")]}

    # And back: every annotation keeps its (merged) tags as taggit tags.
    executor.loader.build_graph()
    executor.migrate([("articles", "0005_coverage")])
    Tagged = executor.loader.project_state([("articles", "0005_coverage")]).apps.get_model(
        "articles", "TaggedAnnotation"
    )
    rows = sorted(Tagged.objects.values_list("content_object", "tag__name"))
    assert rows == [(first.pk, "Élan"), (second.pk, "🙂")]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
