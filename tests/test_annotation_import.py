"""Importing annotations: our export, Hypothesis's and Recogito's; matching, placing, threads,
audiences, dry runs, bad files and bad records; the page, the command and the API route."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, Tag
from articles.models.annotations import Reply
from articles.services.replies import create_reply, delete_reply
from newsroom.accounts.models import Group, Membership
from newsroom.api import imports
from newsroom.api.export import ExportFilters, jsonld_chunks
from newsroom.api.imports import ImportFileError, import_annotations, read_document
from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
NEWS_URL = "https://www.example-news.com/2018/06/20/border-policy-reversal/"
BODY = (
    "WASHINGTON — President Trump abandoned his administration's practice of separating migrant "
    "families at the border.\n\n"
    "On Wednesday the president signed an executive order that he said would keep families together "
    "at the border, reversing a policy that had drawn condemnation across the political spectrum.\n\n"
    "The order does not end the prosecution of adults who cross the border illegally. Officials said "
    "the administration had separated more than 2,300 children from their parents since May."
)
ORDER = "signed an executive order that he said would keep families together at the border"
START, END = BODY.index(ORDER), BODY.index(ORDER) + len(ORDER)
HYPOTHESIS_FILE = Path(__file__).parent / "data" / "hypothesis_export.json"


@pytest.fixture
def news():
    return make_article(title="Trump reverses course", body=BODY, source_url=NEWS_URL)


@pytest.fixture
def staff(alice):
    alice.is_staff = True
    alice.save()
    return alice


@pytest.fixture
def carol(django_user_model):
    """Staff who import for others, and write nothing of their own."""
    return django_user_model.objects.create_user("carol", is_staff=True)


@pytest.fixture
def seminar(alice):
    group = Group.objects.create(name="Seminar", slug="seminar")
    Membership.objects.create(group=group, user=alice)
    return group


def w3c(
    exact, *, source="https://recogito.example/document/x", note="", tags=(), prefix="", suffix="", **more
):
    """A W3C annotation of a passage quoted by a TextQuoteSelector."""
    bodies = [{"type": "TextualBody", "value": note, "purpose": "commenting"}] if note else []
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]
    selector = {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}
    return {"type": "Annotation", "body": bodies, "target": {"source": source, "selector": [selector]}} | more


def statuses(report) -> list[tuple[str, str]]:
    return [(outcome.where, outcome.status) for outcome in report.outcomes]


def database() -> tuple:
    """Everything an import may write, to check that nothing was."""
    return (
        list(Annotation.objects.values_list("pk", "start", "end", "note", "visibility", "group", "author")),
        list(Reply.objects.values_list("pk", "note", "parent", "annotation")),
        list(Tag.objects.values_list("name", flat=True)),
    )


def snapshot() -> list:
    """The annotations and replies as what an export and import must keep."""
    return sorted(
        (
            a.article_id,
            a.start,
            a.end,
            a.exact,
            a.prefix,
            a.suffix,
            sorted(tag.name for tag in a.tags.all()),
            a.note,
            a.visibility,
            a.group_id,
            a.author.username,
            sorted(
                (r.author.username, r.note, r.parent.note if r.parent else None)
                for r in a.replies.filter(deleted_at=None)
            ),
        )
        for a in Annotation.objects.all()
    )


# Our own export, there and back


def test_it_gives_back_what_was_exported_once_everything_was_deleted(staff, bob, seminar, news):
    Membership.objects.create(group=seminar, user=bob)
    other = make_article(body="A second article.\n\nIt has its own text and no source URL.")
    first = annotate(news, staff, ORDER, tags=["policy", "Framing"], note="Keeps families *together*.")
    annotate(news, bob, "more than 2,300 children", note="In the group.", visibility="group", group=seminar)
    annotate(news, staff, "since May", tags=["dates"], visibility="private")
    annotate(other, bob, "its own text")
    answer = create_reply(annotation=first, author=bob, note="Not the prosecutions, though.")
    create_reply(annotation=first, parent=answer, author=staff, note="Right: next paragraph.")
    withdrawn = create_reply(annotation=first, author=bob, note="Withdrawn.")
    create_reply(annotation=first, parent=withdrawn, author=staff, note="Answers a deleted reply.")
    delete_reply(reply=withdrawn)  # kept in the export as {"deleted": true}, for its answer
    exported = json.loads("".join(jsonld_chunks(BASE, staff, ExportFilters())))
    before = snapshot()
    Annotation.objects.all().delete()

    report = import_annotations(
        exported, user=staff, dry_run=False, creators={"alice": "alice", "bob": "bob"}
    )

    # The placeholder is not imported (no reply here is made deleted); its answer answers what it
    # answered, the annotation. Everything else comes back as it was.
    assert [(o.kind, o.status, o.message) for o in report.outcomes if o.status != "created"] == [
        ("reply", "refused", "A deleted reply: only its answers are imported.")
    ]
    assert report.count("created") == 7
    lifted = [
        row[:-1]
        + (sorted((who, note, None if parent == "Withdrawn." else parent) for who, note, parent in row[-1]),)
        for row in before
    ]
    assert snapshot() == lifted
    assert Reply.objects.get(note="Answers a deleted reply.").parent is None


def test_an_export_from_another_site_is_matched_by_source_url_then_placed_by_quote(alice, news):
    document = w3c(ORDER, source=NEWS_URL, note="A note", id="https://other.example/api/annotations/9")
    document["target"]["selector"].append({"type": "TextPositionSelector", "start": 3, "end": 90})

    report = import_annotations(document, user=alice, dry_run=False)

    annotation = Annotation.objects.get()
    assert (annotation.article, annotation.exact, annotation.author) == (news, ORDER, alice)
    assert report.outcomes[0].method == "quote"


def test_our_own_article_url_names_the_article(alice, news):
    twin = make_article(body=BODY)  # the same text: only the URL can tell them apart
    document = w3c(ORDER, source=BASE + twin.get_absolute_url())

    import_annotations([document], user=alice, dry_run=False)

    assert Annotation.objects.get().article == twin


# Hypothesis and Recogito


def test_it_imports_a_hypothesis_export(staff, news, django_user_model):
    bob = django_user_model.objects.create_user("bob")
    creators = {"acct:alice@hypothes.is": "alice", "acct:bob@hypothes.is": "bob"}

    report = import_annotations(
        read_document(HYPOTHESIS_FILE.read_bytes()), user=staff, dry_run=False, creators=creators
    )

    assert statuses(report) == [
        ("#1", "created"),
        ("#2", "created"),
        ("#3", "created"),
        ("#4", "created"),
        ("#5", "orphaned"),  # a page note has no passage
        ("#6", "orphaned"),  # another site's page
    ]
    public = Annotation.objects.get(exact=ORDER)
    assert (public.visibility, public.author, public.note) == (
        "public",
        staff,
        "The order keeps families together **in detention**: it does not end the prosecutions.",
    )
    assert sorted(tag.name for tag in public.tags.all()) == ["framing", "policy"]
    reply = Reply.objects.get()
    assert (reply.annotation, reply.author, reply.parent) == (public, bob, None)
    highlight = Annotation.objects.get(exact="more than 2,300 children")
    assert (highlight.visibility, highlight.note) == ("private", "")
    # A Hypothesis group is not a group here: private, and the report says so.
    assert Annotation.objects.get(note__startswith="For the seminar").visibility == "private"
    assert "Imported as private" in report.outcomes[3].message
    assert "no passage" in report.outcomes[4].message
    assert "No article here has its source URL or its quote" in report.outcomes[5].message


def test_it_imports_a_recogito_export_with_its_replies(alice, news):
    recogito = w3c(
        "reversing a policy",
        note="Strong verb.",
        tags=["wording"],
        id="https://recogito.pelagios.org/annotation/5c7e",
        **{"@context": "http://www.w3.org/ns/anno.jsonld"},
    )
    recogito["body"] += [
        {
            "type": "TextualBody",
            "value": "Agreed.",
            "purpose": "replying",
            "creator": {"id": "https://x/bob"},
        },
        {"type": "TextualBody", "value": "Me too.", "purpose": "replying"},
    ]
    recogito["target"]["selector"].insert(0, {"type": "TextPositionSelector", "start": 9, "end": 27})

    report = import_annotations([recogito], user=alice, dry_run=False)

    assert statuses(report) == [("#1", "created"), ("#1, reply 1", "created"), ("#1, reply 2", "created")]
    annotation = Annotation.objects.get()
    assert (annotation.note, [tag.name for tag in annotation.tags.all()]) == ("Strong verb.", ["wording"])
    assert [(reply.note, reply.parent) for reply in annotation.replies.all()] == [
        ("Agreed.", None),
        ("Me too.", None),
    ]


# Matching and placing


def test_a_quote_in_two_articles_is_placed_by_its_context_or_orphaned_never_guessed(alice, news):
    other = make_article(
        title="Another outlet",
        body="Critics said the president signed an executive order that he said would "
        "keep families together at the border, too late.",
    )
    with_context = w3c(ORDER, prefix="Critics said the president ", suffix=", too late.")
    without = w3c(ORDER)

    report = import_annotations([with_context, without], user=alice, dry_run=False)

    assert statuses(report) == [("#1", "created"), ("#2", "orphaned")]
    assert Annotation.objects.get().article == other
    assert "is in 2 articles" in report.outcomes[1].message
    assert (
        "Another outlet" in report.outcomes[1].message
        and "Trump reverses course" in report.outcomes[1].message
    )


def test_a_passage_edited_a_little_is_placed_by_a_fuzzy_match(alice, news):
    old = "signed an executive order that he said would keep the families together at the border"
    document = w3c(old, source=NEWS_URL, prefix="On Wednesday the president ", suffix=", reversing a policy")

    report = import_annotations(document, user=alice, dry_run=False)

    assert report.outcomes[0].method == "fuzzy"
    assert Annotation.objects.get().exact == ORDER


def test_a_passage_that_is_not_in_the_named_article_is_orphaned(alice, news):
    report = import_annotations(w3c("a sentence it never had", source=NEWS_URL), user=alice, dry_run=False)

    assert statuses(report) == [("#1", "orphaned")]
    assert "is not in “Trump reverses course”" in report.outcomes[0].message
    assert not Annotation.objects.exists()


# Dry runs, duplicates


def test_a_dry_run_changes_nothing_and_agrees_with_the_import(staff, news, django_user_model):
    django_user_model.objects.create_user("bob")
    document = read_document(HYPOTHESIS_FILE.read_bytes())
    creators = {"acct:bob@hypothes.is": "bob"}
    before = database()

    dry = import_annotations(document, user=staff, dry_run=True, creators=creators)

    assert database() == before
    real = import_annotations(document, user=staff, dry_run=False, creators=creators)
    assert dry.outcomes == real.outcomes
    assert Annotation.objects.count() == dry.count("created", "annotation") == 3
    assert Reply.objects.count() == dry.count("created", "reply") == 1
    assert "would be created" in dry.summary and "would be" not in real.summary


def test_importing_the_same_file_again_duplicates_nothing(alice, news):
    document = [
        w3c(ORDER, id="a", note="Once."),
        {"motivation": "replying", "target": "a", "body": {"value": "Hi"}},
    ]
    import_annotations(document, user=alice, dry_run=False)
    before = database()

    again = import_annotations(document, user=alice, dry_run=False)

    assert [outcome.status for outcome in again.outcomes] == ["duplicate", "duplicate"]
    assert database() == before


def test_the_same_annotation_twice_in_a_file_is_created_once(alice, news):
    report = import_annotations([w3c(ORDER, note="x"), w3c(ORDER, note="x")], user=alice, dry_run=False)

    assert statuses(report) == [("#1", "created"), ("#2", "duplicate")]
    assert Annotation.objects.count() == 1


def test_a_changed_record_is_not_already_imported(alice, seminar, news):
    import_annotations(w3c(ORDER, note="x", tags=["Policy"]), user=alice, dry_run=False)
    changed = [
        w3c(ORDER, note="x", tags=["policy"]),  # the same tag, as the app tells tags apart
        w3c(ORDER, note="x", tags=["policy", "dates"]),
        w3c(ORDER, note="x", tags=["Policy"], visibility="private"),
        w3c(ORDER, note="x", tags=["Policy"], visibility="group", group="seminar"),
        w3c(ORDER, note="y", tags=["Policy"]),
    ]

    report = import_annotations(changed, user=alice, dry_run=False)

    assert [outcome.status for outcome in report.outcomes] == ["duplicate"] + ["created"] * 4
    assert Annotation.objects.count() == 5


def test_staff_learn_nothing_of_what_they_cannot_read_and_replies_go_where_their_author_reads(
    carol, alice, bob, news
):
    secret = annotate(news, alice, ORDER, note="Mine.", visibility="private")
    document = [
        w3c(ORDER, source=NEWS_URL, id="a", note="Mine.", creator="alice", visibility="private"),
        {"motivation": "replying", "target": "a", "body": {"value": "Seen."}, "creator": "bob"},
        w3c(ORDER, source=NEWS_URL, id="p", note="Mine.", creator="alice"),
        {"motivation": "replying", "target": "p", "body": {"value": "Public."}, "creator": "bob"},
    ]

    report = import_annotations(
        document, user=carol, dry_run=False, creators={"alice": "alice", "bob": "bob"}
    )

    # carol cannot read alice's private annotation: it is no duplicate of hers, so the report says
    # nothing of it; bob cannot read the private one imported for alice: his reply stays out of it.
    assert statuses(report) == [("#1", "created"), ("#2", "refused"), ("#3", "created"), ("#4", "created")]
    assert report.outcomes[1].message == (
        "bob may not read the thread it answers (private, by alice): "
        "a reply goes only where its author could write it."
    )
    assert (report.outcomes[0].visibility, report.outcomes[2].visibility) == ("private", "public")
    assert not Reply.objects.filter(annotation__visibility="private").exists()
    assert Annotation.objects.filter(author=alice, visibility="private").count() == 2
    assert [reply.note for reply in Annotation.objects.get(visibility="public").replies.all()] == ["Public."]
    assert not secret.replies.exists()


def test_a_reply_goes_into_a_group_thread_only_for_a_member(carol, alice, bob, seminar, news):
    document = [
        w3c(ORDER, id="g", creator="alice", visibility="group", group=f"{BASE}/groups/seminar/"),
        {"motivation": "replying", "target": "g", "body": {"value": "Stranger."}, "creator": "bob"},
        {"motivation": "replying", "target": "g", "body": {"value": "Member."}, "creator": "alice"},
    ]
    creators = {"alice": "alice", "bob": "bob"}

    report = import_annotations(document, user=carol, dry_run=False, creators=creators)

    assert statuses(report) == [("#1", "created"), ("#2", "refused"), ("#3", "created")]
    assert "bob may not read the thread it answers (seminar, by alice)" in report.outcomes[1].message
    assert list(Reply.objects.values_list("note", flat=True)) == ["Member."]


# Threads


def test_replies_follow_their_thread_whatever_the_order_of_the_file(alice, news):
    document = [
        {"motivation": "replying", "id": "r2", "target": "r1", "body": {"value": "Second"}},
        {"motivation": "replying", "id": "r1", "target": "a", "body": {"value": "First"}},
        w3c(ORDER, id="a"),
        {"motivation": "replying", "id": "r3", "target": "nowhere", "body": {"value": "Lost"}},
    ]

    report = import_annotations(document, user=alice, dry_run=False)

    assert statuses(report) == [("#1", "created"), ("#2", "created"), ("#3", "created"), ("#4", "refused")]
    second = Reply.objects.get(note="Second")
    assert (second.parent.note, second.parent.parent) == ("First", None)


def test_replies_to_an_annotation_that_is_not_imported_are_refused(alice, news):
    document = [
        w3c("not in the article", id="a"),
        {"motivation": "replying", "target": "a", "body": {"value": "Hi"}},
    ]

    report = import_annotations(document, user=alice, dry_run=False)

    assert statuses(report) == [("#1", "orphaned"), ("#2", "refused")]
    assert report.outcomes[1].message == "It answers #1, which is not imported."


def test_a_cycle_of_replies_is_refused(alice, news):
    document = [
        {"motivation": "replying", "id": "x", "target": "y", "body": {"value": "X"}},
        {"motivation": "replying", "id": "y", "target": "x", "body": {"value": "Y"}},
    ]

    report = import_annotations(document, user=alice, dry_run=False)

    assert statuses(report) == [("#1", "refused"), ("#2", "refused")]


def test_a_long_chain_of_replies_is_imported(alice, news):
    chain = [w3c(ORDER, id="r0")]
    chain += [
        {"motivation": "replying", "id": f"r{n}", "target": f"r{n - 1}", "body": {"value": f"{n}"}}
        for n in range(1, 1500)
    ]

    report = import_annotations(list(reversed(chain)), user=alice, dry_run=True)

    assert report.count("created") == 1500


# Audiences and authors


def test_group_annotations_go_to_a_group_the_author_is_in_else_are_private(alice, bob, seminar, news):
    shared = w3c(ORDER, source=NEWS_URL, visibility="group", group=f"{BASE}/groups/seminar/")

    as_member = import_annotations(shared, user=alice, dry_run=False)
    as_stranger = import_annotations(shared, user=bob, dry_run=False)

    assert (as_member.outcomes[0].visibility, as_member.outcomes[0].group) == ("group", "seminar")
    assert Annotation.objects.get(author=alice).group == seminar
    assert Annotation.objects.get(author=bob).visibility == "private"
    assert as_stranger.outcomes[0].message == "Imported as private: bob is not in a group “seminar” here."


def test_only_staff_may_say_who_wrote_what(alice, bob, news):
    with pytest.raises(ImportFileError, match="Only staff"):
        import_annotations(w3c(ORDER), user=alice, dry_run=True, creators={"x": "bob"})


def test_a_creators_map_naming_unknown_users_changes_nothing(staff, news):
    with pytest.raises(ImportFileError, match="not here: nobody"):
        import_annotations(w3c(ORDER), user=staff, dry_run=False, creators={"x": "nobody"})
    assert not Annotation.objects.exists()


def test_creators_the_map_does_not_name_become_the_importer(staff, bob, news):
    document = [w3c(ORDER, creator={"nickname": "bob"}), w3c("since May", creator="acct:carol@hypothes.is")]

    import_annotations(document, user=staff, dry_run=False, creators={"bob": "bob"})

    assert sorted(Annotation.objects.values_list("author__username", flat=True)) == ["alice", "bob"]


# Bad files


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"not json", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"42", "holds no list or object of annotations"),
        (b'{"hello": "world"}', "expected a list of annotations"),
        (b'{"first": "https://x/api/articles/1/annotations?page=0"}', "pages are not in the file"),
        (b'{"items": {"a": 1}}', "expected a list of annotations"),
        (b"[" + b"1" * 5000 + b"]", "not valid JSON"),
        (b'[{"body": {"value": "\\ud800"}, "target": {}}]', "contains a lone surrogate"),
        (b'{"\\udfff": 1}', "contains a lone surrogate"),
    ],
)
def test_a_file_that_is_not_an_annotation_file_changes_nothing(alice, news, raw, message):
    with pytest.raises(ImportFileError, match=message):
        import_annotations(read_document(raw), user=alice, dry_run=False)
    assert not Annotation.objects.exists()


def test_a_file_too_big_or_with_too_many_records_is_refused(alice, news, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="larger than 100 bytes"):
        read_document(json.dumps([w3c(ORDER)] * 5).encode())
    with pytest.raises(ImportFileError, match="10,001 records"):
        import_annotations([{}] * 10_001, user=alice, dry_run=False)


def test_ten_thousand_records_are_each_reported(alice, news):
    report = import_annotations([w3c("nowhere to be found")] * 5000 + [[1]] * 5000, user=alice, dry_run=True)

    assert report.count("orphaned") == 5000 and report.count("refused") == 5000


# Bad records: each is reported, the others imported


@pytest.mark.parametrize(
    "record, message",
    [
        ("text", "An annotation must be an object, not text."),
        ({"@context": "x", "body": [1]}, "A body must be an object, not a number."),
        ({"body": {"value": ["a"]}, "target": {}}, "“value” must be text, not a list."),
        (w3c(ORDER, note="x\x00y"), "“value” contains a NUL character."),
        (w3c(ORDER, tags=["a\x00"]), "“value” contains a NUL character."),
        (w3c("x\x00" + ORDER), "A selector contains a NUL character."),
        (w3c(ORDER, tags=["one, two"]), "A tag cannot contain a comma."),
        (w3c(ORDER, tags=["bell\x07"]), "cannot contain control characters"),
        (w3c(ORDER, tags=[f"t{n}" for n in range(21)]), "at most 20 tags"),
        (w3c(ORDER, note="n" * 10_001), "at most 10000 characters"),
        (w3c(ORDER, visibility="everyone"), "“visibility” must be public, group or private"),
        (w3c(ORDER, visibility=["public"]), "“visibility” must be text, not a list."),
        (
            {"target": {"selector": {"type": "TextPositionSelector", "start": -1, "end": 5}}, "body": []},
            "selector is not valid",
        ),
        ({"target": {"selector": [{"type": ["TextQuoteSelector"]}]}, "uri": "x"}, "no passage"),
        (
            {"target": {"selector": {"type": "TextQuoteSelector", "exact": 7}}, "body": []},
            "selector is not valid",
        ),
        (w3c(ORDER, hidden=True), "A moderator withheld it"),
        ({"motivation": "replying", "target": "a", "body": {"value": " "}}, "It answers no annotation"),
        ({"uri": NEWS_URL, "tags": "policy"}, "“tags” must be a list of texts."),
        ({"uri": NEWS_URL, "permissions": "all"}, "“permissions” must be an object, not text."),
    ],
)
def test_a_bad_record_is_reported_and_the_others_imported(alice, news, record, message):
    report = import_annotations([record, w3c("since May")], user=alice, dry_run=False)

    assert report.outcomes[0].status in ("refused", "orphaned")
    assert message in report.outcomes[0].message
    assert report.outcomes[-1].status == "created"
    assert Annotation.objects.get().exact == "since May"


def test_huge_numbers_and_positions_outside_the_text_are_not_placed_there(alice, news):
    far = {"type": "TextPositionSelector", "start": 10**30, "end": 10**30 + 5}
    records = [
        {"body": [], "target": {"source": NEWS_URL, "selector": far}},
        {
            "body": [],
            "target": {
                "source": NEWS_URL,
                "selector": {"type": "TextPositionSelector", "start": 5, "end": 1e300},
            },
        },
        {"body": [], "target": {"source": f"{BASE}/articles/99999999999999999999999/x/", "selector": far}},
    ]

    report = import_annotations(records, user=alice, dry_run=False)

    assert [outcome.status for outcome in report.outcomes] == ["orphaned", "refused", "orphaned"]
    assert not Annotation.objects.exists()


def test_an_empty_reply_is_refused(alice, news):
    document = [w3c(ORDER, id="a"), {"motivation": "replying", "target": "a", "body": {"value": "  "}}]

    report = import_annotations(document, user=alice, dry_run=False)

    assert report.outcomes[1].message == "A reply cannot be empty: write something."


# The page


def upload(document, name="annotations.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/json")


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("annotation_import"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_a_dry_run_then_imports_the_same_file(client, alice, news):
    client.force_login(alice)
    document = [w3c(ORDER, note="From the page <script>"), w3c("nowhere")]

    shown = client.post(reverse("annotation_import"), {"file": upload(document), "dry_run": "on"})

    assert shown.status_code == 200 and not Annotation.objects.exists()
    page = shown.content.decode()
    assert "1 annotation and 0 replies would be created" in page
    assert "Import these 1 annotation" in page and "No article here has its source URL or its quote" in page
    checked = shown.context["confirm"]["checked"]
    imported = client.post(reverse("annotation_import"), {"file": upload(document), "checked": checked})
    assert "1 annotation and 0 replies created" in imported.content.decode()
    assert Annotation.objects.get().note == "From the page <script>"


def test_the_page_imports_another_file_than_the_one_it_checked_only_as_a_dry_run(client, alice, news):
    client.force_login(alice)

    response = client.post(reverse("annotation_import"), {"file": upload([w3c(ORDER)]), "checked": "0" * 64})

    assert response.context["report"].dry_run and not Annotation.objects.exists()


def test_the_page_refuses_a_bad_file_with_its_reason(client, alice, news):
    client.force_login(alice)
    bad = SimpleUploadedFile("a.json", b"{oops", content_type="application/json")

    response = client.post(reverse("annotation_import"), {"file": bad})

    assert response.status_code == 400
    assert "The file is not valid JSON" in response.content.decode()
    assert not Annotation.objects.exists()


def test_the_page_refuses_a_lone_surrogate_with_its_reason(client, alice, news):
    client.force_login(alice)
    raw = json.dumps([w3c(ORDER, note="\ud800")]).encode()  # json.dumps escapes it: "\\ud800"

    response = client.post(reverse("annotation_import"), {"file": SimpleUploadedFile("a.json", raw)})

    assert response.status_code == 400
    assert "The file contains a lone surrogate" in response.content.decode()
    assert not Annotation.objects.exists()


def test_the_page_says_when_the_hourly_import_limit_is_reached(client, alice, news, settings):
    settings.IMPORTED_PER_HOUR = 2
    client.force_login(alice)
    document = [w3c(ORDER, id="a"), {"motivation": "replying", "target": "a", "body": {"value": "Hi"}}]
    bigger = [*document, w3c("since May")]

    dry = client.post(reverse("annotation_import"), {"file": upload(bigger), "dry_run": "on"})
    refused = client.post(reverse("annotation_import"), {"file": upload(bigger)})

    assert dry.status_code == 200 and dry.context["report"].created == 3  # a dry run counts nothing
    assert refused.status_code == 429
    assert (
        "at most 2 annotations and replies an hour, and this file would create 3" in refused.content.decode()
    )
    assert not Annotation.objects.exists()
    assert client.post(reverse("annotation_import"), {"file": upload(document)}).status_code == 200
    assert Annotation.objects.count() == Reply.objects.count() == 1
    again = client.post(reverse("annotation_import"), {"file": upload([w3c("since May")])})
    assert again.status_code == 429 and Annotation.objects.count() == 1


def test_the_page_refuses_a_file_too_big(client, alice, news, monkeypatch):
    monkeypatch.setattr("newsroom.api.import_views.MAX_FILE_BYTES", 100)
    client.force_login(alice)

    response = client.post(reverse("annotation_import"), {"file": upload([w3c(ORDER)] * 5)})

    assert response.status_code == 400 and "The file is larger than 100 bytes." in response.content.decode()
    assert not Annotation.objects.exists()


def test_the_creators_field_is_for_staff(client, alice, staff, bob, news):
    bob_client = Client()
    bob_client.force_login(bob)
    assert "creators" not in bob_client.get(reverse("annotation_import")).context["form"].fields
    client.force_login(staff)
    data = {"file": upload([w3c(ORDER, creator="b")]), "creators": '{"b": "bob"}'}

    client.post(reverse("annotation_import"), data)

    assert Annotation.objects.get().author == bob


# The command


def test_the_command_prints_each_record_and_writes_only_without_dry_run(alice, news, tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([w3c(ORDER, note="Hi"), w3c("nowhere")]))

    call_command("import_annotations", str(path), "--user", "alice", "--dry-run")
    assert not Annotation.objects.exists()
    call_command("import_annotations", str(path), "--user", "alice")

    out = capsys.readouterr().out
    assert f"#1 annotation: created in “Trump reverses course” {START}-{END} by quote as alice, public" in out
    assert "#2 annotation: orphaned (No article here has its source URL or its quote.)" in out
    assert "Dry run: nothing was changed. 1 annotation and 0 replies would be created" in out
    assert Annotation.objects.count() == 1


def test_the_command_maps_creators_from_a_file(staff, bob, news, tmp_path):
    path, creators = tmp_path / "a.json", tmp_path / "creators.json"
    path.write_text(json.dumps(w3c(ORDER, creator="acct:bob@hypothes.is")))
    creators.write_text('{"acct:bob@hypothes.is": "bob"}')

    call_command("import_annotations", str(path), "--user", "alice", "--creators", str(creators))

    assert Annotation.objects.get().author == bob


@pytest.mark.parametrize(
    "content, user, message",
    [
        ("[1", "alice", "Nothing was imported. The file is not valid JSON"),
        (None, "alice", "Nothing was imported: No such file or directory"),
        ("[]", "nobody", "There is no user named 'nobody'."),
        (
            '[{"body": {"value": "\\ud800"}}]',
            "alice",
            "Nothing was imported. The file contains a lone surrogate",
        ),
    ],
)
def test_the_command_fails_on_a_bad_file_and_writes_nothing(alice, news, tmp_path, content, user, message):
    path = tmp_path / "a.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_annotations", str(path), "--user", user)
    assert not Annotation.objects.exists()


# The API


def post_import(client, body, query="", **headers):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(f"/api/import{query}", data, content_type="application/json", headers=headers)


def test_the_api_needs_a_sign_in(news):
    response = post_import(Client(enforce_csrf_checks=True), [w3c(ORDER)])

    assert response.status_code == 401 and not Annotation.objects.exists()


def test_the_api_answers_the_report_and_a_session_needs_its_csrf_token(alice, news):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(reverse("articles:home"))
    assert post_import(browser, [w3c(ORDER)]).status_code == 403
    csrf = {"X-CSRFToken": browser.cookies["csrftoken"].value}

    dry = post_import(browser, [w3c(ORDER), w3c("nowhere")], "?dry_run=true", **csrf)

    assert dry.status_code == 200 and not Annotation.objects.exists()
    assert dry.json()["counts"] == {"created": 1, "duplicate": 0, "orphaned": 1, "refused": 0}
    assert dry.json()["records"][0] | {"quote": ""} == {
        "where": "#1",
        "kind": "annotation",
        "status": "created",
        "message": "",
        "article": "Trump reverses course",
        "url": news.get_absolute_url(),
        "method": "quote",
        "start": START,
        "end": END,
        "quote": "",
        "author": "alice",
        "visibility": "public",
        "group": "",
    }
    real = post_import(browser, [w3c(ORDER), w3c("nowhere")], **csrf)
    assert real.json()["records"] == dry.json()["records"] and Annotation.objects.count() == 1


@pytest.mark.parametrize(
    "body, message",
    [
        (b"[" * 50_000 + b"]" * 50_000, "The body is not usable JSON: it is nested too deeply."),
        (b'"text"', "not an annotation file"),
        (b'[{"body": {"value": "\\ud800"}}]', "The body contains a lone surrogate"),
    ],
)
def test_the_api_answers_400_to_hostile_bodies(alice, news, body, message):
    client = Client()
    client.force_login(alice)

    response = post_import(client, body)

    assert response.status_code == 400 and message in response.json()["error"]


def test_what_the_api_imports_counts_against_the_hourly_limit_and_a_dry_run_does_not(alice, news, settings):
    settings.IMPORTED_PER_HOUR = 2
    client = Client()
    client.force_login(alice)
    three = [w3c(ORDER), w3c("since May"), w3c("reversing a policy")]

    assert post_import(client, three, "?dry_run=true").status_code == 200
    refused = post_import(client, three)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600  # the hour's end
    assert "this file would create 3" in refused.json()["error"] and not Annotation.objects.exists()
    assert post_import(client, three[:2]).status_code == 200
    assert post_import(client, three[2:]).status_code == 429
    assert (
        post_import(client, three[:1]).json()["counts"]["duplicate"] == 1
    )  # creates nothing: counts nothing
    assert Annotation.objects.count() == 2
