"""Queries of the reader's pages, cold (nothing cached) and warm (the page cached), pinned: a page
that starts reading more fails here. And what the caches keep never reaches another reader."""

import pytest
from django.urls import reverse

from newsroom.accounts.models import Membership
from newsroom.accounts.services import create_group
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

BODY = "The council met on Monday.\n\nIt voted to close the library.\n\nResidents were not asked."


@pytest.fixture
def team(bob, alice):
    group = create_group(owner=bob, name="Desk")
    Membership.objects.create(group=group, user=alice)
    return group


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password="pw")


def article_in_layers(team, alice, bob, copies: int = 1):
    """An article of a story with, per copy, a public note, a group note and alice's private note,
    each with two tags, and a reply."""
    from articles.services.replies import create_reply

    story = make_story("Library")
    article = make_article(story=story, outlet=make_outlet(), body=BODY)
    make_article(story=story, outlet=make_outlet(), body=BODY)
    for copy in range(copies):
        public = annotate(article, bob, "The council met", tags=["council", f"t{copy}"], note="public")
        annotate(article, bob, "voted", tags=["vote", "desk"], note="group", visibility="group", group=team)
        annotate(article, alice, "Residents", tags=["mine"], note="private", visibility="private")
        create_reply(annotation=public, author=alice, note="a reply")
    return article


# The signed-in page, warm: the article's id, slug, timestamps and story (the cache key), session,
# user, the reader's groups. Cold, besides: the whole article, its annotations, their tags, the
# groups the reader moderates, the threads, the groups offered by the annotation form, the story's
# other articles and their count.
COLD_SIGNED_IN, WARM_SIGNED_IN = 11, 4


def test_a_group_members_article_page_cold_and_warm(client, alice, bob, team, django_assert_num_queries):
    article = article_in_layers(team, alice, bob)
    client.force_login(alice)
    with django_assert_num_queries(COLD_SIGNED_IN):
        cold = client.get(article.get_absolute_url())
    with django_assert_num_queries(WARM_SIGNED_IN):
        warm = client.get(article.get_absolute_url())
    for page in [cold.text, warm.text]:
        assert all(note in page for note in ["public", "group", "private", "a reply"])


def test_the_cold_page_reads_as_much_however_many_annotations(
    client, alice, bob, team, django_assert_num_queries
):
    article = article_in_layers(team, alice, bob, copies=10)
    client.force_login(alice)
    with django_assert_num_queries(COLD_SIGNED_IN):
        client.get(article.get_absolute_url())


def test_an_anonymous_readers_warm_page_reads_the_article_only(
    client, alice, bob, team, django_assert_num_queries
):
    article = article_in_layers(team, alice, bob)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(1):
        page = client.get(article.get_absolute_url())
    assert "public" in page.text and "private" not in page.text


def test_side_by_side_warm(client, alice, bob, team, django_assert_num_queries):
    article = article_in_layers(team, alice, bob)
    url = reverse("articles:compare", args=[article.story.slug])
    ids = list(article.story.articles.values_list("pk", flat=True))
    client.force_login(alice)
    client.get(url, {"a": ids})
    # Session, user, groups; the story, its picked articles and when its comparison was made (one query).
    with django_assert_num_queries(4):
        page = client.get(url, {"a": ids})
    assert "private" in page.text


@pytest.mark.parametrize("signed_in, queries", [(False, 0), (True, 3)])
def test_the_home_page_warm(client, alice, signed_in, queries, django_assert_num_queries):
    make_article(story=make_story("Library"), outlet=make_outlet(), body=BODY)
    if signed_in:
        client.force_login(alice)
    client.get(reverse("articles:home"))
    with django_assert_num_queries(queries):  # session, user, groups when signed in
        client.get(reverse("articles:home"))


@pytest.mark.parametrize("signed_in, queries", [(False, 1), (True, 4)])
def test_a_story_page_warm(client, alice, signed_in, queries, django_assert_num_queries):
    story = make_story("Library")
    make_article(story=story, outlet=make_outlet(), body=BODY)
    if signed_in:
        client.force_login(alice)
    client.get(story.get_absolute_url())
    with django_assert_num_queries(queries):  # the story's status, on every request
        client.get(story.get_absolute_url())


def test_no_reader_gets_anothers_cached_page(client, alice, bob, carol, team):
    article = article_in_layers(team, alice, bob)
    url = article.get_absolute_url()
    for reader, sees in [
        (alice, {"public", "group", "private"}),
        (bob, {"public", "group"}),
        (carol, {"public"}),
    ]:
        client.force_login(reader)
        for _ in range(2):  # rendered, then from the cache
            page = client.get(url).text
            assert {note for note in ["public", "group", "private"] if f"<p>{note}</p>" in page} == sees
            assert f">{reader.username}</a>" in page


def test_a_reader_who_leaves_the_group_no_longer_gets_its_notes_from_the_cache(client, alice, bob, team):
    article = article_in_layers(team, alice, bob)
    client.force_login(alice)
    assert "<p>group</p>" in client.get(article.get_absolute_url()).text
    Membership.objects.filter(user=alice).delete()
    assert "<p>group</p>" not in client.get(article.get_absolute_url()).text


def test_a_cached_page_shows_a_renamed_groups_new_name(client, alice, bob, team):
    article = article_in_layers(team, alice, bob)
    client.force_login(alice)
    client.get(article.get_absolute_url())
    team.name = "Metro desk"
    team.save()
    page = client.get(article.get_absolute_url()).text
    assert '<span class="audience">Metro desk</span>' in page  # the group note's audience
    assert ">Group: Metro desk</option>" in page  # the annotation form's menu
