"""Cached search results: a repeated search is served from the cache, never to a reader who may not
see them, and never after a write that changes them (the index's version, raised by triggers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Annotation, Article, Outlet, Story
from articles.services.annotations import update_annotation
from articles.services.moderation import hide
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Profile, Role
from tests.base import annotate, make_article, make_outlet, make_story
from tests.test_search import found, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(
        title="Harbour news",
        outlet=make_outlet(),
        story=make_story(),
        body="The memo was leaked at the gate.",
    )


def test_a_repeated_search_reads_only_the_version_and_the_readers_groups(client, alice, article):
    annotate(article, alice, "memo", note="A zeppelin.")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as first:
        assert found(client, "zeppelin", kind="annotations")
    with CaptureQueriesContext(connection) as again:
        assert found(client, "zeppelin", kind="annotations")
    searched = [query["sql"] for query in again.captured_queries if "search_" in query["sql"]]
    assert len(searched) == 1 and "search_version" in searched[0], searched
    assert len(again.captured_queries) < len(first.captured_queries)


# Each write that changes what a search shows, made after the same search was cached.
WRITES = {
    "new article": lambda article, alice, bob: make_article(body="Another zeppelin."),
    "article body": lambda article, alice, bob: Article.objects.filter(pk=article.pk).update(
        body="A zeppelin at the gate."
    ),
    "article title": lambda article, alice, bob: Article.objects.filter(pk=article.pk).update(
        title="Zeppelin news"
    ),
    "new annotation": lambda article, alice, bob: annotate(article, bob, "memo", note="Zeppelin!"),
    "note edited": lambda article, alice, bob: update_annotation(
        annotation=Annotation.objects.get(author=alice), tags=[], note="Zeppelin."
    ),
    "tag added": lambda article, alice, bob: update_annotation(
        annotation=Annotation.objects.get(author=alice), tags=["Zeppelin"], note=""
    ),
    "reply": lambda article, alice, bob: create_reply(
        annotation=Annotation.objects.get(author=alice), author=bob, note="A zeppelin."
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_that_adds_a_match_is_found_by_the_same_search_at_once(client, alice, bob, article, write):
    annotate(article, alice, "memo", note="Read this.")
    client.force_login(alice)
    before = {kind: found(client, "zeppelin", kind=kind) for kind in ("articles", "annotations")}
    write(article, alice, bob)
    after = {kind: found(client, "zeppelin", kind=kind) for kind in ("articles", "annotations")}
    assert after != before


def test_hiding_deleting_or_narrowing_an_annotation_drops_it_from_the_same_search(
    client, alice, bob, article
):
    team = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=team, user=bob, role=Role.MEMBER)
    note = annotate(article, alice, "memo", note="A zeppelin.")
    client.force_login(bob)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    hide(item=note, moderator=alice)
    assert found(client, "zeppelin", kind="annotations") == set()
    Annotation.objects.filter(pk=note.pk).update(hidden_at=None, visibility="private")
    assert found(client, "zeppelin", kind="annotations") == set()
    Annotation.objects.filter(pk=note.pk).update(visibility="public")
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    Annotation.objects.filter(pk=note.pk).update(deleted_at=note.created_at)
    assert found(client, "zeppelin", kind="annotations") == set()


def test_readers_never_share_results_that_one_may_not_see(client, alice, bob, article):
    private = annotate(article, alice, "memo", note="A zeppelin.", visibility="private")
    client.force_login(alice)
    assert found(client, "zeppelin", kind="annotations") == {private.pk}
    client.force_login(bob)
    assert found(client, "zeppelin", kind="annotations") == set()
    client.logout()
    assert found(client, "zeppelin", kind="annotations") == set()


def test_joining_or_leaving_a_group_changes_the_same_search_at_once(client, alice, bob, article):
    team = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=team, user=alice, role=Role.OWNER)
    shared = annotate(article, alice, "memo", note="A zeppelin.", visibility="group", group=team)
    client.force_login(bob)
    assert found(client, "zeppelin", kind="annotations") == set()
    membership = Membership.objects.create(group=team, user=bob, role=Role.MEMBER)
    assert found(client, "zeppelin", kind="annotations") == {shared.pk}
    membership.delete()
    assert found(client, "zeppelin", kind="annotations") == set()


@pytest.mark.parametrize(
    "rename",
    [
        lambda article, alice: Story.objects.filter(pk=article.story_id).update(title="Airship stories"),
        lambda article, alice: Outlet.objects.filter(pk=article.outlet_id).update(name="Airship Times"),
        lambda article, alice: Profile.objects.update_or_create(
            user=alice, defaults={"display_name": "Airship Alice"}
        ),
    ],
    ids=["story", "outlet", "author"],
)
def test_a_renamed_story_outlet_or_author_shows_in_the_same_search(client, alice, article, rename):
    annotate(article, alice, "memo", note="A zeppelin.")
    assert "Airship" not in search(client, "zeppelin", kind="annotations").text
    rename(article, alice)
    assert "Airship" in search(client, "zeppelin", kind="annotations").text
