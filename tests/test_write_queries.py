"""The SQL statements of the write paths, pinned: creating an annotation with two tags and a note,
editing and deleting it, through the API and the edit pages, and a reply's writes, each in at most
8 statements (issue 14), counted over the whole request: session, user, the write and what the
answer reads.

Savepoints are left out of the count: in a test everything runs inside the test's transaction, so
the service's own transaction becomes a savepoint here, and it is a plain BEGIN/COMMIT (which
Django does not log as queries) when served.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Annotation, Tag
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article, passage, post_annotation

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."
MAX_STATEMENTS = 8


def statements(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def signed_in(alice):
    client = Client()
    client.force_login(alice)
    client.get("/")  # the session's first request is behind it, as for a reader who has the page
    return client


@pytest.fixture
def article():
    article = make_article(body=BODY)
    for name in ["framing", "sourcing", "context"]:  # tags in use already, as on a live site
        Tag.objects.create(name=name)
    return article


def test_creating_with_two_tags_and_a_note_through_the_api(signed_in, article, alice):
    with CaptureQueriesContext(connection) as queries:
        response = post_annotation(
            signed_in, article, **passage(article, "letter"), tags="framing,Sourcing", note="A *note*"
        )
    assert response.status_code == 201, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    annotation = Annotation.objects.get()
    assert sorted(annotation.tags.names()) == ["framing", "sourcing"]
    assert (annotation.author, annotation.note_html) == (alice, "<p>A <em>note</em></p>")
    article.refresh_from_db()
    assert article.annotations_changed_at is not None  # the cached highlights go stale


def test_creating_with_new_tags_makes_them_once(signed_in, article):
    response = post_annotation(signed_in, article, **passage(article, "letter"), tags="Élan,élan,novel")
    assert response.status_code == 201, response.content
    assert sorted(Annotation.objects.get().tags.names()) == ["novel", "Élan"]
    assert Tag.objects.filter(key="élan").count() == 1


def test_creating_for_a_group(signed_in, article, alice):
    group = Group.objects.create(name="Class", slug="class")
    Membership.objects.create(group=group, user=alice, role=Role.MEMBER)
    with CaptureQueriesContext(connection) as queries:
        response = post_annotation(
            signed_in,
            article,
            **passage(article, "letter"),
            tags="framing,sourcing",
            note="n",
            visibility="group",
            group="class",
        )
    assert response.status_code == 201, response.content
    # The author's memberships are read, to check the group: one more.
    assert len(statements(queries)) <= MAX_STATEMENTS + 1, "\n".join(statements(queries))
    assert Annotation.objects.get().group == group


def test_editing_on_the_edit_page(signed_in, article, alice):
    annotation = annotate(article, alice, "contract", tags=["framing"], note="first")
    url = reverse("articles:annotation_update", args=[annotation.pk])
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(url, {"tags": "framing, context", "note": "second", "version": 1})
    assert response.status_code == 302, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("second", 2)
    assert annotation.edited_at is not None
    assert sorted(annotation.tags.names()) == ["context", "framing"]


def test_an_edit_that_swaps_a_tag(signed_in, article, alice):
    """It deletes the link it drops and inserts the one it adds; the annotation's tags and the new
    one are read together."""
    annotation = annotate(article, alice, "contract", tags=["framing", "sourcing"], note="first")
    url = reverse("articles:annotation_update", args=[annotation.pk])
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(url, {"tags": "framing, context", "note": "first", "version": 1})
    assert response.status_code == 302, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    assert sorted(annotation.tags.names()) == ["context", "framing"]


def test_an_edit_that_changes_nothing_writes_nothing(signed_in, article, alice):
    annotation = annotate(article, alice, "contract", tags=["framing"], note="first")
    url = reverse("articles:annotation_update", args=[annotation.pk])
    response = signed_in.post(url, {"tags": "Framing", "note": "first", "version": 1})
    assert response.status_code == 302, response.content
    annotation.refresh_from_db()
    assert (annotation.version, annotation.edited_at) == (1, None)


def test_editing_through_the_api_replaces_the_tags(signed_in, article, alice):
    annotation = annotate(article, alice, "contract", tags=["framing", "context"], note="first")
    url = reverse("api:annotation_replace", args=[annotation.pk])
    body = {
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "value": "second", "purpose": "commenting"},
            {"type": "TextualBody", "value": "sourcing", "purpose": "tagging"},
            {"type": "TextualBody", "value": "framing", "purpose": "tagging"},
        ],
    }
    response = signed_in.put(
        url, body, content_type="application/json", headers={"If-Match": f'"annotation-{annotation.pk}-v1"'}
    )
    assert response.status_code == 200, response.content
    annotation.refresh_from_db()
    assert sorted(annotation.tags.names()) == ["framing", "sourcing"]
    assert annotation.version == 2
    assert response["ETag"] == signed_in.get(url)["ETag"]  # the answer's version is the stored one


def test_deleting_on_the_delete_page(signed_in, article, alice):
    annotation = annotate(article, alice, "contract", tags=["framing", "sourcing"], note="n")
    url = reverse("articles:annotation_delete", args=[annotation.pk])
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(url)
    assert response.status_code == 302
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    annotation.refresh_from_db()
    assert annotation.deleted_at is not None


def test_deleting_through_the_api(signed_in, article, alice):
    annotation = annotate(article, alice, "contract", tags=["framing", "sourcing"], note="n")
    url = reverse("api:annotation_delete", args=[annotation.pk])
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.delete(url)
    assert response.status_code == 204
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))


def test_the_memberships_a_request_read_decide_a_group_write(article, alice, bob):
    """The service answers from the memberships the form read: her own group passes without a
    query, a group she is not in is still refused."""
    from articles.services.annotations import AnnotationError, create_annotation
    from newsroom.accounts.models import memberships_of

    mine, theirs = Group.objects.create(name="Mine", slug="mine"), Group.objects.create(name="B", slug="b")
    Membership.objects.create(group=mine, user=alice, role=Role.MEMBER)
    Membership.objects.create(group=theirs, user=bob, role=Role.MEMBER)
    memberships_of(alice)  # as the form does
    shared = {"visibility": "group", "tags": [], "note": "", **passage(article, "letter")}
    with CaptureQueriesContext(connection) as queries:
        create_annotation(article=article, author=alice, group=mine, **shared)
    assert not any("accounts_membership" in query["sql"] for query in queries.captured_queries)
    with pytest.raises(AnnotationError):
        create_annotation(article=article, author=alice, group=theirs, **shared)
    assert Annotation.objects.filter(group=theirs).count() == 0


def test_replying_editing_and_deleting_a_reply(signed_in, article, alice, bob):
    """A reply's writes, on its pages: the same budget."""
    annotation = annotate(article, bob, "contract", tags=["framing"], note="first")
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(
            reverse("articles:reply_create", args=[annotation.pk]), {"note": "I *agree*"}
        )
    assert response.status_code == 302, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    reply = annotation.replies.get()
    assert (reply.author, reply.note_html) == (alice, "<p>I <em>agree</em></p>")

    url = reverse("articles:reply_update", args=[reply.pk])
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(url, {"note": "I agree, mostly", "version": 1})
    assert response.status_code == 302, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    reply.refresh_from_db()
    assert (reply.note, reply.version) == ("I agree, mostly", 2)

    with CaptureQueriesContext(connection) as queries:
        response = signed_in.post(reverse("articles:reply_delete", args=[reply.pk]))
    assert response.status_code == 302, response.content
    assert len(statements(queries)) <= MAX_STATEMENTS, "\n".join(statements(queries))
    reply.refresh_from_db()
    assert reply.deleted_at is not None
