"""The admin's lists at scale: no long text columns read for a list, no filter listing every tag."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin import MostUsedTags
from articles.services.moderation import flag_annotation
from articles.services.replies import create_reply
from tests.base import annotate, make_article, make_outlet

pytestmark = pytest.mark.django_db

LONG_COLUMNS = [
    '"articles_article"."body"',
    '"articles_annotation"."note_html"',
    '"articles_annotation"."prefix"',
    '"articles_reply"."note_html"',
]


@pytest.fixture
def discussed(client, bob):
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(editor)
    annotation = annotate(make_article(outlet=make_outlet("Daily")), bob, "First", note="Who says?")
    return create_reply(annotation=annotation, author=bob, note="A source, please."), flag_annotation(
        annotation=annotation, user=editor, reason="Unsourced."
    )


@pytest.mark.parametrize("name, shown", [("reply", "A source, please."), ("flag", "Unsourced.")])
def test_the_list_reads_no_long_text(client, discussed, name, shown):
    with CaptureQueriesContext(connection) as listing:
        response = client.get(reverse(f"admin:articles_{name}_changelist"))
    assert response.status_code == 200 and shown in response.text
    assert "First" in response.text  # the annotation's quote
    selected = " ".join(query["sql"].split(" FROM ")[0] for query in listing.captured_queries)
    assert f'"articles_{name}"."id"' in selected
    assert [column for column in LONG_COLUMNS if column in selected] == []


def test_the_annotation_list_filters_by_the_most_used_tags_and_any_other_by_slug(client, bob, monkeypatch):
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(editor)
    article = make_article(outlet=make_outlet("Daily"), body="One two three four five.")
    annotate(article, bob, "One", ["common"])
    annotate(article, bob, "two", ["common"])
    rare = annotate(article, bob, "three", ["rare"])
    monkeypatch.setattr(MostUsedTags, "shown", 1)
    listing = client.get(reverse("admin:articles_annotation_changelist"))
    assert "?tag=common" in listing.text and "?tag=rare" not in listing.text
    filtered = client.get(reverse("admin:articles_annotation_changelist"), {"tag": "rare"})
    assert list(filtered.context["cl"].result_list) == [rare]
    assert "?tag=rare" in filtered.text  # the chosen one is listed, to be seen and undone
