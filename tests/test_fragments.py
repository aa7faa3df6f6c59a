"""One article's fragments (highlighted text, annotation list), as the page that asks shows them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Story
from articles.services.annotations import delete_annotation
from tests.base import FIXTURES, annotate, make_article

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


def fragments(client, article, etag=None, **params):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("articles:article_fragments", args=[article.pk]), params, headers=headers)


def test_it_answers_the_text_and_the_list_with_an_etag_then_304_until_a_write(client, alice):
    article = make_article(body=BODY)
    first = annotate(article, alice, "The letter")
    client.force_login(alice)

    response = fragments(client, article)
    assert response.status_code == 200 and response["ETag"]
    data = response.json()
    assert f'id="hl-{first.pk}"' in data["text"] and f'id="annotation-{first.pk}"' in data["annotations"]

    again = fragments(client, article, etag=response["ETag"])
    assert again.status_code == 304 and again.content == b""

    second = annotate(article, alice, "Nadella")
    changed = fragments(client, article, etag=response["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]
    assert f'id="hl-{second.pk}"' in changed.json()["text"]
    delete_annotation(second)
    assert f'id="hl-{second.pk}"' not in fragments(client, article).json()["text"]


def test_it_keeps_the_pages_tag_filter_and_its_links_back(client, alice):
    article = make_article(body=BODY)
    quote, claim = (
        annotate(article, alice, "The letter", ["quote"]),
        annotate(article, alice, "Nadella", ["claim"]),
    )
    client.force_login(alice)

    text = fragments(client, article, tag="quote").json()
    assert f'id="hl-{quote.pk}"' in text["text"] and f'id="hl-{claim.pk}"' not in text["text"]
    assert f"?next=%2Farticles%2F{article.pk}%2F{article.slug}%2F%3Ftag%3Dquote" in text["annotations"]


def test_it_differs_for_each_reader(client, alice, bob):
    article = make_article(body=BODY)
    annotate(article, alice, "The letter")
    anonymous = fragments(client, article)
    client.force_login(alice)
    mine = fragments(client, article)
    assert anonymous["ETag"] != mine["ETag"]
    assert ">Edit</a>" in mine.json()["annotations"] and ">Edit</a>" not in anonymous.json()["annotations"]


def test_it_marks_the_passages_a_column_shares_with_the_other_columns(client):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    passage = story.comparison.record.passages[0]
    first, second = [occurrence.article for occurrence in passage.occurrences[:2]]
    article = story.articles.get(pk=second)

    column = fragments(client, article, columns=[first, second]).json()
    alone = fragments(client, article).json()

    assert f'id="shared-{second}-{passage.id}"' in column["text"]
    assert "js-shared-marker" not in alone["text"]
    compare = reverse("articles:compare", args=[story.slug])
    page = client.get(compare, {"a": [first, second]}).text
    url = reverse("articles:article_fragments", args=[second])
    assert f'data-fragments-url="{url}?columns={first}&amp;columns={second}"' in page


@pytest.mark.parametrize("columns", [["1"], ["x", "2"], ["999", "998"], ["1", "1", "1", "1", "1", "1"]])
def test_it_refuses_columns_that_are_no_side_by_side_view_of_the_article(client, columns):
    article = make_article(body=BODY)
    response = fragments(client, article, columns=columns)
    assert response.status_code == 400 and "side-by-side" in response.json()["error"]


def test_it_answers_404_for_an_unknown_article(client):
    assert client.get(reverse("articles:article_fragments", args=[999999])).status_code == 404


def test_it_answers_304_when_only_what_the_reader_may_not_see_changed(client, alice, bob):
    article = make_article(body=BODY)
    annotate(article, alice, "The letter")
    client.force_login(bob)
    etag = fragments(client, article)["ETag"]

    annotate(article, alice, "Nadella", visibility="private")
    assert fragments(client, article, etag=etag).status_code == 304

    annotate(article, alice, "protested")
    changed = fragments(client, article, etag=etag)
    assert changed.status_code == 200 and "protested</mark>" in changed.json()["text"]


def test_a_member_who_leaves_the_group_no_longer_gets_its_notes_from_any_cache(client, alice, bob):
    from newsroom.accounts.models import Group, Membership, Role

    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    membership = Membership.objects.create(group=group, user=bob)
    article = make_article(body=BODY)
    shared = annotate(article, alice, "The letter", visibility="group", group=group)
    client.force_login(bob)
    seen = fragments(client, article)
    assert f'id="hl-{shared.pk}"' in seen.json()["text"]
    assert f'id="hl-{shared.pk}"' in client.get(article.get_absolute_url()).text

    membership.delete()

    after = fragments(client, article)  # a poll may still hear "unchanged" for two seconds (below)
    assert f'id="hl-{shared.pk}"' not in after.json()["text"]
    assert f'id="hl-{shared.pk}"' not in client.get(article.get_absolute_url()).text


def test_a_poll_with_nothing_new_is_answered_without_a_query(client, alice, django_assert_num_queries):
    article = make_article(body=BODY)
    annotate(article, alice, "The letter")
    client.force_login(alice)
    etag = fragments(client, article)["ETag"]

    with django_assert_num_queries(0):
        assert fragments(client, article, etag=etag).status_code == 304
    annotate(article, alice, "Nadella")
    changed = fragments(client, article, etag=etag)
    assert changed.status_code == 200 and "Nadella</mark>" in changed.json()["text"]


def test_nobody_learns_from_a_304_whether_anothers_view_changed(alice, bob):
    from django.test import Client

    article = make_article(body=BODY)
    annotate(article, alice, "The letter", visibility="private")
    alices, bobs = Client(), Client()
    alices.force_login(alice)
    bobs.force_login(bob)
    alices_etag = fragments(alices, article)["ETag"]
    answer = fragments(bobs, article, etag=alices_etag)
    assert answer.status_code == 200 and "The letter</mark>" not in answer.json()["text"]


def test_a_quick_poll_sees_a_change_of_groups_within_seconds(client, alice, bob):
    from django.core.cache import cache

    from newsroom.accounts.models import Group, Membership, Role

    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    membership = Membership.objects.create(group=group, user=bob)
    article = make_article(body=BODY)
    shared = annotate(article, alice, "The letter", visibility="group", group=group)
    client.force_login(bob)
    etag = fragments(client, article)["ETag"]

    membership.delete()
    cache.delete(f"roles:{bob.pk}")  # two seconds later: the cached roles have expired
    after = fragments(client, article, etag=etag)
    assert after.status_code == 200 and f'id="hl-{shared.pk}"' not in after.json()["text"]
