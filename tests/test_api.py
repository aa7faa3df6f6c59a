"""The JSON API (newsroom/api) through its URLs: every route, every status it answers, with a
browser's session (and its CSRF token on writes) and with a personal token.

Annotations are W3C Web Annotations (JSON-LD); errors are {"error": ..., "field": ...}. What the
client may not decide (author, creation time, ids, a reply's audience) comes from the server.
Who may do what, route by route and persona by persona, is tested in test_permission_matrix.
"""

import codecs
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.models import Annotation
from articles.models.annotations import Flag, Reply
from articles.services.annotations import set_annotation_tags
from articles.services.articles import update_article_text
from articles.services.coverage import compare_story
from articles.services.moderation import hide
from articles.services.replies import create_reply, delete_reply
from newsroom.accounts.models import Group, Membership, Profile, Role
from newsroom.accounts.services import create_api_token, revoke_api_token
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

ANNO = "http://www.w3.org/ns/anno.jsonld"
LD = f'application/ld+json; profile="{ANNO}"'
BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered the letter."
LETTER = BODY.index("letter")  # its first occurrence: "The letter said"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AUTHS = ["session", "token"]


# Who calls, and how.


def token_for(user) -> str:
    return create_api_token(user=user, name="tests")[1]


def client_as(user, auth: str, **options) -> Client:
    """A client signed in as the user by a session cookie or by a personal token."""
    if auth == "token":
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"}, **options)
    client = Client(**options)
    client.force_login(user)
    return client


def call(client, method, url, body=None, *, content_type="application/json", **headers):
    """One request: a dict or list body is sent as JSON, bytes and str as they are."""
    data = json.dumps(body) if isinstance(body, dict | list) else body
    return client.generic(method, url, data or b"", content_type=content_type, headers=headers)


def error_of(response, status: int, field: str | None = None) -> str:
    """The error's message, once its status, its JSON shape and its field (if given) are checked."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()
    assert set(error) <= {"error", "field", "current_etag"} and error["error"]
    if field is not None:
        assert error.get("field") == field, error
    return error["error"]


# What is annotated, by whom.


@pytest.fixture(params=AUTHS)
def auth(request):
    return request.param


@pytest.fixture
def article():
    return make_article(body=BODY, source_url="https://example.org/letter")


@pytest.fixture
def team(alice, django_user_model):
    """alice's group; mo moderates it."""
    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice)
    mo = django_user_model.objects.create_user("mo", password="pw")
    Membership.objects.create(group=group, user=mo, role=Role.MODERATOR)
    return group


@pytest.fixture
def as_alice(alice, auth):
    return client_as(alice, auth)


@pytest.fixture
def as_bob(bob, auth):
    return client_as(bob, auth)


def payload(*selectors, note="A note", tags=(), **fields) -> dict:
    """A W3C annotation as a script writes it, on the passage its selectors point at."""
    body = [{"type": "TextualBody", "value": note, "purpose": "commenting"}] if note else []
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]
    selectors = selectors or (quote("letter", prefix="The "),)
    target = {"selector": list(selectors)}
    return {"@context": ANNO, "type": "Annotation", "body": body, "target": target} | fields


def quote(exact, prefix="", suffix="") -> dict:
    return {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}


def position(start, end) -> dict:
    return {"type": "TextPositionSelector", "start": start, "end": end}


def container_of(article) -> str:
    return reverse("api:container", args=[article.pk])


def url_of(annotation) -> str:
    return reverse("api:annotation", args=[annotation.pk])


def create(client, article, data=None, **headers):
    return call(client, "POST", container_of(article), data or payload(), **headers)


def replace(client, annotation, data, *, version=None, **headers):
    if_match = f'"annotation-{annotation.pk}-v{version or annotation.version}"'
    return call(client, "PUT", url_of(annotation), data, **({"If-Match": if_match} | headers))


def pk_of(document: dict) -> int:
    return int(document["id"].rstrip("/").rsplit("/", 1)[1])


# Who calls: a session, a token, nobody.


def test_anonymous_readers_read_public_annotations_and_may_not_write(client, alice, article):
    annotation = annotate(article, alice, "letter", note="Public")
    assert client.get(url_of(annotation)).status_code == 200
    assert client.get(container_of(article) + "?page=0").json()["items"][0]["id"].endswith(url_of(annotation))
    writes = [
        ("POST", container_of(article), payload()),
        ("PUT", url_of(annotation), payload()),
        ("DELETE", url_of(annotation), None),
        ("POST", reverse("api:reply_create", args=[annotation.pk]), {"body": {"value": "Hi"}}),
        ("POST", reverse("api:annotation_flag", args=[annotation.pk]), {"reason": "Spam"}),
        ("POST", reverse("api:annotation_hide", args=[annotation.pk]), None),
    ]
    for method, url, body in writes:
        response = call(client, method, url, body)
        error_of(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert Annotation.objects.get(pk=annotation.pk).note == "Public"
    assert Annotation.objects.count() == 1 and not Reply.objects.exists() and not Flag.objects.exists()


def test_a_client_without_credentials_is_told_to_sign_in_not_about_csrf(article):
    response = create(Client(enforce_csrf_checks=True), article)
    error_of(response, 401)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer nrt_not-a-token", "Bearer ", "Bearer", "Token nrt_abc", "Basic YWxpY2U6cHc="],
)
def test_a_wrong_token_is_refused_even_for_a_read_never_taken_for_anonymous(alice, article, authorization):
    annotation = annotate(article, alice, "letter", note="Public")
    client = Client(headers={"Authorization": authorization})
    error_of(client.get(url_of(annotation)), 401)
    error_of(create(client, article), 401)


def test_a_revoked_token_is_refused(alice, article):
    token, secret = create_api_token(user=alice, name="script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert create(client, article).status_code == 201
    revoke_api_token(token=token)
    error_of(create(client, article), 401)
    error_of(client.get(container_of(article)), 401)
    assert Annotation.objects.count() == 1


def test_the_token_of_an_inactive_user_is_refused(alice, article):
    client = client_as(alice, "token")
    alice.is_active = False
    alice.save()
    error_of(create(client, article), 401)


def test_a_token_reads_what_its_user_may_read(alice, bob, article):
    private = annotate(article, alice, "letter", note="Mine", visibility="private")
    assert client_as(alice, "token").get(url_of(private)).status_code == 200
    error_of(client_as(bob, "token").get(url_of(private)), 404)
    error_of(Client().get(url_of(private)), 404)


def test_session_writes_need_the_csrf_token_and_token_writes_do_not(alice, article):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert "CSRF" in error_of(create(browser, article), 403)
    browser.get(reverse("api:container", args=[article.pk]))  # any page, to be given the cookie
    browser.get(article.get_absolute_url())
    csrf = browser.cookies["csrftoken"].value
    assert create(browser, article, **{"X-CSRFToken": csrf}).status_code == 201

    script = client_as(alice, "token", enforce_csrf_checks=True)
    assert create(script, article).status_code == 201
    assert Annotation.objects.filter(author=alice).count() == 2


def test_session_reads_need_no_csrf_token(alice, article):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    private = annotate(article, alice, "letter", note="Mine", visibility="private")
    assert browser.get(url_of(private)).status_code == 200


# What an annotation looks like.


def test_an_annotation_is_a_w3c_web_annotation(as_alice, alice, article, team):
    Profile.objects.create(user=alice, display_name="Alice Liddell")
    data = payload(note="**Who** wrote it?", tags=["labor", "letters"])
    data |= {"visibility": "group", "group": "http://testserver/groups/team/"}
    response = create(as_alice, article, data)
    assert response.status_code == 201
    assert response["Content-Type"] == LD
    document = response.json()
    pk = pk_of(document)
    assert response["Location"] == document["id"] == f"http://testserver/api/annotations/{pk}"
    assert response["ETag"] == f'"annotation-{pk}-v1"'

    assert document["@context"] == [ANNO, "http://testserver" + reverse("api:context")]
    assert (document["type"], document["motivation"]) == ("Annotation", "commenting")
    assert document["body"] == [
        {
            "type": "TextualBody",
            "value": "**Who** wrote it?",
            "format": "text/markdown",
            "purpose": "commenting",
        },
        {"type": "TextualBody", "value": "labor", "purpose": "tagging"},
        {"type": "TextualBody", "value": "letters", "purpose": "tagging"},
    ]
    assert document["target"] == {
        "source": "https://example.org/letter",
        "scope": "http://testserver" + article.get_absolute_url(),
        "selector": [
            {"type": "TextPositionSelector", "start": LETTER, "end": LETTER + 6},
            {"type": "TextQuoteSelector", "exact": "letter", "prefix": BODY[:LETTER][-32:], "suffix": ANY},
        ],
    }
    assert document["creator"] == {
        "id": "http://testserver" + reverse("articles:person_detail", args=["alice"]),
        "type": "Person",
        "name": "Alice Liddell",
        "nickname": "alice",
    }
    assert TIMESTAMP.match(document["created"]) and document["modified"] == document["created"]
    assert (document["visibility"], document["group"]) == (
        "group",
        "http://testserver" + team.get_absolute_url(),
    )
    assert as_alice.get(document["id"]).json() == document


class _Any:
    def __eq__(self, other):
        return isinstance(other, str)


ANY = _Any()  # any string: the quote's context is the anchoring's to choose


@pytest.mark.parametrize(
    "note, tags, motivation",
    [("", ["labor"], "tagging"), ("", [], "highlighting"), ("Why?", [], "commenting")],
)
def test_the_motivation_says_what_the_annotation_does(as_alice, article, note, tags, motivation):
    document = create(as_alice, article, payload(note=note, tags=tags)).json()
    assert document["motivation"] == motivation
    assert [body["purpose"] for body in document.get("body", [])] == ["commenting"] * bool(note) + [
        "tagging"
    ] * len(tags)


def test_the_context_defines_our_own_terms(client):
    response = client.get(reverse("api:context"))
    assert response.status_code == 200
    terms = response.json()["@context"]
    assert set(terms) == {"visibility", "group", "hidden", "deleted"}
    assert terms["group"]["@type"] == "@id"


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("", LD),
        ("*/*", LD),
        ("application/ld+json", LD),
        (f"application/ld+json; profile={ANNO}", LD),
        ("application/json", "application/json"),
        ("application/json, application/ld+json;q=0.9", LD),
    ],
)
def test_json_ld_unless_plain_json_is_asked_for(client, alice, article, accept, media_type):
    annotation = annotate(article, alice, "letter", note="Public")
    headers = {"Accept": accept} if accept else {}
    for url in [url_of(annotation), container_of(article), container_of(article) + "?page=0"]:
        response = client.get(url, headers=headers)
        assert response["Content-Type"] == media_type
        assert "Accept" in response["Vary"]
        assert response.json()["@context"]


def test_an_etag_answers_304_until_the_thing_changes(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Before")
    first = as_alice.get(url_of(annotation))
    etag = first["ETag"]
    assert etag == f'"annotation-{annotation.pk}-v1"'
    unchanged = as_alice.get(url_of(annotation), headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert replace(as_alice, annotation, payload(note="After")).status_code == 200
    changed = as_alice.get(url_of(annotation), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] == f'"annotation-{annotation.pk}-v2"'


def test_a_container_page_answers_304_until_its_annotations_change(as_alice, alice, article):
    url = container_of(article) + "?page=0"
    etag = as_alice.get(url)["ETag"]
    assert as_alice.get(url, headers={"If-None-Match": etag}).status_code == 304
    annotate(article, alice, "letter", note="New")
    again = as_alice.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and len(again.json()["items"]) == 1


# The container, in pages.


def test_the_container_pages_what_the_reader_may_see_in_text_order(alice, bob, article, team):
    for _ in range(101):
        annotate(article, alice, "letter", note="Public")
    annotate(article, alice, "Microsoft", note="Group", visibility="group", group=team)
    annotate(article, bob, "Nadella", note="Bob's own", visibility="private")
    client = client_as(alice, "token")
    url = "http://testserver" + container_of(article)

    collection = client.get(container_of(article)).json()
    assert collection["type"] == ["BasicContainer", "AnnotationCollection"]
    assert (collection["total"], collection["first"], collection["last"]) == (
        102,
        f"{url}?page=0",
        f"{url}?page=1",
    )
    first = client.get(collection["first"]).json()
    assert (first["type"], first["startIndex"], first["next"], len(first["items"])) == (
        "AnnotationPage",
        0,
        f"{url}?page=1",
        100,
    )
    assert first["partOf"] == {"id": url, "total": 102} and "prev" not in first
    assert first["items"][0]["body"][0]["value"] == "Group"  # "Microsoft" comes first in the text
    last = client.get(collection["last"]).json()
    assert (last["startIndex"], last["prev"], len(last["items"])) == (100, f"{url}?page=0", 2)
    assert "Bob's own" not in json.dumps(first) + json.dumps(last)
    assert Client().get(container_of(article)).json()["total"] == 101  # anonymous: public ones


@pytest.mark.parametrize(
    "page, status", [("2", 404), ("-1", 404), ("99999999999999999999", 404), ("x", 400), ("1.5", 400)]
)
def test_a_page_that_does_not_exist(client, alice, article, page, status):
    annotate(article, alice, "letter")
    error_of(client.get(container_of(article), {"page": page}), status, "page")


def test_an_article_that_does_not_exist_has_no_container(client, as_alice):
    error_of(client.get(reverse("api:container", args=[999999])), 404)
    error_of(call(as_alice, "POST", reverse("api:annotation_create", args=[999999]), payload()), 404)


# Creating by selectors.


@pytest.mark.parametrize(
    "selectors",
    [
        [quote("letter", prefix="The ", suffix=" said")],
        [quote("letter", prefix="The ")],
        [position(LETTER, LETTER + 6)],
        [position(LETTER, LETTER + 6), quote("letter")],
        [position(LETTER - 1, LETTER + 7)],  # the spaces around are trimmed
        [position(0, 3), quote("letter", prefix="The ")],  # the quote wins over a stale position
    ],
    ids=["quote-with-context", "quote-with-prefix", "position", "both", "position-trimmed", "quote-moved"],
)
def test_a_passage_is_placed_by_either_selector_or_both(as_alice, article, selectors):
    response = create(as_alice, article, payload(*selectors))
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get(pk=pk_of(response.json()))
    assert (annotation.start, annotation.end, annotation.exact) == (LETTER, LETTER + 6, "letter")


def test_a_repeated_quote_is_placed_by_its_context(as_alice, article):
    second = BODY.rindex("letter")
    response = create(as_alice, article, payload(quote("letter", prefix="answered the ", suffix=".")))
    assert Annotation.objects.get(pk=pk_of(response.json())).start == second


UNPLACEABLE = {
    "none": None,
    "empty": {"selector": []},
    "quote-elsewhere": {"selector": [quote("not in the text at all")]},
    "quote-ambiguous": {"selector": [quote("letter")]},  # twice in the text, without context
    "empty-range": {"selector": [position(5, 5)]},
    "past-the-end": {"selector": [position(10, len(BODY) + 1)]},
    "reversed": {"selector": [position(10, 2)]},
    "no-end": {"selector": [{"type": "TextPositionSelector", "start": 3}]},
    "empty-quote": {"selector": [{"type": "TextQuoteSelector", "exact": ""}]},
    "a-list": [1, 2],
    "an-iri": "https://example.org/letter",  # a W3C target may be one, but says no passage
    "only-spaces": {"selector": [position(BODY.index("\n"), BODY.index("\n") + 2)]},
}


@pytest.mark.parametrize("target", UNPLACEABLE.values(), ids=UNPLACEABLE)
def test_a_passage_that_cannot_be_placed_is_a_400_on_target(as_alice, article, target):
    data = payload() | {"target": target}
    error_of(create(as_alice, article, data), 400, "target")
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "start, end, field",
    [(True, 8, "start"), ("1", 8, "start"), (1, 8.0, "end"), (1, False, "end")],
)
def test_an_offset_must_be_a_json_integer(as_alice, article, start, end, field):
    selector = {"type": "TextPositionSelector", "start": start, "end": end}
    response = create(as_alice, article, payload() | {"target": {"selector": [selector]}})
    error_of(response, 400, f"target.selector.0.{field}")
    assert not Annotation.objects.exists()


def test_the_server_decides_id_author_and_times_whatever_the_body_says(as_alice, alice, bob, article):
    lies = {
        "id": "http://testserver/api/annotations/424242",
        "creator": {
            "id": "http://testserver/people/bob/",
            "type": "Person",
            "name": "Bob",
            "nickname": "bob",
        },
        "created": "2001-01-01T00:00:00Z",
        "modified": "2001-01-01T00:00:00Z",
        "author": bob.pk,
        "version": 7,
        "hidden": True,
    }
    document = create(as_alice, article, payload() | lies).json()
    annotation = Annotation.objects.get(pk=pk_of(document))
    assert annotation.pk != 424242 and annotation.author == alice
    assert (annotation.version, annotation.hidden_at) == (1, None)
    assert document["creator"]["nickname"] == "alice" and not document["created"].startswith("2001")

    replaced = replace(as_alice, annotation, payload(note="Edited") | lies)
    assert replaced.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.author, annotation.note, annotation.version) == (alice, "Edited", 2)
    assert replaced.json()["created"] == document["created"] and replaced.json()["id"] == document["id"]


# Audiences.


def test_sharing_into_a_group_one_is_not_in_is_a_400_on_group(as_bob, article, team):
    for group in ["team", "http://testserver/groups/team/", "no-such-group"]:
        error_of(create(as_bob, article, payload(visibility="group", group=group)), 400, "group")
    error_of(create(as_bob, article, payload(visibility="group")), 400, "group")
    error_of(create(as_bob, article, payload(visibility="public", group="team")), 400, "group")
    assert not Annotation.objects.exists()


def test_a_group_annotation_is_read_by_the_group_only(as_alice, bob, article, team):
    document = create(as_alice, article, payload(visibility="group", group="team")).json()
    annotation = Annotation.objects.get(pk=pk_of(document))
    assert (annotation.visibility, annotation.group) == ("group", team)
    error_of(client_as(bob, "token").get(document["id"]), 404)
    error_of(Client().get(document["id"]), 404)
    assert (
        client_as(team.memberships.get(role=Role.MODERATOR).user, "token").get(document["id"]).status_code
        == 200
    )


@pytest.mark.parametrize("visibility", ["public", "private", "group"])
def test_a_replacement_that_leaves_out_the_audience_keeps_it(as_alice, alice, article, team, visibility):
    annotation = annotate(
        article, alice, "letter", visibility=visibility, group=team if visibility == "group" else None
    )
    data = {"body": [{"type": "TextualBody", "value": "Edited"}]}
    assert replace(as_alice, annotation, data).status_code == 200
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility, annotation.group_id) == (
        "Edited",
        visibility,
        team.pk if visibility == "group" else None,
    )


def test_an_author_who_left_the_group_cannot_keep_sharing_with_it(alice, article, team):
    """The audience an edit keeps is the annotation's own, checked as any: one shares only with
    one's groups. (It never becomes another audience the form could make of it.)"""
    annotation = annotate(article, alice, "letter", note="Before", visibility="group", group=team)
    team.memberships.filter(user=alice).delete()
    client = client_as(alice, "token")
    read = client.get(url_of(annotation)).json()
    edited = {"body": [{"type": "TextualBody", "value": "After"}]}
    for kept in [edited, read | edited]:  # the audience left out, or sent back as it was read
        error_of(replace(client, annotation, kept), 400, "group")
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility, annotation.group) == ("Before", "group", team)
    assert replace(client, annotation, edited | {"visibility": "private"}).status_code == 200
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility, annotation.group) == ("After", "private", None)


def test_the_author_changes_the_audience(as_alice, alice, article, team):
    annotation = annotate(article, alice, "letter", note="Note")
    response = replace(as_alice, annotation, payload(note="Note", visibility="group", group="team"))
    assert response.json()["group"].endswith(team.get_absolute_url())
    response = replace(as_alice, annotation, payload(note="Note", visibility="private"), version=2)
    assert response.json()["visibility"] == "private" and "group" not in response.json()
    assert Annotation.objects.get(pk=annotation.pk).visibility == "private"


# Replacing and deleting: versions.


def test_a_replacement_without_if_match_is_428(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Before")
    error_of(call(as_alice, "PUT", url_of(annotation), payload(note="After")), 428)
    assert Annotation.objects.get(pk=annotation.pk).note == "Before"


def test_a_replacement_of_a_stale_version_is_412_with_the_current_etag(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Before")
    assert replace(as_alice, annotation, payload(note="First")).status_code == 200
    stale = replace(as_alice, annotation, payload(note="Second"), version=1)
    error_of(stale, 412)
    assert stale.json()["current_etag"] == f'"annotation-{annotation.pk}-v2"'
    assert Annotation.objects.get(pk=annotation.pk).note == "First"
    assert replace(as_alice, annotation, payload(note="Second"), version=2).status_code == 200


def test_if_match_star_or_a_list_of_etags(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Before")
    assert replace(as_alice, annotation, payload(note="A"), **{"If-Match": "*"}).status_code == 200
    both = f'"annotation-{annotation.pk}-v1", "annotation-{annotation.pk}-v2"'
    assert replace(as_alice, annotation, payload(note="B"), **{"If-Match": both}).status_code == 200
    assert Annotation.objects.get(pk=annotation.pk).note == "B"


def test_a_replacement_cannot_move_the_passage(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Before")
    error_of(replace(as_alice, annotation, payload(quote("Nadella"), note="Moved")), 400, "target")
    same = replace(as_alice, annotation, payload(position(LETTER, LETTER + 6), note="Kept"))
    assert same.status_code == 200 and Annotation.objects.get(pk=annotation.pk).note == "Kept"


def test_delete_answers_204_and_then_404(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Gone")
    stale = call(as_alice, "DELETE", url_of(annotation), **{"If-Match": f'"annotation-{annotation.pk}-v9"'})
    error_of(stale, 412)
    response = call(
        as_alice, "DELETE", url_of(annotation), **{"If-Match": f'"annotation-{annotation.pk}-v1"'}
    )
    assert (response.status_code, response.content) == (204, b"")
    assert Annotation.objects.get(pk=annotation.pk).deleted_at is not None
    error_of(as_alice.get(url_of(annotation)), 404)
    error_of(call(as_alice, "DELETE", url_of(annotation)), 404)


def restore_url(annotation) -> str:
    return reverse("api:annotation_restore", args=[annotation.pk])


def test_a_deleted_annotation_is_restored_by_its_author(as_alice, alice, article):
    annotation = annotate(article, alice, "letter", note="Back", tags=["undo"])
    assert call(as_alice, "DELETE", url_of(annotation)).status_code == 204
    response = call(as_alice, "POST", restore_url(annotation))
    assert response.status_code == 200, response.content
    document = response.json()
    assert document == as_alice.get(url_of(annotation)).json()  # as annotation_read answers it
    assert pk_of(document) == annotation.pk and response["ETag"] == f'"annotation-{annotation.pk}-v1"'
    assert Annotation.objects.get(pk=annotation.pk).deleted_at is None
    error_of(call(as_alice, "POST", restore_url(annotation)), 404)  # not deleted (any more)


def test_only_the_author_restores_a_deleted_annotation(as_bob, alice, article):
    annotation = annotate(article, alice, "letter", note="Gone")
    Annotation.objects.filter(pk=annotation.pk).update(deleted_at=annotation.created_at)
    missing = reverse("api:annotation_restore", args=[999999])
    assert error_of(call(as_bob, "POST", restore_url(annotation)), 404) == error_of(
        call(as_bob, "POST", missing), 404
    )
    assert call(Client(), "POST", restore_url(annotation)).status_code == 401
    assert Annotation.objects.get(pk=annotation.pk).deleted_at is not None


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_forbidden_change_is_403_where_visible_and_404_where_not(as_bob, alice, article, method):
    public = annotate(article, alice, "letter", note="Public")
    private = annotate(article, alice, "Nadella", note="Private", visibility="private")
    error_of(
        replace(as_bob, public, payload(note="Bob's"))
        if method == "PUT"
        else call(as_bob, method, url_of(public)),
        403,
    )
    error_of(
        replace(as_bob, private, payload(note="Bob's"))
        if method == "PUT"
        else call(as_bob, method, url_of(private)),
        404,
    )
    missing = as_bob.generic(
        method, reverse("api:annotation", args=[999999]), b"{}", content_type="application/json"
    )
    assert error_of(missing, 404) == error_of(as_bob.get(url_of(private)), 404)  # the same answer
    assert set(Annotation.objects.values_list("note", "deleted_at")) == {("Public", None), ("Private", None)}


# Replies.


def replies_of(annotation) -> str:
    return reverse("api:replies", args=[annotation.pk])


def reply_url(reply) -> str:
    return reverse("api:reply", args=[reply.pk])


def test_a_reply_answers_the_annotation_or_a_reply_in_its_thread(as_bob, alice, article):
    annotation = annotate(article, alice, "letter", note="Root")
    first = call(as_bob, "POST", replies_of(annotation), {"type": "Annotation", "body": {"value": "First"}})
    assert first.status_code == 201 and first["Location"] == first.json()["id"]
    document = first.json()
    assert (document["motivation"], document["target"]) == (
        "replying",
        "http://testserver" + url_of(annotation),
    )
    assert document["body"] == {"type": "TextualBody", "value": "First", "format": "text/markdown"}
    assert document["creator"]["nickname"] == "bob" and TIMESTAMP.match(document["created"])

    answer = call(
        as_bob, "POST", replies_of(annotation), {"body": {"value": "Second"}, "target": document["id"]}
    )
    assert answer.json()["target"] == document["id"]
    assert Reply.objects.get(note="Second").parent == Reply.objects.get(note="First")
    thread = as_bob.get(replies_of(annotation)).json()
    assert thread["type"] == "AnnotationPage" and [r["body"]["value"] for r in thread["items"]] == [
        "First",
        "Second",
    ]
    assert thread["partOf"] == "http://testserver" + url_of(annotation)


@pytest.mark.parametrize("body", [[], [{"value": "One"}, {"value": "Two"}]])
def test_a_reply_body_listing_other_than_one_is_refused(as_bob, alice, article, body):
    annotation = annotate(article, alice, "letter")
    response = call(as_bob, "POST", replies_of(annotation), {"body": body})
    assert response.status_code == 400 and "A reply has one body" in response.json()["error"]
    assert not Reply.objects.exists()


def test_a_reply_body_may_come_as_a_list_of_one_as_an_annotations_does(as_bob, alice, article):
    annotation = annotate(article, alice, "letter")
    body = [{"type": "TextualBody", "value": "Listed", "purpose": "replying"}]
    assert call(as_bob, "POST", replies_of(annotation), {"body": body}).status_code == 201
    assert Reply.objects.get().note == "Listed"


@pytest.mark.parametrize("host", ["testserver", "TESTSERVER", ""])
def test_a_reply_may_name_its_annotation_as_its_target(as_bob, alice, article, host):
    annotation = annotate(article, alice, "letter")
    target = (f"http://{host}" if host else "") + url_of(annotation)
    response = call(as_bob, "POST", replies_of(annotation), {"body": {"value": "Hi"}, "target": target})
    assert response.status_code == 201 and Reply.objects.get().parent is None


@pytest.mark.parametrize(
    "target, status",
    [
        ("http://testserver/api/outlets", 400),
        ("http://testserver/nowhere/", 400),
        ("not a url at all", 400),
        ("http://testserver/api/replies/999999", 404),
        ("http://testserver/api/replies/99999999999999999999", 404),
        ("http://testserver/api/replies/" + "9" * 5000, 404),
        ("http://[::1", 400),
        ("http://elsewhere.example/api/replies/1", 400),
        ("http://testserver/api/annotations/{other}", 400),
    ],
)
def test_a_reply_to_something_else_is_refused(as_bob, alice, article, target, status):
    annotation = annotate(article, alice, "letter")
    other = annotate(article, alice, "Nadella", visibility="private")
    target = target.format(other=other.pk)
    response = call(as_bob, "POST", replies_of(annotation), {"body": {"value": "Hi"}, "target": target})
    error_of(response, status, "target" if status == 400 else None)
    assert not Reply.objects.exists()


def test_a_reply_cannot_answer_a_reply_of_another_thread(as_bob, alice, article):
    one, other = annotate(article, alice, "letter"), annotate(article, alice, "Nadella")
    elsewhere = create_reply(annotation=other, author=alice, note="Elsewhere")
    target = "http://testserver" + reply_url(elsewhere)
    error_of(call(as_bob, "POST", replies_of(one), {"body": {"value": "Hi"}, "target": target}), 404)


def test_a_reply_has_its_threads_audience_whatever_the_body_says(as_alice, alice, bob, article, team):
    annotation = annotate(article, alice, "letter", visibility="group", group=team)
    data = {"body": {"value": "Team only"}, "visibility": "public", "creator": "bob", "created": "2001-01-01"}
    document = call(as_alice, "POST", replies_of(annotation), data).json()
    reply = Reply.objects.get(pk=pk_of(document))
    assert reply.author == alice and "2001" not in document["created"]
    error_of(client_as(bob, "token").get(document["id"]), 404)
    error_of(Client().get(document["id"]), 404)


def test_a_reply_is_edited_with_its_version_and_deleted(as_alice, alice, article):
    reply = create_reply(annotation=annotate(article, alice, "letter"), author=alice, note="Before")
    url = reply_url(reply)
    etag = as_alice.get(url)["ETag"]
    assert etag == f'"reply-{reply.pk}-v1"'
    assert as_alice.get(url, headers={"If-None-Match": etag}).status_code == 304
    error_of(call(as_alice, "PUT", url, {"body": {"value": "No version"}}), 428)
    edited = call(as_alice, "PUT", url, {"body": {"value": "After"}}, **{"If-Match": etag})
    assert edited.status_code == 200 and edited.json()["body"]["value"] == "After"
    assert edited["ETag"] == f'"reply-{reply.pk}-v2"'
    error_of(call(as_alice, "PUT", url, {"body": {"value": "Stale"}}, **{"If-Match": etag}), 412)
    error_of(call(as_alice, "DELETE", url, **{"If-Match": etag}), 412)
    assert call(as_alice, "DELETE", url).status_code == 204
    assert Reply.objects.get(pk=reply.pk).deleted_at is not None
    error_of(as_alice.get(url), 404)


def test_a_deleted_reply_keeps_its_place_while_answered(as_alice, alice, bob, article):
    annotation = annotate(article, alice, "letter")
    parent = create_reply(annotation=annotation, author=alice, note="Deleted soon")
    create_reply(annotation=annotation, author=bob, note="An answer", parent=parent)
    assert call(as_alice, "DELETE", reply_url(parent)).status_code == 204
    items = as_alice.get(replies_of(annotation)).json()["items"]
    assert items[0]["deleted"] is True and "body" not in items[0] and "creator" not in items[0]
    assert items[1]["body"]["value"] == "An answer"


def test_deleted_replies_keep_their_places_up_a_chain_to_a_live_answer(alice, bob, article):
    annotation = annotate(article, alice, "letter")
    first = create_reply(annotation=annotation, author=alice, note="First")
    second = create_reply(annotation=annotation, author=alice, note="Second", parent=first)
    answer = create_reply(annotation=annotation, author=bob, note="Answer", parent=second)
    unanswered = create_reply(annotation=annotation, author=alice, note="Unanswered")
    for reply in [first, second, unanswered]:
        delete_reply(reply=reply)
    items = client_as(bob, "token").get(replies_of(annotation)).json()["items"]
    assert [(item["id"].rsplit("/", 1)[1], item.get("deleted", False)) for item in items] == [
        (str(first.pk), True),
        (str(second.pk), True),
        (str(answer.pk), False),
    ]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_someone_elses_reply_is_403_to_change(as_bob, alice, article, method):
    reply = create_reply(annotation=annotate(article, alice, "letter"), author=alice, note="Alice's")
    error_of(call(as_bob, method, reply_url(reply), {"body": {"value": "Bob's"}}, **{"If-Match": "*"}), 403)
    assert Reply.objects.get(pk=reply.pk).note == "Alice's"


# Moderation and flags.


def test_a_moderator_hides_and_unhides_and_others_see_no_body(alice, bob, article, team, auth):
    annotation = annotate(article, alice, "letter", note="Rude", visibility="group", group=team)
    reply = create_reply(annotation=annotation, author=alice, note="Ruder")
    moderator = client_as(team.memberships.get(role=Role.MODERATOR).user, auth)
    member = client_as(Membership.objects.create(group=team, user=bob).user, "token")

    hidden = moderator.post(reverse("api:annotation_hide", args=[annotation.pk]))
    assert hidden.status_code == 200 and hidden.json()["body"][0]["value"] == "Rude"  # moderators see it
    assert moderator.post(reverse("api:reply_hide", args=[reply.pk])).json()["body"]["value"] == "Ruder"
    seen = member.get(url_of(annotation)).json()
    assert seen["hidden"] is True and "body" not in seen and "Rude" not in json.dumps(seen)
    page = member.get(container_of(article) + "?page=0").json()
    assert "Rude" not in json.dumps(page) and page["items"][0]["hidden"] is True
    thread = member.get(replies_of(annotation)).json()
    assert thread["items"][0]["hidden"] is True and "Ruder" not in json.dumps(thread)
    assert "Rude" in json.dumps(client_as(alice, "token").get(url_of(annotation)).json())  # its author
    error_of(call(member, "POST", replies_of(annotation), {"body": {"value": "Hi"}}), 403)

    assert moderator.post(reverse("api:annotation_unhide", args=[annotation.pk])).status_code == 200
    assert moderator.post(reverse("api:reply_unhide", args=[reply.pk])).status_code == 200
    assert member.get(url_of(annotation)).json()["body"][0]["value"] == "Rude"
    assert Annotation.objects.get(pk=annotation.pk).hidden_at is None
    assert Reply.objects.get(pk=reply.pk).hidden_at is None


def test_what_others_change_changes_the_etag_so_no_edit_undoes_it(alice, bob, article):
    """A moderator's hide, an editor's tags, a text edit that moves the passage: each answers a
    conditional GET with the new state, and a PUT made against the old one with 412."""
    annotation = annotate(article, alice, "letter", ["claim"], note="Mine")
    as_alice = client_as(alice, "token")

    def changed_by(change) -> None:
        etag = as_alice.get(url_of(annotation))["ETag"]
        change()
        assert as_alice.get(url_of(annotation), headers={"If-None-Match": etag}).status_code == 200
        put = call(as_alice, "PUT", url_of(annotation), payload(note="Late"), **{"If-Match": etag})
        error_of(put, 412)

    changed_by(lambda: hide(item=Annotation.objects.get(pk=annotation.pk), moderator=bob))
    changed_by(
        lambda: set_annotation_tags(annotation=Annotation.objects.get(pk=annotation.pk), tags=["fair"])
    )
    article.body = "A first paragraph now comes first.\n\n" + article.body
    changed_by(lambda: update_article_text(article))
    assert Annotation.objects.get(pk=annotation.pk).note == "Mine"
    assert list(Annotation.objects.get(pk=annotation.pk).tags.names()) == ["fair"]


def test_a_page_cached_for_staff_is_not_served_once_they_may_no_longer_moderate(alice, bob, article):
    """Staff who may change annotations see hidden public ones in full, in the container too."""
    hidden = annotate(article, alice, "letter", note="Rude")
    hide(item=hidden, moderator=bob)
    bob.is_staff = True
    bob.save()
    bob.user_permissions.add(Permission.objects.get(codename="change_annotation"))
    as_bob = client_as(bob, "token")
    assert "Rude" in as_bob.get(container_of(article) + "?page=0").content.decode()
    bob.user_permissions.clear()
    assert "Rude" not in as_bob.get(container_of(article) + "?page=0").content.decode()


def test_a_json_object_with_a_byte_order_mark_is_an_object(as_alice, article):
    body = codecs.BOM_UTF8 + json.dumps(payload(quote("letter", suffix=" said"))).encode()
    response = call(as_alice, "POST", container_of(article), body)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("name", ["annotation_hide", "annotation_unhide", "reply_hide", "reply_unhide"])
def test_a_member_who_does_not_moderate_is_403(alice, article, team, name):
    annotation = annotate(article, alice, "letter", visibility="group", group=team)
    reply = create_reply(annotation=annotation, author=alice, note="Reply")
    target = reply if name.startswith("reply") else annotation
    error_of(client_as(alice, "token").post(reverse(f"api:{name}", args=[target.pk])), 403)


def test_a_flag_reaches_staff_once(as_bob, alice, article):
    annotation = annotate(article, alice, "letter", note="Dubious")
    url = reverse("api:annotation_flag", args=[annotation.pk])
    response = call(as_bob, "POST", url, {"reason": "It is false."})
    assert response.status_code == 201
    assert response.json() == {"flagged": "http://testserver" + url_of(annotation)}
    assert Flag.objects.get(annotation=annotation).reason == "It is false."
    error_of(call(as_bob, "POST", url, {"reason": "Again"}), 409)
    error_of(call(as_bob, "POST", url, {"reason": "   "}), 400)
    error_of(call(as_bob, "POST", url, {"reason": "x" * 1001}), 400)
    error_of(call(as_bob, "POST", url, {}), 400, "reason")
    assert Flag.objects.count() == 1


def test_one_does_not_flag_ones_own_or_a_hidden_annotation(alice, bob, article):
    own = annotate(article, alice, "letter")
    error_of(
        call(
            client_as(alice, "token"), "POST", reverse("api:annotation_flag", args=[own.pk]), {"reason": "x"}
        ),
        403,
    )
    hide(item=own, moderator=bob)
    error_of(
        call(client_as(bob, "token"), "POST", reverse("api:annotation_flag", args=[own.pk]), {"reason": "x"}),
        403,
    )


# Limits: the body's size and type, the rate of writes.


def test_a_body_larger_than_the_limit_is_413(as_alice, article, settings):
    settings.API_MAX_BODY_BYTES = 500
    error_of(create(as_alice, article, payload(note="x" * 600)), 413)
    assert create(as_alice, article, payload(note="x" * 100)).status_code == 201
    assert Annotation.objects.count() == 1


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", json.dumps(payload())),
        ("application/x-www-form-urlencoded", "note=Hi&start=1&end=5"),
        ("multipart/form-data; boundary=xyz", "--xyz--"),
        ("application/xml", "<annotation/>"),
    ],
)
def test_a_body_that_is_not_json_is_415(as_alice, article, content_type, body):
    error_of(call(as_alice, "POST", container_of(article), body, content_type=content_type), 415)
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/ld+json", f"{LD}", "application/json; charset=utf-8"]
)
def test_json_and_json_ld_bodies_are_read(as_alice, article, content_type):
    assert (
        call(as_alice, "POST", container_of(article), payload(), content_type=content_type).status_code == 201
    )


def test_writes_beyond_the_limit_are_429_with_retry_after(alice, bob, article, settings, auth):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": (0.01, 3)}  # 3 at once, then one per 100 s
    client = client_as(alice, auth)
    assert [create(client, article).status_code for _ in range(3)] == [201] * 3
    refused = create(client, article)
    error_of(refused, 429)
    assert 95 < int(refused["Retry-After"]) <= 100  # seconds until a token is back
    annotation = Annotation.objects.filter(author=alice).first()
    error_of(call(client, "DELETE", url_of(annotation)), 429)  # every write counts
    assert client.get(url_of(annotation)).status_code == 200  # reads do not
    assert create(client_as(bob, auth), article).status_code == 201  # a limit per user
    assert Annotation.objects.filter(deleted_at=None).count() == 4


# Hostile input: a 400 (or 404 for an id that cannot exist), never a 500.


HOSTILE_ANNOTATIONS = {
    "huge-offsets": payload(position(10**30, 10**30 + 5)),
    "int64-offsets": payload(position(2**63, 2**63 + 1)),
    "negative-offsets": payload(position(-5, 3)),
    "string-offsets": payload(position("a", "b")),
    "float-offsets": payload(position(1.5, 7.25)),
    "selector-type": payload({"type": "CssSelector", "value": "p"}),
    "selector-not-object": payload("letter"),
    "body-a-number": payload() | {"body": 5},
    "body-value-a-list": payload() | {"body": [{"value": ["a"]}]},
    "two-notes": payload() | {"body": [{"value": "One"}, {"value": "Two"}]},
    "tag-with-comma": payload(tags=["a,b"]),
    "visibility-unknown": payload(visibility="friends"),
    "nul-in-note": payload(note="Before\x00after"),
    "nul-in-tag": payload(tags=["bad\x00tag"]),
    "nul-in-quote": payload(quote("let\x00ter")),
    "control-in-tag": payload(tags=["bell\x07"]),
    "note-too-long": payload(note="x" * 200_000),
    "too-many-tags": payload(tags=[f"t{n}" for n in range(50)]),
    "tag-too-long": payload(tags=["t" * 300]),
    "lone-surrogate": payload(note="\ud800"),
}


@pytest.mark.parametrize("data", HOSTILE_ANNOTATIONS.values(), ids=HOSTILE_ANNOTATIONS)
def test_hostile_annotations_are_400(as_alice, alice, article, data):
    error_of(create(as_alice, article, data), 400)
    annotation = annotate(article, alice, "letter")
    error_of(replace(as_alice, annotation, data), 400)
    assert Annotation.objects.count() == 1


HOSTILE_BODIES = {
    "not-json": b"{not json",
    "not-utf8": b'{"body": "\xff\xfe"}',
    "latin-1": '{"body": [{"value": "caf\u00e9"}]}'.encode("latin-1"),
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
    "nested-in-body": ('{"body": ' + "[" * 5000 + "]" * 5000 + "}").encode(),
    "a-list": b"[]",
    "a-number": b"12",
    "null": b"null",
    "empty": b"",
    "huge-number": b'{"visibility": 1' + b"0" * 5000 + b"}",
    "nul-byte": b'{"body": [{"value": "a"}]}\x00',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES)
def test_hostile_bodies_are_400(as_alice, alice, article, body):
    annotation = annotate(article, alice, "letter")
    reply = create_reply(annotation=annotation, author=alice, note="Reply")
    requests = [
        ("POST", container_of(article)),
        ("PUT", url_of(annotation)),
        ("POST", replies_of(annotation)),
        ("PUT", reply_url(reply)),
        ("POST", reverse("api:annotation_flag", args=[annotation.pk])),
    ]
    for method, url in requests:
        error_of(call(as_alice, method, url, body, **{"If-Match": "*"}), 400)


HOSTILE_REPLIES = {
    "nul": {"body": {"value": "a\x00b"}},
    "too-long": {"body": {"value": "x" * 200_000}},
    "empty": {"body": {"value": "   "}},
    "no-body": {"target": None},
    "body-a-string": {"body": "Hi"},
    "target-a-number": {"body": {"value": "Hi"}, "target": 5},
}


@pytest.mark.parametrize("data", HOSTILE_REPLIES.values(), ids=HOSTILE_REPLIES)
def test_hostile_replies_are_refused(as_alice, alice, article, data):
    annotation = annotate(article, alice, "letter")
    reply = create_reply(annotation=annotation, author=alice, note="Kept")
    assert call(as_alice, "POST", replies_of(annotation), data).status_code in {400, 404}
    assert call(as_alice, "PUT", reply_url(reply), data, **{"If-Match": "*"}).status_code in {400, 404}
    assert list(Reply.objects.values_list("note", flat=True)) == ["Kept"]


@pytest.mark.parametrize("reason", ["a\x00b", 5, None, ["x"], "x" * 1001])
def test_a_hostile_flag_is_400(as_bob, alice, article, reason):
    annotation = annotate(article, alice, "letter")
    error_of(
        call(as_bob, "POST", reverse("api:annotation_flag", args=[annotation.pk]), {"reason": reason}), 400
    )
    assert not Flag.objects.exists()


@pytest.mark.parametrize("pk", ["0", "-1", "abc", "99999999999999999999", "1.5", "%00"])
def test_ids_that_cannot_exist_are_refused_never_500(as_alice, pk):
    for name in ["annotation", "replies", "reply"]:
        url = reverse(f"api:{name}", args=["PK"]).replace("PK", pk)
        assert as_alice.get(url).status_code in {400, 404}
        for method in ["PUT", "DELETE", "POST"]:
            assert call(as_alice, method, url, {"body": {"value": "Hi"}}).status_code in {400, 404, 405}


# Corpus reads.


@pytest.fixture
def corpus():
    outlet, story = make_outlet("The Daily"), make_story("Protests")
    articles = [
        make_article(story=story, outlet=outlet, body=BODY),
        make_article(story=story, outlet=make_outlet(), body=BODY + " Again."),
    ]
    return outlet, story, articles


def test_the_corpus_is_read_by_anyone(client, corpus):
    outlet, story, articles = corpus
    outlets = client.get(reverse("api:outlets")).json()
    assert (outlet.slug, "The Daily") in [(item["slug"], item["name"]) for item in outlets]
    assert client.get(reverse("api:outlet", args=[outlet.slug])).json()["name"] == "The Daily"
    stories = client.get(reverse("api:stories")).json()
    assert (stories["count"], stories["items"][0]["slug"]) == (1, story.slug)
    detail = client.get(reverse("api:story", args=[story.slug])).json()
    assert {item["id"] for item in detail["articles"]} == {article.pk for article in articles}
    listed = client.get(reverse("api:articles"), {"outlet": outlet.slug}).json()
    assert [item["id"] for item in listed["items"]] == [articles[0].pk]
    assert client.get(reverse("api:articles"), {"story": story.slug}).json()["count"] == 2
    one = client.get(reverse("api:article", args=[articles[0].pk])).json()
    assert (one["body"], one["characters"]) == (BODY, len(BODY))
    assert one["annotations"] == "http://testserver" + container_of(articles[0])


def test_a_storys_comparison(client, corpus):
    _, story, _ = corpus
    url = reverse("api:story_comparison", args=[story.slug])
    error_of(client.get(url), 404)
    compare_story(story)
    comparison = client.get(url).json()
    assert comparison["is_stale"] is False and "computed_at" in comparison


@pytest.mark.parametrize(
    "url",
    [
        reverse("api:outlet", args=["nope"]),
        reverse("api:story", args=["nope"]),
        reverse("api:story_comparison", args=["nope"]),
        reverse("api:article", args=[999999]),
        reverse("api:articles") + "?page=5",
        reverse("api:articles") + "?page=99999999999999999999",
        reverse("api:stories") + "?page=0",
    ],
)
def test_what_the_corpus_does_not_have_is_404(client, corpus, url):
    error_of(client.get(url), 404)


@pytest.mark.parametrize(
    "url",
    [
        reverse("api:articles") + "?page=x",
        reverse("api:stories") + "?page=1.5",
        reverse("api:article", args=["abc"]),
    ],
)
def test_malformed_corpus_queries_are_400(client, url):
    error_of(client.get(url), 400)


def test_the_api_describes_itself(client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["info"]["title"] == "Newsroom API"
    assert client.get(reverse("api:openapi-view")).status_code == 200


def test_a_method_a_route_does_not_have_is_405(as_alice, article):
    response = call(as_alice, "PATCH", container_of(article), payload())
    assert response.status_code == 405 and set(response["Allow"].split(", ")) == {"GET", "POST"}
