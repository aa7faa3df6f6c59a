"""Search results kept in the cache (newsroom/search/caching.py): a repeated search ranks nothing
again, yet a write shows at the next search, and no reader is served another's results."""

import pickle

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Tag, TaggedAnnotation
from articles.services.annotations import update_annotation
from newsroom.accounts.models import Group, Membership
from newsroom.search import caching
from newsroom.search.queries import Filters
from newsroom.search.syntax import parse
from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db


def search_page(client, q, **params):
    response = client.get(reverse("search:results"), {"q": q, **params})
    assert response.status_code == 200
    return response


def index_queries(client, q, **params) -> int:
    """How many statements of the search page read the index."""
    with CaptureQueriesContext(connection) as queries:
        search_page(client, q, **params)
    return sum("search_" in query["sql"] for query in queries.captured_queries)


def test_a_repeated_search_reads_no_index(client):
    make_article(title="Zeppelin sighted", body="A zeppelin over the harbour.")
    assert index_queries(client, "zeppelin") > 0
    assert index_queries(client, "zeppelin") == 0
    assert index_queries(client, "zeppelin", page="2") > 0  # another page is another search
    assert index_queries(client, "harbour") > 0


@pytest.mark.parametrize("kind", ["articles", "annotations"])
def test_results_are_kept_without_the_articles_texts(alice, kind):
    """A long article found by many searches is not copied into each one's cache entry."""
    body = "A zeppelin over the harbour.\n\n" + "Filler of the long report. " * 300 + "Dirigible coda."
    article = make_article(body=body)
    annotate(article, alice, "zeppelin", note="Blimp!")
    query = parse("zeppelin")

    results = caching.cached_search(alice, query, Filters(), kind=kind, sort="relevance", page_number=1)

    assert len(results.page.object_list) == 1
    assert b"Dirigible coda" not in pickle.dumps(results)


def test_a_note_made_private_leaves_everyone_elses_results_at_once(client, alice):
    article = make_article(body="A zeppelin over the harbour.")
    note = annotate(article, alice, "zeppelin", note="Blimp!")
    assert "Blimp" in search_page(client, "blimp", kind="annotations").text

    update_annotation(annotation=note, tags=[], note=note.note, visibility="private")
    assert "Blimp" not in search_page(client, "blimp", kind="annotations").text


def test_readers_never_share_results(client, alice):
    article = make_article(body="A zeppelin over the harbour.")
    annotate(article, alice, "zeppelin", note="Blimp!", visibility="private")
    client.force_login(alice)
    assert "Blimp" in search_page(client, "blimp", kind="annotations").text
    client.logout()
    assert "Blimp" not in search_page(client, "blimp", kind="annotations").text


def test_a_member_removed_from_a_group_stops_finding_its_notes_even_where_the_write_went_unseen(
    client, alice, bob, monkeypatch
):
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice)
    membership = Membership.objects.create(group=group, user=bob)
    article = make_article(body="A zeppelin over the harbour.")
    annotate(article, alice, "zeppelin", note="Blimp!", visibility="group", group=group)
    client.force_login(bob)
    assert "Blimp" in search_page(client, "blimp", kind="annotations").text

    monkeypatch.setattr(caching, "new_version", lambda: None)  # as in a process that did not write it
    membership.delete()

    assert "Blimp" not in search_page(client, "blimp", kind="annotations").text


def test_results_are_kept_briefly_where_each_process_has_its_own_cache(settings):
    assert caching.results_seconds() == caching.LOCAL_RESULTS_SECONDS < caching.RESULTS_SECONDS
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://nowhere"}}
    assert caching.results_seconds() == caching.RESULTS_SECONDS


def test_a_write_replaces_the_version_again_when_it_commits(
    django_user_model, django_capture_on_commit_callbacks
):
    before = caching._version()
    with django_capture_on_commit_callbacks() as callbacks:
        article = make_article(body="Another zeppelin.")
        annotate(article, django_user_model.objects.create_user("carol"), "zeppelin")
    assert caching._version() != before
    assert callbacks.count(caching.new_version) == 1  # once for the whole transaction
    during = caching._version()
    callbacks[0]()
    assert caching._version() != during


def test_writes_to_what_search_does_not_show_keep_the_version():
    before = caching._version()
    SessionStore().create()
    assert caching._version() == before


@pytest.mark.parametrize(
    "statement",
    ["update articles_annotation set note = note where 1 = 0", "DELETE FROM search_annotation WHERE 1 = 0"],
)
def test_any_write_naming_a_shown_table_replaces_the_version(statement):
    before = caching._version()
    with connection.cursor() as cursor:
        cursor.execute(statement)
    assert caching._version() != before


def test_tag_links_written_ignoring_conflicts_replace_the_version(alice):
    note = annotate(make_article(body="A zeppelin over the harbour."), alice, "zeppelin")
    tag = Tag.objects.create(name="framing")
    before = caching._version()
    # INSERT OR IGNORE on SQLite, INSERT ... ON CONFLICT on PostgreSQL, as set_tags() writes them.
    TaggedAnnotation.objects.bulk_create(
        [TaggedAnnotation(content_object=note, tag=tag)], ignore_conflicts=True
    )
    assert caching._version() != before


def test_a_cache_that_does_not_answer_fails_no_write(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caching.cache, "set", down)
    article = make_article(body="A zeppelin over the harbour.")  # a write the wrapper sees
    assert Article.objects.filter(pk=article.pk).exists()
    assert "The search version could not be replaced." in caplog.text


@pytest.mark.parametrize("page", ["²", "١", "2" * 50, "-1", "x"])
def test_any_page_number_answers(client, page):
    make_article(title="Zeppelin sighted", body="A zeppelin over the harbour.")
    assert "Zeppelin" in search_page(client, "zeppelin", page=page).text
