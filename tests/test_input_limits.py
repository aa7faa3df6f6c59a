"""Input limits on every entry point: each is answered 400, 404, 413 or 414 with a message, never a
500, and nothing is written. (The limits themselves: newsroom/middleware.py, the forms, the API.)"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from articles.forms import TAGS_PER_ANNOTATION
from articles.models import Annotation
from articles.models.annotations import TAG_MAX_CHARS, Flag, Reply
from articles.sanitize import NOTE_MAX_CHARS
from newsroom.accounts.services import create_group
from tests.base import annotate, make_article, make_story

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end."


@pytest.fixture
def article():
    return make_article(story=make_story(), body=BODY)


@pytest.fixture
def annotation(article, alice):
    return annotate(article, alice, "letter", note="A note")


@pytest.fixture
def reply(annotation, alice):
    return Reply.objects.create(annotation=annotation, author=alice, note="A reply")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def written() -> tuple[int, int, int]:
    return Annotation.objects.count(), Reply.objects.count(), Flag.objects.count()


def message_of(response) -> str:
    """The message of a refusal: the API's JSON error, or the page's text."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["error"]
    return response.content.decode()


# Sizes: the whole body, a form's fields, a query string.


def test_a_body_over_the_limit_is_413_before_it_is_read(as_alice, annotation, settings):
    settings.MAX_REQUEST_BYTES = 1000
    before = written()
    url = reverse("articles:reply_create", args=[annotation.pk])

    page = as_alice.post(url, {"note": "x" * 2000})
    api = as_alice.post(reverse("api:replies", args=[annotation.pk]), {"x": "x" * 2000}, "application/json")

    assert page.status_code == api.status_code == 413
    assert "larger than 1,000 bytes" in page.text and "larger than 1,000 bytes" in api.json()["error"]
    assert '<header class="site-header">' in page.text  # the site's own page
    assert written() == before


def test_form_fields_over_djangos_limit_are_413_with_a_message_not_a_bare_400(as_alice, annotation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = written()

    response = as_alice.post(reverse("articles:reply_create", args=[annotation.pk]), {"note": "x" * 2000})

    assert response.status_code == 413
    assert "The form holds more than 1,000 bytes of text" in response.text
    assert written() == before


def test_a_form_with_too_many_fields_is_400_with_a_message(as_alice, annotation, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {"note": "Hi"} | {f"field{number}": "x" for number in range(20)}

    response = as_alice.post(reverse("articles:reply_create", args=[annotation.pk]), data)

    assert response.status_code == 400 and "more than 10 fields" in response.text
    assert not Reply.objects.exists()


def test_a_form_that_cannot_be_read_is_400(as_alice):
    response = as_alice.post(
        reverse("annotation_import"), b"--\r\n", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400 and "The form could not be read" in response.text


@pytest.mark.parametrize("path", ["/", "/search/", "/api/articles"])
def test_a_query_string_over_the_limit_is_414_with_a_message(client, path, settings):
    response = client.get(path, {"q": "x" * settings.MAX_QUERY_STRING_BYTES})
    assert response.status_code == 414
    assert "The address is too long" in message_of(response)


def test_an_address_with_too_many_parameters_is_400_with_a_message(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.get("/search/?" + "&".join(f"p{number}=1" for number in range(20)))
    assert response.status_code == 400 and "more than 10 parameters" in response.text


def test_the_longest_search_a_form_allows_is_within_the_limit(client):
    # 500 characters of 4 bytes each, percent-encoded: 6,000 bytes, answered by the form itself.
    response = client.get(reverse("search:results"), {"q": "😀" * 500})
    assert response.status_code == 200


# Notes, replies, tags, reasons: too long or too many, from the pages and from the API.


LONG_NOTE = "x" * (NOTE_MAX_CHARS + 1)
TOO_MANY_TAGS = ", ".join(f"tag{number}" for number in range(TAGS_PER_ANNOTATION + 1))
LONG_TAG = "t" * (TAG_MAX_CHARS + 1)


@pytest.mark.parametrize(
    "note, tags, message",
    [
        (LONG_NOTE, "", f"at most {NOTE_MAX_CHARS} characters"),
        ("", TOO_MANY_TAGS, f"at most {TAGS_PER_ANNOTATION} tags"),
        ("", LONG_TAG, f"at most {TAG_MAX_CHARS} characters"),
    ],
)
def test_an_annotation_over_a_limit_is_refused_by_the_page_and_by_the_api(
    as_alice, annotation, note, tags, message
):
    edit = as_alice.post(
        reverse("articles:annotation_update", args=[annotation.pk]),
        {"note": note, "tags": tags, "version": annotation.version},
    )
    body = [{"type": "TextualBody", "value": note, "purpose": "commenting"}] if note else []
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags.split(", ") if tag]
    document = {
        "type": "Annotation",
        "body": body,
        "target": {"selector": [{"type": "TextQuoteSelector", "exact": "letter"}]},
    }
    created = as_alice.post(
        reverse("api:container", args=[annotation.article_id]), document, "application/json"
    )

    assert edit.status_code == created.status_code == 400
    assert message in edit.text and message in created.json()["error"]
    annotation.refresh_from_db()
    assert (annotation.note, Annotation.objects.count()) == ("A note", 1)


def test_a_reply_over_the_limit_is_refused_by_the_page_and_by_the_api(as_alice, annotation):
    page = as_alice.post(reverse("articles:reply_create", args=[annotation.pk]), {"note": LONG_NOTE})
    api = as_alice.post(
        reverse("api:replies", args=[annotation.pk]),
        {"type": "Annotation", "body": {"type": "TextualBody", "value": LONG_NOTE}},
        "application/json",
    )
    assert page.status_code == api.status_code == 400
    assert f"at most {NOTE_MAX_CHARS} characters" in page.text and "at most" in api.json()["error"]
    assert not Reply.objects.exists()


# Import uploads and API bodies.


def test_an_import_file_over_the_limit_is_refused_and_nothing_imported(as_alice, monkeypatch, settings):
    monkeypatch.setattr("newsroom.api.import_views.MAX_FILE_BYTES", 100)
    settings.API_MAX_BODY_BYTES = 100
    document = json.dumps([{"type": "Annotation", "body": [], "target": "x" * 200}]).encode()

    page = as_alice.post(reverse("annotation_import"), {"file": SimpleUploadedFile("a.json", document)})
    api = as_alice.post(reverse("api:import"), document, "application/json")

    assert page.status_code == 400 and "larger than 100 bytes" in page.text
    assert api.status_code == 413 and "larger than 100 bytes" in api.json()["error"]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[" * 65 + b"]" * 65, "nested too deeply (more than 64 levels)"),  # which Python's parser takes
        (b'{"type": "Annotation", "body": ', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"n": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b'{"type": "Annotation", "body": {"value": "\\udc00"}}', "lone surrogate"),
    ],
)
def test_malformed_or_deeply_nested_json_is_400_on_every_write(as_alice, annotation, reply, body, message):
    before = written()
    for method, url in [
        ("POST", reverse("api:container", args=[annotation.article_id])),
        ("PUT", reverse("api:annotation", args=[annotation.pk])),
        ("POST", reverse("api:replies", args=[annotation.pk])),
        ("PUT", reverse("api:reply", args=[reply.pk])),
        ("POST", reverse("api:annotation_flag", args=[annotation.pk])),
        ("POST", reverse("api:import")),
    ]:
        response = as_alice.generic(
            method, url, body, content_type="application/json", headers={"If-Match": "*"}
        )
        assert response.status_code == 400, (method, url, response.content[:200])
        assert message in response.json()["error"]
    assert written() == before


# Ids out of range, in URLs and in bodies.

HUGE = ["99999999999999999999", str(2**63), "-1"]  # beyond 64 bits, beyond a bigint, negative


def routes_with_ids():
    """Every route of the site whose URL holds an id, and the methods it may answer: the admin's,
    the pages' and the API's (whose ids are text until its schema reads them)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.pattern.converters

    ids = {"pk", "cluster_id", "object_id", "content_type_id"}
    for route, converters in walk(get_resolver().url_patterns):
        if ids & set(converters) and not route.startswith("^"):
            yield route, ["GET", "POST", "PUT", "DELETE"] if route.startswith("api/") else ["GET", "POST"]


def filled(route: str, number: str, slug: str) -> str:
    """The route's path with `slug` for its slug and `number` for its ids: <int:pk>, <pk>."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: slug if match[1] == "slug" else number, route)


@pytest.mark.parametrize("number", HUGE)
def test_an_id_out_of_range_in_any_url_is_a_4xx_never_a_500(client, django_user_model, number, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": (1000, 1000)}  # a machine's pace, not a person's
    editor = django_user_model.objects.create_superuser("editor", password="pw")
    group = create_group(owner=editor, name="Team")
    story = make_story()
    client.force_login(editor)
    client.raise_request_exception = False
    failures = []
    for route, methods in routes_with_ids():
        path = filled(route, number, group.slug if route.startswith("groups/") else story.slug)
        for method in methods:
            response = client.generic(
                method, path, b"{}", content_type="application/json", headers={"If-Match": "*"}
            )
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
    assert failures == []


def test_ids_out_of_range_in_bodies_and_queries_are_4xx(as_alice, annotation):
    article = annotation.article_id
    far = {"type": "TextPositionSelector", "start": 2**63, "end": 2**63 + 5}
    answers = [
        as_alice.post(
            reverse("api:replies", args=[annotation.pk]),
            {
                "type": "Annotation",
                "body": {"type": "TextualBody", "value": "Hi"},
                "target": f"http://testserver/api/replies/{2**63}",
            },
            "application/json",
        ),
        as_alice.post(
            reverse("api:container", args=[article]),
            {"type": "Annotation", "body": [], "target": {"selector": [far]}},
            "application/json",
        ),
        as_alice.post(
            reverse("articles:reply_create", args=[annotation.pk]), {"note": "Hi", "parent": str(2**63)}
        ),
        as_alice.get(reverse("api:container", args=[article]), {"page": str(2**63)}),
        as_alice.get(reverse("api:articles"), {"page": "99999999999999999999"}),
        as_alice.get(reverse("export"), {"article": str(2**63)}),
        as_alice.get(reverse("api:export"), {"article": str(2**63)}),
        as_alice.get(reverse("articles:tag_index"), {"page": str(2**63)}),
        as_alice.get(reverse("search:results"), {"q": "letter", "page": str(2**63)}),
    ]
    assert [response.status_code for response in answers if response.status_code >= 500] == []
    assert written() == (1, 0, 0)
