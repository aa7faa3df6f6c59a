"""Exports: which annotations (filters, visibility), replies included, CSV and JSON-LD read back
intact, streamed, bad input refused, and the report and the export page."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Annotation
from articles.services.moderation import hide
from articles.services.replies import create_reply, delete_reply
from newsroom.accounts.models import Group, Membership, Role
from newsroom.accounts.services import create_api_token
from newsroom.api import export
from newsroom.api.export import csv as export_csv
from newsroom.api.export import report as export_report
from newsroom.api.export import threads as export_threads
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo.\n\n"
    "Analysts doubted that the protest would change anything."
)
HOSTILE_NOTE = 'Élan, “quotes” and "double quotes", 🙂 emoji,\nnew lines;\r\nand <script>x</script>'
FORMULAS = ["=1+1", "+x", "-x", "@x", "\tx"]


@pytest.fixture
def mo(django_user_model):
    return django_user_model.objects.create_user("mo", password="pw")


@pytest.fixture
def team(alice, mo):
    """alice's group, which mo moderates."""
    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice)
    Membership.objects.create(group=group, user=mo, role=Role.MODERATOR)
    return group


@pytest.fixture
def others(bob):
    """bob's group, which alice is not in."""
    group = Group.objects.create(name="Others", slug="others")
    Membership.objects.create(group=group, user=bob, role=Role.OWNER)
    return group


@pytest.fixture
def story():
    return make_story("Cloud contract")


@pytest.fixture
def planet(story):
    return make_article(story=story, outlet=make_outlet("Daily Planet"), body=BODY, title="Planet on cloud")


@pytest.fixture
def gazette(story):
    return make_article(story=story, outlet=make_outlet("Gazette"), body=BODY, title="Gazette on cloud")


@pytest.fixture
def annotations(alice, bob, team, others, planet, gazette):
    """Who wrote what, and for whom; keyed by what alice and bob would call them."""
    elsewhere = make_article(story=make_story("Another story"), outlet=planet.outlet, body=BODY)
    return {
        "alice public": annotate(
            planet, alice, "Microsoft employees", tags=["labour"], note="Who **counts**?"
        ),
        "bob public": annotate(gazette, bob, "cloud contract", tags=["labour", "framing"]),
        "bob private": annotate(planet, bob, "the army", visibility="private"),
        "alice team": annotate(gazette, alice, "Nadella", note="Team note", visibility="group", group=team),
        "bob others": annotate(planet, bob, "a memo", visibility="group", group=others),
        "alice elsewhere": annotate(elsewhere, alice, "Analysts", tags=["framing"]),
    }


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def download(client, **params):
    response = client.get(reverse("api:export"), params)
    assert response.status_code == 200, response.content[:500]
    return response


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def items_of(client, **params) -> list[dict]:
    return json.loads(body_of(download(client, format="jsonld", **params)))["first"]["items"]


def rows_of(client, **params) -> list[dict]:
    text = body_of(download(client, format="csv", **params)).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def quotes(rows: list[dict]) -> set[str]:
    return {row["quote"] for row in rows if row["quote"]}


def quotes_in(items: list[dict]) -> set[str]:
    return {
        selector["exact"]
        for item in items
        if isinstance(item["target"], dict)
        for selector in item["target"]["selector"]
        if selector["type"] == "TextQuoteSelector"
    }


def error_of(response, field: str) -> str:
    assert response.status_code == 400, response.content[:500]
    error = response.json()
    assert error["field"] == field, error
    return error["error"]


# Which annotations


def test_it_exports_to_alice_what_she_may_see_and_nothing_else(alice, annotations):
    expected = {"Microsoft employees", "cloud contract", "Nadella", "Analysts"}
    assert quotes(rows_of(client_of(alice))) == expected
    assert quotes_in(items_of(client_of(alice))) == expected


def test_anonymous_readers_export_public_annotations_only(annotations):
    assert quotes(rows_of(client_of())) == {"Microsoft employees", "cloud contract", "Analysts"}


def test_the_author_of_private_and_group_notes_exports_them(bob, annotations):
    assert quotes(rows_of(client_of(bob))) == {
        "Microsoft employees",
        "cloud contract",
        "the army",
        "a memo",
        "Analysts",
    }


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"story": "story"}, {"Microsoft employees", "cloud contract", "Nadella"}),
        ({"article": "gazette"}, {"cloud contract", "Nadella"}),
        ({"group": "team"}, {"Nadella"}),
        ({"tag": "labour"}, {"Microsoft employees", "cloud contract"}),
        ({"tag": "FRAMING"}, {"cloud contract", "Analysts"}),  # a tag's name in any case
        ({"tag": "no-such-tag"}, set()),
        ({"author": "bob"}, {"cloud contract"}),
        ({"author": "nobody"}, set()),
        ({"tag": "labour", "author": "alice"}, {"Microsoft employees"}),
    ],
)
def test_each_filter_keeps_what_it_names(alice, annotations, story, gazette, filters, expected):
    values = {"story": story.slug, "gazette": str(gazette.pk)}
    params = {name: values.get(value, value) for name, value in filters.items()}
    assert quotes(rows_of(client_of(alice), **params)) == expected


def test_the_dates_filter_by_whole_days(alice, annotations):
    created = {
        "alice public": datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
        "bob public": datetime(2026, 1, 31, 23, 59, tzinfo=UTC),
        "alice team": datetime(2026, 2, 1, 0, 0, tzinfo=UTC),
        "alice elsewhere": datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
    }
    for name, moment in created.items():
        Annotation.objects.filter(pk=annotations[name].pk).update(created_at=moment)
    client = client_of(alice)
    january = {"Microsoft employees", "cloud contract"}
    assert quotes(rows_of(client, since="2026-01-01", until="2026-01-31")) == january
    assert quotes(rows_of(client, since="2026-02-01")) == {"Nadella"}
    assert quotes(rows_of(client, until="2025-12-31")) == {"Analysts"}


def test_another_groups_notes_are_never_exported_and_naming_it_reveals_nothing(alice, annotations):
    client = client_of(alice)
    assert "a memo" not in quotes(rows_of(client))
    theirs = error_of(client.get(reverse("api:export"), {"group": "others"}), "group")
    missing = error_of(client.get(reverse("api:export"), {"group": "nothere"}), "group")
    assert theirs.replace("others", "nothere") == missing


def test_a_token_exports_what_its_user_may_see(bob, annotations):
    token = create_api_token(user=bob, name="export")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert "the army" in quotes(rows_of(client))


# Replies


@pytest.fixture
def thread(alice, bob, annotations):
    """bob answers alice's public annotation, and alice answers him."""
    root = annotations["alice public"]
    answer = create_reply(annotation=root, author=bob, note="I count **three**.")
    return root, answer, create_reply(annotation=root, author=alice, note="Thanks", parent=answer)


def test_replies_are_exported_as_annotations_replying_to_what_they_answer(alice, thread):
    root, answer, thanks = thread
    items = {item["id"]: item for item in items_of(client_of(alice))}
    root_iri = next(iri for iri in items if iri.endswith(reverse("api:annotation", args=[root.pk])))
    answer_iri = root_iri.replace(
        reverse("api:annotation", args=[root.pk]), reverse("api:reply", args=[answer.pk])
    )
    thanks_iri = root_iri.replace(
        reverse("api:annotation", args=[root.pk]), reverse("api:reply", args=[thanks.pk])
    )
    assert items[answer_iri]["motivation"] == "replying"
    assert items[answer_iri]["target"] == root_iri
    assert items[answer_iri]["body"]["value"] == "I count **three**."
    assert items[thanks_iri]["target"] == answer_iri
    assert all("@context" in item for item in items.values())

    rows = {row["id"]: row for row in rows_of(client_of(alice))}
    assert rows[answer_iri]["parent"] == root_iri
    assert rows[thanks_iri]["parent"] == answer_iri
    assert rows[thanks_iri]["note"] == "Thanks"
    assert rows[thanks_iri]["article"] == "Planet on cloud"
    assert rows[root_iri]["parent"] == ""


def test_the_replies_of_notes_you_may_not_see_are_not_exported(alice, bob, annotations):
    create_reply(annotation=annotations["bob private"], author=bob, note="Only mine")
    assert "Only mine" not in {row["note"] for row in rows_of(client_of(alice))}
    assert "Only mine" in {row["note"] for row in rows_of(client_of(bob))}


# CSV


def test_csv_reads_back_every_field_intact_with_a_bom(alice, planet):
    annotation = annotate(planet, alice, "Microsoft employees", tags=["Élan", "🙂"], note=HOSTILE_NOTE)
    response = download(client_of(alice), format="csv")
    content = body_of(response)
    assert content.startswith(b"\xef\xbb\xbf")
    [row] = rows_of(client_of(alice))
    assert list(row) == export.CSV_COLUMNS
    assert row["note"] == annotation.note
    assert "\n" in row["note"] and "🙂" in row["note"] and '"' in row["note"]
    assert row["tags"] == "Élan, 🙂"
    assert row["story"] == "Cloud contract"
    assert row["outlet"] == "Daily Planet"
    assert row["article"] == "Planet on cloud"
    assert row["quote"] == "Microsoft employees"
    assert (row["start"], row["end"]) == ("0", "19")
    assert row["suffix"] == annotation.suffix
    assert row["author"] == "alice"
    assert row["visibility"] == "public"
    assert row["created"].endswith("Z")


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(alice, planet, formula):
    annotate(planet, alice, "Microsoft employees", note=formula)
    [row] = rows_of(client_of(alice))
    assert row["note"] == f"'{formula}"


def test_csv_leaves_ordinary_cells_alone():
    assert export_csv.neutralised("Who counts? 1+1=2") == "Who counts? 1+1=2"
    assert export_csv.neutralised(42) == "42"
    assert export_csv.neutralised("") == ""


# JSON-LD


def test_json_ld_is_one_annotation_collection_with_everything_in_its_first_page(alice, thread, story):
    collection = json.loads(body_of(download(client_of(alice), format="jsonld", story=story.slug)))
    assert "http://www.w3.org/ns/anno.jsonld" in collection["@context"]
    assert collection["type"] == "AnnotationCollection"
    assert collection["id"].endswith(f"{reverse('api:export')}?format=jsonld&story={story.slug}")
    assert "Cloud contract" not in collection["label"] and story.slug in collection["label"]
    page = collection["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert collection["total"] == len(page["items"]) == 3 + 2  # annotations, then replies


def test_json_ld_of_nothing_is_an_empty_collection(alice):
    collection = json.loads(body_of(download(client_of(alice), format="jsonld")))
    assert collection["total"] == 0 and collection["first"]["items"] == []


# Streaming


def test_exports_stream_as_attachments(alice, annotations):
    for format, media_type, extension in [
        ("csv", "text/csv", "csv"),
        ("jsonld", "application/ld+json", "jsonld"),
    ]:
        response = download(client_of(alice), format=format)
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith(media_type)
        assert re.fullmatch(
            rf'attachment; filename="newsroom-annotations-[\d-]+\.{extension}"',
            response["Content-Disposition"],
        )


def test_tags_and_replies_are_read_per_chunk_not_per_row(alice, planet, monkeypatch):
    monkeypatch.setattr(export_threads, "CHUNK_SIZE", 3)

    def queries_for(annotation_count: int) -> int:
        Annotation.objects.all().delete()
        for number in range(annotation_count):
            annotation = annotate(planet, alice, "Microsoft employees", tags=[f"tag {number}"])
            create_reply(annotation=annotation, author=alice, note=f"reply {number}")
        with CaptureQueriesContext(connection) as queries:
            rows = rows_of(client_of(alice))
        assert [row["tags"] for row in rows[::2]] == [f"tag {number}" for number in range(annotation_count)]
        assert [row["note"] for row in rows[1::2]] == [
            f"reply {number}" for number in range(annotation_count)
        ]
        return len(queries)

    # Per chunk, one query for their tags and one for their replies; no more for more rows.
    assert queries_for(3) == queries_for(1)
    assert queries_for(9) == queries_for(3) + 2 * 2


# Bad input


@pytest.mark.parametrize(
    "params, field",
    [
        ({"format": "xml"}, "format"),
        ({"since": "2026-02-30"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-02-02", "until": "2026-02-01"}, "until"),
        ({"article": "one"}, "article"),
        ({"story": "no-such-story"}, "story"),
        ({"page": "2"}, "page"),
        ({"tags": "labour"}, "tags"),
    ],
)
def test_bad_parameters_are_refused_with_the_field_at_fault(alice, params, field):
    response = client_of(alice).get(reverse("api:export"), params)
    assert error_of(response, field)


def test_the_page_refuses_bad_filters_on_the_form(alice):
    response = client_of(alice).get(reverse("export_download"), {"format": "csv", "since": "soon"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


# The report


@pytest.fixture
def hidden(annotations, mo):
    """mo hides alice's team note."""
    hide(item=annotations["alice team"], moderator=mo)
    return annotations["alice team"]


def marked(html: str) -> set[str]:
    """The passages a report shows."""
    return set(re.findall(r"<mark>(.*?)</mark>", html))


def sections_of(html: str) -> list[tuple[str, str]]:
    """Each outlet's heading and the HTML of its section."""
    return re.findall(r'<h2 id="outlet-\d+">(.*?) <span.*?</h2>(.*?)</section>', html, re.S)


def test_the_report_groups_a_storys_passages_by_outlet_with_their_notes(alice, thread, story):
    response = client_of(alice).get(reverse("export_report"), {"story": story.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Passages of the story “Cloud contract”" in html
    sections = dict(sections_of(html))
    assert list(sections) == ["Daily Planet", "Gazette"]
    assert marked(sections["Daily Planet"]) == {"Microsoft employees"}  # not bob's private "the army"
    assert marked(sections["Gazette"]) == {"cloud contract", "Nadella"}
    assert "<strong>counts</strong>" in sections["Daily Planet"]  # the note's HTML
    assert "I count <strong>three</strong>." in sections["Daily Planet"]  # a reply
    assert 'href="/static/css/report.css"' in html


def test_the_report_of_a_tag_names_it_and_keeps_its_passages_only(alice, annotations):
    html = client_of(alice).get(reverse("export_report"), {"tag": "labour"}).content.decode()
    assert "Passages tagged “labour”" in html
    assert marked(html) == {"Microsoft employees", "cloud contract"}


def test_a_long_report_says_that_it_shows_only_the_first_passages(alice, annotations, monkeypatch):
    monkeypatch.setattr(export_report, "REPORT_LIMIT", 1)
    html = client_of(alice).get(reverse("export_report"), {"tag": "labour"}).content.decode()
    assert len(marked(html)) == 1
    assert "2 passages" in html and "shows the first 1 of them" in html


def test_the_report_escapes_what_readers_wrote(alice, bob, planet):
    planet.title = "<i>Planet</i>"
    planet.save()
    annotation = annotate(
        planet, alice, "Microsoft employees", tags=["<b>bold</b>"], note="<script>x()</script>"
    )
    create_reply(annotation=annotation, author=bob, note="<img src=x onerror=alert(1)>")
    html = client_of(alice).get(reverse("export_report"), {"tag": "<b>bold</b>"}).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;i&gt;Planet&lt;/i&gt;" in html
    assert "<script>x()" not in html and "<img" not in html and "<i>Planet" not in html


def test_the_report_shows_hidden_items_as_hidden_except_to_their_author_and_moderators(
    alice, bob, mo, hidden
):
    story = {"story": hidden.article.story.slug}
    for reader in [alice, mo]:
        html = client_of(reader).get(reverse("export_report"), story).content.decode()
        assert "Team note" in html and "hidden by a moderator" in html

    Membership.objects.create(group=hidden.group, user=bob)
    html = client_of(bob).get(reverse("export_report"), story).content.decode()
    assert "Nadella" in marked(html) and "Hidden by a moderator." in html and "Team note" not in html


def test_a_hidden_annotation_is_exported_without_its_note_to_other_readers(bob, hidden):
    Membership.objects.create(group=hidden.group, user=bob)
    [row] = [row for row in rows_of(client_of(bob)) if row["quote"] == "Nadella"]
    assert (row["note"], row["hidden by a moderator"]) == ("", "yes")
    [item] = [item for item in items_of(client_of(bob)) if quotes_in([item]) == {"Nadella"}]
    assert item["hidden"] is True and "body" not in item


def test_a_report_needs_a_tag_or_a_story(alice):
    response = client_of(alice).get(reverse("export_report"), {"author": "alice"})
    assert response.status_code == 400
    assert "Choose a tag or a story for a report." in response.content.decode()


# The page


def test_the_export_page_serves_anonymous_readers(annotations):
    response = client_of().get(reverse("export"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "you export public annotations only" in html
    assert '<option value="team">' not in html
    assert "3 annotations match" in html


def test_the_export_page_offers_a_readers_own_groups_and_counts_what_matches(alice, annotations, story):
    response = client_of(alice).get(reverse("export"), {"story": story.slug})
    html = response.content.decode()
    assert '<option value="team">Team</option>' in html and '"others"' not in html
    assert "3 annotations match" in html
    assert f"/api/export?format=csv&amp;story={story.slug}" in html
    for button in ["Download CSV", "Download JSON-LD", "Report"]:
        assert f">{button}</button>" in html


def test_the_page_downloads_the_same_export_as_the_api(alice, annotations):
    response = client_of(alice).get(reverse("export_download"), {"format": "csv", "tag": "labour"})
    assert isinstance(response, StreamingHttpResponse)
    text = body_of(response).decode("utf-8-sig")
    assert quotes(list(csv.DictReader(io.StringIO(text, newline="")))) == {
        "Microsoft employees",
        "cloud contract",
    }


# Deleted replies that answers still need


def iri_of(response_iri: str, view: str, pk: int) -> str:
    """An item's IRI, on the host the export names (that of another item)."""
    return response_iri.split("/api/")[0] + reverse(view, args=[pk])


@pytest.fixture
def deleted_thread(alice, bob, annotations):
    """Under alice's public annotation: bob's answer, deleted, which alice answered; a deleted chain
    (bob's question, and alice's follow-up, both deleted) that alice's last word answers; and a
    deleted reply that nothing answers, and a deleted one that only deleted ones answer."""
    root = annotations["alice public"]
    answer = create_reply(annotation=root, author=bob, note="Gone answer")
    thanks = create_reply(annotation=root, author=alice, note="Thanks", parent=answer)
    question = create_reply(annotation=root, author=bob, note="Gone question")
    follow_up = create_reply(annotation=root, author=alice, note="Gone follow-up", parent=question)
    last_word = create_reply(annotation=root, author=alice, note="Last word", parent=follow_up)
    lonely = create_reply(annotation=root, author=bob, note="Gone alone")
    dead_end = create_reply(annotation=root, author=bob, note="Gone dead end")
    dead_answer = create_reply(annotation=root, author=alice, note="Gone too", parent=dead_end)
    for reply in [answer, question, follow_up, lonely, dead_end, dead_answer]:
        delete_reply(reply=reply)
    return {
        "root": root,
        "kept": [answer, question, follow_up],
        "live": [thanks, last_word],
        "dropped": [lonely, dead_end, dead_answer],
    }


def test_deleted_replies_that_answers_need_are_exported_as_placeholders(alice, deleted_thread):
    items = {item["id"]: item for item in items_of(client_of(alice))}
    some_iri = next(iter(items))
    for reply in deleted_thread["kept"]:
        item = items[iri_of(some_iri, "api:reply", reply.pk)]
        assert item["deleted"] is True and "body" not in item and "creator" not in item
    for reply in deleted_thread["live"]:
        assert items[iri_of(some_iri, "api:reply", reply.pk)]["body"]["value"] in {"Thanks", "Last word"}
    for reply in deleted_thread["dropped"]:
        assert iri_of(some_iri, "api:reply", reply.pk) not in items
    # What every reply answers is in the file.
    assert all(item["target"] in items for item in items.values() if item["motivation"] == "replying")
    assert not any("Gone" in json.dumps(item) for item in items.values())


def test_deleted_replies_that_answers_need_have_a_csv_row_marked_deleted(alice, deleted_thread):
    rows = {row["id"]: row for row in rows_of(client_of(alice))}
    some_iri = next(iter(rows))
    for reply in deleted_thread["kept"]:
        row = rows[iri_of(some_iri, "api:reply", reply.pk)]
        assert (row["deleted"], row["note"], row["author"]) == ("yes", "", "")
    for reply in deleted_thread["live"]:
        assert rows[iri_of(some_iri, "api:reply", reply.pk)]["deleted"] == ""
    for reply in deleted_thread["dropped"]:
        assert iri_of(some_iri, "api:reply", reply.pk) not in rows
    assert all(row["parent"] in rows for row in rows.values() if row["parent"])
    assert not any("Gone" in value for row in rows.values() for value in row.values())


def test_deleted_replies_of_threads_you_may_not_read_are_not_exported(alice, bob, annotations):
    private = annotations["bob private"]
    gone = create_reply(annotation=private, author=bob, note="Gone")
    create_reply(annotation=private, author=bob, note="Still here", parent=gone)
    delete_reply(reply=gone)
    gone_path = reverse("api:reply", args=[gone.pk])
    assert not any(row["id"].endswith(gone_path) for row in rows_of(client_of(alice)))
    assert any(row["id"].endswith(gone_path) for row in rows_of(client_of(bob)))


def test_the_report_shows_a_needed_deleted_reply_as_deleted_without_its_text(alice, deleted_thread, story):
    html = client_of(alice).get(reverse("export_report"), {"story": story.slug}).content.decode()
    assert "Thanks" in html and "Last word" in html and "Gone" not in html
    assert html.count("This reply was deleted.") == 3


# Hostile input: refused before anything is streamed

HUGE = str(10**30)
HOSTILE = [
    ({"article": HUGE}, "article"),
    ({"article": str(2**63)}, "article"),
    ({"article": "0"}, "article"),
    ({"article": "-1"}, "article"),
    ({"article": "9" * 5000}, "article"),
    ({"until": "9999-12-31"}, "until"),
    ({"since": "9999-12-31"}, "since"),
    ({"since": "0001-01-01"}, "since"),
    ({"since": "99999-01-01"}, "since"),
]


# NUL characters, which PostgreSQL's text cannot hold (a middleware may refuse them first).
WITH_NUL = [
    ({"tag": "lab\x00our"}, "tag"),
    ({"author": "\x00"}, "author"),
    ({"story": "cloud\x00"}, "story"),
    ({"group": "\x00"}, "group"),
    ({"format": "csv\x00"}, "format"),
    ({"since": "2026-01-01\x00"}, "since"),
    ({"article": "1\x00"}, "article"),
]


@pytest.mark.parametrize("params, field", WITH_NUL)
def test_the_form_refuses_nul_characters_before_any_query(alice, annotations, params, field):
    form = export.ExportForm(alice, params)
    with CaptureQueriesContext(connection) as queries:
        assert not form.is_valid()
    assert list(form.errors) == [field]
    assert not [query for query in queries if "articles_story" in query["sql"]]


@pytest.mark.parametrize("params, field", WITH_NUL)
def test_nul_characters_are_refused_with_a_400_everywhere(alice, annotations, story, params, field):
    for name, extra in [
        ("api:export", {"format": "csv"}),
        ("export_download", {"format": "jsonld"}),
        ("export_report", {"story": story.slug}),
    ]:
        response = client_of(alice).get(reverse(name), {**extra, **params})
        assert response.status_code == 400 and not isinstance(response, StreamingHttpResponse)
    response = client_of(alice).get(reverse("api:export"), {"x\x00": "1"})
    assert response.status_code == 400 and "error" in response.json()


@pytest.mark.parametrize("params, field", HOSTILE)
def test_the_api_refuses_hostile_values_with_a_400(alice, annotations, params, field):
    for format in ["csv", "jsonld"]:
        response = client_of(alice).get(reverse("api:export"), {"format": format, **params})
        assert not isinstance(response, StreamingHttpResponse)
        assert error_of(response, field)


def test_the_api_refuses_unknown_parameters_before_anything_else(alice):
    params = {"format": "csv", "until": "9999-12-31", "pages": "1" * 5000}
    assert error_of(client_of(alice).get(reverse("api:export"), params), "pages")


@pytest.mark.parametrize("params, field", HOSTILE)
def test_the_page_refuses_hostile_values_with_a_400_page(alice, annotations, story, params, field):
    for name, extra in [
        ("export_download", {"format": "csv"}),
        ("export_download", {"format": "jsonld"}),
        ("export_report", {"story": story.slug}),
    ]:
        response = client_of(alice).get(reverse(name), {**extra, **params})
        assert response.status_code == 400, (name, response.content[:300])
        assert not isinstance(response, StreamingHttpResponse)
        assert "Correct what is marked below" in response.content.decode()
    assert client_of(alice).get(reverse("export"), params).status_code == 200  # the form, with its error


def test_the_largest_article_id_and_the_last_dates_allowed_are_answered(alice, annotations):
    assert items_of(client_of(alice), article=str(2**63 - 1)) == []
    assert len(items_of(client_of(alice), until="9999-12-30", since="0001-01-02")) == 4


def test_a_failing_query_fails_before_the_response_starts(alice, annotations, monkeypatch):
    """An export whose reading fails answers an error, never a 200 cut short."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(export_threads, "attach_tag_links", broken)
    for url in [reverse("api:export"), reverse("export_download")]:
        for format in ["csv", "jsonld"]:
            with pytest.raises(RuntimeError):
                client_of(alice).get(url, {"format": format})


# The collection's total


def test_the_total_counts_what_the_file_holds_even_when_written_to_meanwhile(
    alice, bob, annotations, monkeypatch
):
    monkeypatch.setattr(export_threads, "CHUNK_SIZE", 1)
    monkeypatch.setattr(export_threads, "PIECES_PER_WRITE", 1)
    chunks = export.jsonld_chunks("https://newsroom.example", alice, export.ExportFilters())
    head = next(chunks) + next(chunks)  # the first annotation's chunk is read
    # Meanwhile bob answers the last one.
    create_reply(annotation=annotations["alice elsewhere"], author=bob, note="Late")
    collection = json.loads(head + "".join(chunks))
    assert "Late" in json.dumps(collection)
    assert collection["total"] == len(collection["first"]["items"]) == 4 + 1


# The API's parameters are the form's


def test_the_apis_parameters_are_the_forms_fields():
    from newsroom.api.routes.export import ExportQuery

    assert list(ExportQuery.model_fields) == list(export.ExportForm.base_fields)
    assert all(field.description for field in ExportQuery.model_fields.values())


def test_an_article_page_links_to_the_export_of_its_annotations_which_names_it(client, alice):
    article = make_article(title="The <b>letter</b>", body="Microsoft employees protested.")
    link = f"{reverse('export')}?article={article.pk}"
    assert f'href="{link}"' in client.get(article.get_absolute_url()).text
    page = client.get(link).text
    assert "Only the annotations on" in page and "The &lt;b&gt;letter&lt;/b&gt;" in page
    assert "Only the annotations on" not in client.get(reverse("export")).text
