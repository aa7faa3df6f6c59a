import pytest
from django.urls import reverse

from articles.models import Annotation, Tag
from articles.services.annotations import delete_annotation
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, annotation_json, make_article, make_story, passage, post_annotation

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


@pytest.fixture
def article():
    return make_article(story=make_story(), body=BODY)


def test_it_creates_an_annotation_with_tags_and_a_note(client, alice, article):
    client.force_login(alice)
    response = post_annotation(
        client,
        article,
        **passage(article, "The letter said"),
        tags="Framing,  loaded   language",
        note="**Who** said it?",
    )

    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert (annotation.author, annotation.start, annotation.exact) == (
        alice,
        article.body.index("The"),
        "The letter said",
    )
    assert annotation.prefix.endswith("protested.\n\n") and annotation.suffix.startswith(" the contract")
    assert sorted(annotation.tags.names()) == ["Framing", "loaded language"]
    assert annotation.note_html == "<p><strong>Who</strong> said it?</p>"
    assert response.json()["id"].endswith(reverse("api:annotation", args=[annotation.pk]))
    page = client.get(article.get_absolute_url()).text
    assert f'id="hl-{annotation.pk}"' in page and f'id="annotation-{annotation.pk}"' in page


def test_it_trims_whitespace_at_the_edges(client, alice, article):
    client.force_login(alice)
    start = article.body.index(" the contract")
    response = post_annotation(client, article, start=start, end=start + 14, exact=" the contract ")
    assert response.status_code == 201
    assert Annotation.objects.get().exact == "the contract"


def test_it_matches_tags_case_insensitively(client, alice, article):
    client.force_login(alice)
    post_annotation(client, article, **passage(article, "Nadella"), tags="Framing")
    post_annotation(client, article, **passage(article, "letter"), tags="framing, FRAMING")
    assert [list(a.tags.names()) for a in Annotation.objects.all()] == [["Framing"], ["Framing"]]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"start": 0, "end": 9, "exact": "Something"}, "target", "not in the article's text"),
        ({"start": 5, "end": 500, "exact": ""}, "target", "not in the article's text"),
        ({"start": 9, "end": 9, "exact": ""}, "target", "not in the article's text"),
        ({"start": 30, "end": 32, "exact": "\n\n"}, "target", "not only spaces"),
        ({"start": -1, "end": 3, "exact": "Mic"}, "target.selector.0.start", "greater than or equal to 0"),
        ({"start": "x", "end": 3, "exact": "Mic"}, "target.selector.0.start", "valid integer"),
        ({"start": 0, "end": 9, "exact": "Microsoft", "note": "x" * 10_001}, "body", "at most 10000"),
        ({"start": 0, "end": 9, "exact": "Microsoft", "tags": "a" * 51}, "body", "at most 50"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_saves_nothing(client, alice, article, data, field, message):
    client.force_login(alice)
    response = post_annotation(client, article, **data)
    assert response.status_code == 400
    assert message in response.json()["error"] and response.json()["field"] == field
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("tags", ["bad\x00tag", "ok, bell\x07", "right\u202eto left"])
def test_it_refuses_control_characters_in_tags(client, alice, article, tags):
    client.force_login(alice)
    response = post_annotation(client, article, **passage(article, "Nadella"), tags=tags)
    assert response.status_code == 400
    assert "control characters" in response.json()["error"] and response.json()["field"] == "body"
    assert not Annotation.objects.exists() and not Tag.objects.exists()


def test_it_shares_only_into_the_authors_own_groups(client, alice, bob, article):
    team = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=team, user=alice, role=Role.OWNER)
    shared = {**passage(article, "Nadella"), "visibility": "group", "group": team.slug}

    client.force_login(bob)
    response = post_annotation(client, article, **shared)
    assert response.status_code == 400 and response.json()["field"] == "group"
    assert "only with a group you are a member of" in response.json()["error"]
    assert not Annotation.objects.exists()

    client.force_login(alice)
    assert post_annotation(client, article, **shared).status_code == 201
    assert (Annotation.objects.get().visibility, Annotation.objects.get().group) == ("group", team)


def test_it_refuses_an_unknown_article(client, alice, article):
    client.force_login(alice)
    response = client.post(
        reverse("api:annotation_create", args=[404]),
        annotation_json(**passage(article, "Nadella")),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "no such thing" in response.json()["error"]


def test_it_refuses_anonymous_writers(client, article):
    response = post_annotation(client, article, **passage(article, "Nadella"))
    assert response.status_code == 401
    assert not Annotation.objects.exists()


def test_it_requires_the_csrf_token_of_a_session(alice, article):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert post_annotation(client, article, **passage(article, "Nadella")).status_code == 403
    token = client.get(article.get_absolute_url()).cookies["csrftoken"].value
    url = reverse("api:annotation_create", args=[article.pk])
    data = annotation_json(**passage(article, "Nadella"))
    response = client.post(url, data, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_the_popover_names_each_group_by_its_slug_for_the_api(client, alice, article):
    team = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=team, user=alice, role=Role.OWNER)
    client.force_login(alice)
    page = client.get(article.get_absolute_url()).text
    assert f'<option value="group-{team.pk}" data-group="history-101">Group: History 101</option>' in page
    assert f'data-annotations-url="{reverse("api:annotation_create", args=[0])}"' in page


def test_it_lets_the_author_edit_an_annotation(client, alice, article):
    annotation = annotate(article, alice, "Nadella", tags=["quote"], note="old")
    client.force_login(alice)
    url = reverse("articles:annotation_update", args=[annotation.pk])

    assert 'value="quote"' in client.get(url).text
    response = client.post(url, {"tags": "claim, framing", "note": "new *note*"})

    assert response.status_code == 302
    annotation.refresh_from_db()
    assert sorted(annotation.tags.names()) == ["claim", "framing"]
    assert (annotation.note, annotation.note_html) == ("new *note*", "<p>new <em>note</em></p>")


def test_it_refuses_edits_by_others(client, alice, bob, article):
    annotation = annotate(article, alice, "Nadella", note="mine")
    client.force_login(bob)
    for name in ["articles:annotation_update", "articles:annotation_delete"]:
        assert client.post(reverse(name, args=[annotation.pk]), {"note": "hacked"}).status_code == 403
    annotation.refresh_from_db()
    assert annotation.note == "mine" and annotation.deleted_at is None


def test_it_deletes_after_confirmation_and_can_undo(client, alice, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    url = reverse("articles:annotation_delete", args=[annotation.pk])

    assert "Delete this annotation?" in client.get(url).text
    response = client.post(url, follow=True)
    assert "Annotation deleted." in response.text
    assert f'id="hl-{annotation.pk}"' not in response.text

    restore = reverse("articles:annotation_restore", args=[annotation.pk])
    assert client.get(restore).status_code == 405
    response = client.post(restore, follow=True)
    assert f'id="hl-{annotation.pk}"' in response.text


def test_it_lets_nobody_else_restore(client, alice, bob, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    client.post(reverse("articles:annotation_delete", args=[annotation.pk]))
    client.force_login(bob)
    assert client.post(reverse("articles:annotation_restore", args=[annotation.pk])).status_code == 404


def test_it_renders_overlapping_highlights_server_side(client, alice, bob, article):
    outer = annotate(article, alice, "The letter said the contract must end.")
    inner = annotate(article, bob, "said the contract")
    crossing = annotate(article, bob, "contract must end. Nadella")

    response = client.get(article.get_absolute_url())

    ids = " ".join(map(str, sorted([outer.pk, inner.pk, crossing.pk])))
    assert f'data-depth="3" data-annotations="{ids}" tabindex="-1">contract</mark>' in response.text
    for annotation in (outer, inner, crossing):
        assert f'id="annotation-{annotation.pk}"' in response.text


def test_it_shows_notes_as_sanitised_html_and_tags_as_text(client, alice, article):
    annotate(
        article, alice, "Nadella", tags=["<script>alert(1)</script>"], note="<img src=x onerror=alert(1)>"
    )
    response = client.get(article.get_absolute_url())
    assert "<script>alert(1)" not in response.text
    assert "<img" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_it_filters_highlights_by_tag(client, alice, article):
    quote = annotate(article, alice, "Nadella", tags=["quote"])
    claim = annotate(article, alice, "The letter", tags=["claim"])
    response = client.get(article.get_absolute_url(), {"tag": "quote"})
    assert f'id="hl-{quote.pk}"' in response.text
    assert f'id="hl-{claim.pk}"' not in response.text


def test_it_renders_the_article_with_constant_queries(client, alice, article, django_assert_max_num_queries):
    annotate(article, alice, "Nadella", tags=["quote"])
    with django_assert_max_num_queries(12) as few:
        client.get(article.get_absolute_url())
    for word in ["Microsoft", "employees", "letter", "contract", "must"]:
        annotate(article, alice, word, tags=[word, "more"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(article.get_absolute_url())


def test_it_suggests_tags_by_prefix(client, alice, article):
    annotate(article, alice, "Nadella", tags=["Framing", "fact", "quote"])
    response = client.get(reverse("articles:tag_suggestions"), {"q": "f"})
    assert response.json() == {"tags": ["fact", "Framing"]}


@pytest.mark.parametrize(
    "line_break",
    [
        "\n",  # as the popover sends it: JSON keeps a JavaScript string's line breaks
        "\r\n",  # as a script on Windows may send it
    ],
)
def test_it_saves_a_passage_over_two_paragraphs(client, alice, article, line_break):
    client.force_login(alice)
    text = "protested.\n\nThe letter"
    response = post_annotation(
        client, article, **{**passage(article, text), "exact": text.replace("\n", line_break)}
    )
    assert response.status_code == 201
    assert Annotation.objects.get().exact == text


def test_it_counts_a_notes_line_breaks_as_typed(client, alice, article):
    client.force_login(alice)
    note = ("x" * 98 + "\r\n") * 100  # 10,000 characters as the user sees them, 10,100 as sent
    response = post_annotation(client, article, **passage(article, "Nadella"), note=note)
    assert response.status_code == 201
    assert Annotation.objects.get().note == note.replace("\r\n", "\n")


def test_it_refuses_a_note_over_the_limit_whole_with_its_size(client, alice, article):
    client.force_login(alice)
    response = post_annotation(client, article, **passage(article, "Nadella"), note="x" * 10_050)
    assert response.status_code == 400
    assert "at most 10000 characters; this one has 10050" in response.json()["error"]
    assert not Annotation.objects.exists()


def test_it_keeps_the_text_of_an_edit_it_refuses(client, alice, article):
    annotation = annotate(article, alice, "Nadella", tags=["quote"], note="old")
    client.force_login(alice)
    url = reverse("articles:annotation_update", args=[annotation.pk])
    response = client.post(url, {"tags": "quote", "note": "new words " * 1001})
    assert response.status_code == 400
    assert "at most 10000 characters" in response.text
    assert "new words new words" in response.text and "maxlength" not in response.text
    annotation.refresh_from_db()
    assert annotation.note == "old"


def test_it_marks_an_annotation_edited_only_when_it_changed(client, alice, article):
    annotation = annotate(article, alice, "Nadella", tags=["quote"], note="same")
    client.force_login(alice)
    url = reverse("articles:annotation_update", args=[annotation.pk])
    client.post(url, {"tags": "Quote", "note": "same"})
    annotation.refresh_from_db()
    assert annotation.edited_at is None
    client.post(url, {"tags": "quote", "note": "changed"})
    annotation.refresh_from_db()
    assert annotation.edited_at is not None
    assert "edited " in client.get(article.get_absolute_url()).text


COMPARE_PAGE = "/stories/s/compare/?a=1&a=2"


def test_it_returns_to_the_page_an_edit_came_from(client, alice, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    url = reverse("articles:annotation_update", args=[annotation.pk])
    page = client.get(url, {"next": COMPARE_PAGE}).text
    assert f'name="next" value="{COMPARE_PAGE.replace("&", "&amp;")}"' in page
    response = client.post(url, {"tags": "", "note": "new", "next": COMPARE_PAGE})
    assert response["Location"] == f"{COMPARE_PAGE}#hl-{annotation.pk}"


def test_it_returns_to_the_page_a_delete_came_from_with_its_undo(client, alice, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    response = client.post(
        reverse("articles:annotation_delete", args=[annotation.pk]), {"next": COMPARE_PAGE}
    )
    assert response["Location"] == f"{COMPARE_PAGE}&undo={annotation.pk}"
    restore = reverse("articles:annotation_restore", args=[annotation.pk])
    response = client.post(restore, {"next": COMPARE_PAGE})
    assert response["Location"] == f"{COMPARE_PAGE}#hl-{annotation.pk}"


@pytest.mark.parametrize(
    # A bare word or relative path is no page of ours either: redirect() took "foo" for a view's name.
    "next_url",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "foo", "articles/1/", "?undo=1"],
)
def test_it_never_returns_to_another_site(client, alice, article, next_url):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    response = client.post(reverse("articles:annotation_delete", args=[annotation.pk]), {"next": next_url})
    assert response["Location"] == f"{article.get_absolute_url()}?undo={annotation.pk}"


def test_it_offers_undo_on_the_side_by_side_page(client, alice, article):
    other = make_article(story=article.story, body="Other text.")
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    delete_annotation(annotation)
    story_page = reverse("articles:compare", args=[other.story.slug])
    response = client.get(story_page, {"a": [article.pk, other.pk], "undo": annotation.pk})
    assert "Annotation deleted." in response.text
    assert f'name="next" value="{story_page}?a={article.pk}&amp;a={other.pk}"' in response.text


def test_it_returns_to_a_page_named_with_a_fragment_without_losing_undo(client, alice, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    delete = reverse("articles:annotation_delete", args=[annotation.pk])
    response = client.post(delete, {"next": "/stories/s/compare/?a=1#column-2"})
    assert response["Location"] == f"/stories/s/compare/?a=1&undo={annotation.pk}"


def test_it_keys_the_annotation_list_on_checked_parameters_only(client, alice, article):
    annotation = annotate(article, alice, "Nadella")
    client.force_login(alice)
    page = client.get(article.get_absolute_url(), {"utm_source": "x", "tag": "no-such-tag"}).text
    next_query = f"next=%2Farticles%2F{article.pk}%2F{article.slug}%2F"
    assert f'href="/annotations/{annotation.pk}/edit/?{next_query}"' in page


def test_it_refuses_an_edit_made_against_an_older_version_and_loses_nothing(alice, article):
    from django.test import Client

    annotation = annotate(article, alice, "Nadella", tags=["quote"], note="first")
    first_tab, second_tab = Client(), Client()
    for tab in (first_tab, second_tab):
        tab.force_login(alice)
    url = reverse("articles:annotation_update", args=[annotation.pk])
    loaded = [tab.get(url).context["form"]["version"].value() for tab in (first_tab, second_tab)]
    assert loaded == [1, 1]

    saved = first_tab.post(url, {"tags": "quote", "note": "from the first tab", "version": 1})
    refused = second_tab.post(url, {"tags": "claim", "note": "from the second tab", "version": 1})

    assert saved.status_code == 302 and refused.status_code == 409
    assert "from the first tab" in refused.text  # the newer version, shown
    assert "from the second tab" in refused.text  # and what was typed, kept in the form
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version, list(annotation.tags.names())) == (
        "from the first tab",
        2,
        ["quote"],
    )
    again = second_tab.post(url, {"tags": "claim", "note": "from the second tab", "version": 2})
    assert again.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("from the second tab", 3)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_version_cannot_both_pass(alice):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from articles.services.annotations import EditConflict, update_annotation

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables; this runs on PostgreSQL")
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella", note="first")

    def edit(note):
        from django.db import connections

        try:
            update_annotation(
                annotation=Annotation.objects.get(pk=annotation.pk), tags=[], note=note, version=1
            )
            return "saved"
        except EditConflict:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(edit, ["one", "two"]))
    assert results == ["conflict", "saved"]
    annotation.refresh_from_db()
    assert annotation.version == 2
