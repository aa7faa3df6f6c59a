"""Threaded replies under annotations: who reads and writes them, bad input, and how threads show."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.models.annotations import Reply
from articles.services.replies import ReplyError, create_reply, delete_reply
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article, make_story

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


@pytest.fixture
def carol(django_user_model):
    """In no group: reads only what is public."""
    return django_user_model.objects.create_user("carol", password="pw")


@pytest.fixture
def team(alice, bob):
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=bob)
    return group


@pytest.fixture
def article():
    return make_article(story=make_story(), body=BODY)


@pytest.fixture
def public(article, alice):
    return annotate(article, alice, "Microsoft", note="Who counted them?")


class ListItems(HTMLParser):
    """Each list item with an id: the id of the list item around it, and its own text (without
    the text of the items inside it)."""

    def __init__(self, html: str):
        super().__init__()
        self.stack, self.parent, self.text = [], {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            item = dict(attrs).get("id")
            if item:
                self.parent[item] = next((outer for outer in reversed(self.stack) if outer), None)
                self.text[item] = ""
            self.stack.append(item)

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            self.text[self.stack[-1]] += data


def reply_url(annotation, **query):
    url = reverse("articles:reply_create", args=[annotation.pk])
    return f"{url}?{'&'.join(f'{name}={value}' for name, value in query.items())}" if query else url


def post_reply(client, thread, note="Good point.", parent=None, **data):
    """Reply in the thread of `thread` (an annotation), to `parent` (a reply, or any raw value)."""
    fields = {"note": note, **data}
    if parent is not None:
        fields["parent"] = getattr(parent, "pk", parent)
    return client.post(reply_url(thread), fields)


def reply(annotation, author, note="A reply.", parent=None):
    return create_reply(annotation=annotation, author=author, note=note, parent=parent)


def page_of(client, annotation):
    return client.get(annotation.article.get_absolute_url()).text


# Writing and reading threads


def test_it_nests_replies_three_levels_deep_and_renders_them_as_a_thread(client, alice, bob, public):
    client.force_login(bob)
    assert post_reply(client, public, "First answer.").status_code == 302
    first = Reply.objects.get()
    client.force_login(alice)
    assert post_reply(client, public, "Answer to the answer.", parent=first).status_code == 302
    second = Reply.objects.latest("pk")
    client.force_login(bob)
    assert post_reply(client, public, "And *deeper*.", parent=second).status_code == 302
    third = Reply.objects.latest("pk")
    assert post_reply(client, public, "Second top-level answer.").status_code == 302
    fourth = Reply.objects.latest("pk")

    assert (second.parent, third.parent, fourth.parent) == (first, second, None)
    assert {r.annotation for r in Reply.objects.all()} == {public}
    items = ListItems(page_of(client, public))
    assert items.parent[f"reply-{first.pk}"] == f"annotation-{public.pk}"
    assert items.parent[f"reply-{second.pk}"] == f"reply-{first.pk}"
    assert items.parent[f"reply-{third.pk}"] == f"reply-{second.pk}"
    assert items.parent[f"reply-{fourth.pk}"] == f"annotation-{public.pk}"
    assert "And deeper." in items.text[f"reply-{third.pk}"] and "bob" in items.text[f"reply-{third.pk}"]
    assert "<em>deeper</em>" in Reply.objects.get(pk=third.pk).note_html


def test_it_shows_a_thread_in_the_order_it_was_written(client, alice, bob, public):
    older = reply(public, bob, "older")
    newer = reply(public, alice, "newer")
    page = page_of(client, public)
    assert page.index(f'id="reply-{older.pk}"') < page.index(f'id="reply-{newer.pk}"')


def test_the_server_decides_author_thread_time_and_audience(client, alice, bob, carol, public, article, team):
    other = annotate(article, alice, "Nadella")
    client.force_login(bob)
    response = post_reply(
        client,
        public,
        author=carol.pk,
        annotation=other.pk,
        created_at="2001-01-01T00:00:00Z",
        visibility="private",
        group=team.pk,
        note_html="<script>alert(1)</script>",
    )
    assert response.status_code == 302
    saved = Reply.objects.get()
    assert (saved.author, saved.annotation, saved.parent) == (bob, public, None)
    assert timezone.now() - saved.created_at < datetime.timedelta(minutes=1)
    assert saved.note_html == "<p>Good point.</p>"
    assert not hasattr(saved, "visibility") and not hasattr(saved, "group")


def test_it_sanitises_a_replys_markdown_as_notes_are(client, bob, carol, public):
    client.force_login(bob)
    note = '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)"> **ok**'
    assert post_reply(client, public, note).status_code == 302
    html = Reply.objects.get().note_html
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "<strong>ok</strong>" in html
    client.force_login(carol)
    page = page_of(client, public)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_goes_back_to_the_page_it_came_from_at_the_new_reply(client, bob, public):
    client.force_login(bob)
    page = public.article.get_absolute_url() + "?tag=x"
    response = post_reply(client, public, next=page)
    assert response.url == f"{page}#reply-{Reply.objects.get().pk}"
    response = post_reply(client, public, next="https://evil.example/")
    assert response.url == f"{public.article.get_absolute_url()}#reply-{Reply.objects.latest('pk').pk}"


def test_the_reply_page_takes_parent_and_next_from_the_links_query(client, alice, bob, public):
    """Without JS the Reply link opens the reply page: parent and next come in its query."""
    first = reply(public, alice)
    client.force_login(bob)
    page = public.article.get_absolute_url()
    response = client.post(reply_url(public, parent=first.pk, next=page), {"note": "inline"})
    assert response.status_code == 302 and response.url.startswith(page)
    assert Reply.objects.get(note="inline").parent == first


def test_the_inline_form_replies_through_the_api_to_the_annotation_or_a_reply(client, alice, bob, public):
    """What replies.js sends: the note, and the IRI of the reply answered (none: the annotation)."""
    first = reply(public, alice)
    client.force_login(bob)
    url = reverse("api:reply_create", args=[public.pk])
    note = {"type": "TextualBody", "value": "inline", "format": "text/markdown"}
    to_thread = client.post(url, {"body": note}, content_type="application/json")
    target = f"http://testserver{reverse('api:reply', args=[first.pk])}"
    to_reply = client.post(url, {"body": note, "target": target}, content_type="application/json")
    assert (to_thread.status_code, to_reply.status_code) == (201, 201)
    assert [(r.author, r.parent) for r in Reply.objects.filter(note="inline")] == [(bob, None), (bob, first)]
    assert to_reply.json()["id"].endswith(reverse("api:reply", args=[Reply.objects.latest("pk").pk]))


def test_the_reply_page_shows_what_is_answered_and_a_real_form(client, alice, bob, public):
    first = reply(public, alice, "The *first* answer.")
    client.force_login(bob)
    response = client.get(reply_url(public, parent=first.pk))
    assert response.status_code == 200
    assert "Who counted them?" in response.text and "<em>first</em>" in response.text
    assert 'method="post"' in response.text and "csrfmiddlewaretoken" in response.text
    assert f'name="parent" value="{first.pk}"' in response.text


def test_the_list_offers_reply_links_to_readers_who_are_signed_in(client, alice, bob, public):
    first = reply(public, alice)
    anonymous = page_of(client, public)
    assert "js-reply-link" not in anonymous and "js-reply-template" not in anonymous
    client.force_login(bob)
    page = page_of(client, public)
    assert f'href="/annotations/{public.pk}/replies/?next=' in page
    assert f'href="/annotations/{public.pk}/replies/?parent={first.pk}&amp;next=' in page
    assert page.count("js-reply-template") == 1


def test_the_cached_list_carries_no_csrf_token(client, bob, public):
    """The list is cached per reader, but a token belongs to one browser (replies.js takes the page's)."""
    reply(public, bob)
    client.force_login(bob)
    fragments = client.get(reverse("articles:article_fragments", args=[public.article.pk])).json()
    assert "csrfmiddlewaretoken" not in fragments["annotations"]
    assert 'class="reply"' in fragments["annotations"]


def test_a_new_reply_refreshes_the_cached_list(client, alice, bob, public):
    client.force_login(alice)
    page_of(client, public)  # cached
    before = Article.objects.get(pk=public.article.pk).annotations_changed_at
    client.force_login(bob)
    post_reply(client, public, "Fresh.")
    assert Article.objects.get(pk=public.article.pk).annotations_changed_at > before
    client.force_login(alice)
    assert "Fresh." in page_of(client, public)


# Who reads and writes


def test_a_thread_is_read_exactly_by_the_readers_of_its_annotation(
    client, alice, bob, carol, article, team, public
):
    shared = annotate(article, alice, "letter", visibility="group", group=team)
    private = annotate(article, alice, "Nadella", visibility="private")
    in_group, in_private, in_public = (
        reply(shared, bob, "in group"),
        reply(private, alice, "mine"),
        reply(public, bob),
    )
    from django.contrib.auth.models import AnonymousUser

    expected = {
        "anonymous": (AnonymousUser(), {in_public}),
        "alice": (alice, {in_group, in_private, in_public}),
        "bob": (bob, {in_group, in_public}),
        "carol": (carol, {in_public}),
    }
    for user, visible in expected.values():
        assert set(Reply.objects.visible_to(user)) == visible
        if user.is_authenticated:
            client.force_login(user)
        else:
            client.logout()
        page = page_of(client, public)
        for each in [in_group, in_private, in_public]:
            assert (f'id="reply-{each.pk}"' in page) == (each in visible)


def test_threads_show_in_the_side_by_side_view_and_the_fragments_too(client, alice, bob):
    story = make_story()
    article = make_article(story=story, body=BODY)
    other = make_article(story=story, body="Other text.")
    annotation = annotate(article, alice, "Nadella")
    first = reply(annotation, bob, "first answer")
    second = reply(annotation, alice, "second answer", parent=first)
    client.force_login(bob)
    compare = client.get(reverse("articles:compare", args=[story.slug]), {"a": [other.pk, article.pk]}).text
    fragments = client.get(reverse("articles:article_fragments", args=[article.pk])).json()["annotations"]
    for html in [compare, fragments]:
        items = ListItems(html)
        assert items.parent[f"reply-{second.pk}"] == f"reply-{first.pk}"
        assert "second answer" in items.text[f"reply-{second.pk}"]


def test_a_former_member_no_longer_reads_nor_changes_the_groups_threads(client, alice, bob, article, team):
    shared = annotate(article, alice, "letter", visibility="group", group=team)
    own = reply(shared, bob, "mine")
    Membership.objects.filter(user=bob).delete()
    client.force_login(bob)
    assert f'id="reply-{own.pk}"' not in page_of(client, shared)
    for name in ["articles:reply_update", "articles:reply_delete"]:
        assert client.post(reverse(name, args=[own.pk]), {"note": "changed"}).status_code == 404
    assert post_reply(client, shared).status_code == 404
    own.refresh_from_db()
    assert (own.note, own.deleted_at, Reply.objects.count()) == ("mine", None, 1)


@pytest.mark.parametrize("case", ["private", "group", "deleted", "missing"])
def test_it_refuses_a_reply_to_an_annotation_the_user_cannot_read_as_missing(
    client, alice, carol, article, team, case
):
    annotation = {
        "private": lambda: annotate(article, alice, "Nadella", visibility="private"),
        "group": lambda: annotate(article, alice, "letter", visibility="group", group=team),
        "deleted": lambda: annotate(article, alice, "Microsoft"),
        "missing": lambda: annotate(article, alice, "Microsoft"),
    }[case]()
    if case == "deleted":
        annotation.deleted_at = timezone.now()
        annotation.save()
    if case == "missing":
        annotation.pk = 999_999
    client.force_login(carol if case in {"private", "group"} else alice)
    assert client.get(reply_url(annotation)).status_code == 404
    assert post_reply(client, annotation).status_code == 404
    assert not Reply.objects.exists()


def test_it_refuses_to_answer_a_deleted_reply_or_one_of_another_thread_as_missing(
    client, alice, bob, article, public
):
    other = annotate(article, alice, "Nadella")
    elsewhere = reply(other, alice, "in another thread")
    gone = reply(public, alice, "deleted")
    delete_reply(reply=gone)
    client.force_login(bob)
    for parent in ["elsewhere", "gone", "abc", "-1", "99999999999999999999", "9" * 5000, "１"]:
        parent_pk = {"elsewhere": elsewhere.pk, "gone": gone.pk}.get(parent, parent)
        assert post_reply(client, public, parent=parent_pk).status_code == 404, parent
        assert client.get(reply_url(public, parent=parent_pk)).status_code == 404, parent
    assert Reply.objects.count() == 2


def test_the_service_never_stores_a_reply_in_another_thread_or_under_a_deleted_one(alice, article, public):
    other = annotate(article, alice, "Nadella")
    elsewhere = reply(other, alice)
    gone = reply(public, alice)
    delete_reply(reply=gone)
    for parent in [elsewhere, gone]:
        with pytest.raises(ReplyError):
            reply(public, alice, parent=parent)
    public.deleted_at = timezone.now()
    public.save()
    with pytest.raises(ReplyError):
        reply(public, alice)
    assert Reply.objects.count() == 2


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "A reply cannot be empty"),
        ("   \r\n\t ", "A reply cannot be empty"),
        ("x" * 10_001, "at most 10000 characters; this one has 10001"),
    ],
)
def test_it_refuses_an_empty_or_overlong_reply_keeping_the_text(client, bob, public, note, message):
    client.force_login(bob)
    response = post_reply(client, public, note)
    assert response.status_code == 400
    assert message in response.text
    if note.strip():
        assert note in response.text  # kept in the form, never cut
    assert not Reply.objects.exists()


def test_it_counts_line_breaks_as_typed(client, bob, public):
    client.force_login(bob)
    assert post_reply(client, public, "x\r\n" * 5000).status_code == 302  # 10,000 characters as stored
    assert len(Reply.objects.get().note) == 10_000


def test_it_sends_anonymous_writers_to_log_in_and_writes_nothing(client, alice, public):
    own = reply(public, alice)
    for url in [
        reply_url(public),
        reverse("articles:reply_update", args=[own.pk]),
        reverse("articles:reply_delete", args=[own.pk]),
    ]:
        for response in [client.get(url), client.post(url, {"note": "anonymous"})]:
            assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    own.refresh_from_db()
    assert (Reply.objects.count(), own.note, own.deleted_at) == (1, "A reply.", None)


def test_it_requires_a_csrf_token(bob, public):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert post_reply(client, public).status_code == 403
    assert not Reply.objects.exists()


# Editing and deleting


def test_the_author_edits_a_reply_marked_edited_only_when_it_changed(client, bob, public):
    own = reply(public, bob, "first")
    client.force_login(bob)
    url = reverse("articles:reply_update", args=[own.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "first"}).status_code == 302
    own.refresh_from_db()
    assert own.edited_at is None
    response = client.post(url, {"note": "**second**"})
    assert response.url.endswith(f"#reply-{own.pk}")
    own.refresh_from_db()
    assert (own.note, own.note_html) == ("**second**", "<p><strong>second</strong></p>")
    assert own.edited_at is not None
    assert "edited" in ListItems(page_of(client, public)).text[f"reply-{own.pk}"]


def test_an_edit_made_against_an_older_version_of_a_reply_is_409_and_keeps_both(client, bob, public):
    own = reply(public, bob, "first")
    client.force_login(bob)
    url = reverse("articles:reply_update", args=[own.pk])
    assert client.post(url, {"note": "from one tab", "version": 1}).status_code == 302
    stale = client.post(url, {"note": "from another tab", "version": 1})
    assert stale.status_code == 409
    assert "from one tab" in stale.text and "from another tab" in stale.text  # now, and what was typed
    own.refresh_from_db()
    assert (own.note, own.version) == ("from one tab", 2)
    assert client.post(url, {"note": "from another tab", "version": 2}).status_code == 302


def test_it_refuses_an_edit_that_empties_a_reply(client, bob, public):
    own = reply(public, bob, "first")
    client.force_login(bob)
    response = client.post(reverse("articles:reply_update", args=[own.pk]), {"note": "  "})
    assert response.status_code == 400 and "cannot be empty" in response.text
    own.refresh_from_db()
    assert (own.note, own.edited_at) == ("first", None)


def test_nobody_else_edits_or_deletes_a_reply_they_can_read(client, alice, bob, public):
    own = reply(public, bob, "bob's")
    client.force_login(alice)  # she wrote the annotation, and reads the reply: 403, not hers
    for name in ["articles:reply_update", "articles:reply_delete"]:
        assert client.get(reverse(name, args=[own.pk])).status_code == 403
        assert client.post(reverse(name, args=[own.pk]), {"note": "hers"}).status_code == 403
    own.refresh_from_db()
    assert (own.note, own.deleted_at) == ("bob's", None)


def test_a_deleted_reply_without_answers_leaves_no_trace(client, alice, bob, public):
    own = reply(public, bob, "regrettable")
    client.force_login(bob)
    url = reverse("articles:reply_delete", args=[own.pk])
    assert "regrettable" in client.get(url).text
    response = client.post(url)
    assert response.url.endswith(f"#annotation-{public.pk}")
    own.refresh_from_db()
    assert own.deleted_at is not None
    client.force_login(alice)
    page = page_of(client, public)
    assert f'id="reply-{own.pk}"' not in page and "regrettable" not in page
    assert (
        client.post(url).status_code == 404
        and client.get(reverse("articles:reply_update", args=[own.pk])).status_code == 404
    )


def test_a_deleted_reply_with_answers_stays_as_deleted_so_the_thread_reads(client, alice, bob, public):
    question = reply(public, bob, "regrettable question")
    answer = reply(public, alice, "patient answer", parent=question)
    deeper = reply(public, bob, "thanks", parent=answer)
    gone_leaf = reply(public, alice, "gone too", parent=question)
    delete_reply(reply=gone_leaf)
    client.force_login(bob)
    client.post(reverse("articles:reply_delete", args=[question.pk]))
    client.force_login(alice)
    items = ListItems(page_of(client, public))
    assert items.text[f"reply-{question.pk}"].strip() == "Deleted."
    assert "bob" not in items.text[f"reply-{question.pk}"]
    assert items.parent[f"reply-{answer.pk}"] == f"reply-{question.pk}"
    assert items.parent[f"reply-{deeper.pk}"] == f"reply-{answer.pk}"
    assert f"reply-{gone_leaf.pk}" not in items.parent
    assert "regrettable" not in page_of(client, public)
    # Once its answers are gone too, so is the placeholder.
    for each in [deeper, answer]:
        delete_reply(reply=Reply.objects.get(pk=each.pk))
    assert f'id="reply-{question.pk}"' not in page_of(client, public)
    # Nobody answers a deleted reply.
    assert post_reply(client, public, parent=question).status_code == 404


def test_a_deleted_annotation_takes_its_thread_with_it_and_restoring_it_brings_it_back(
    client, alice, bob, public
):
    answer = reply(public, bob, "an answer")
    client.force_login(alice)
    client.post(reverse("articles:annotation_delete", args=[public.pk]))
    client.force_login(bob)
    assert "an answer" not in page_of(client, public)
    assert not Reply.objects.visible_to(bob).exists()
    assert client.get(reverse("articles:reply_update", args=[answer.pk])).status_code == 404
    client.force_login(alice)
    client.post(reverse("articles:annotation_restore", args=[public.pk]))
    assert "an answer" in page_of(client, public)


# Pages stay fast


def test_it_loads_the_replies_of_a_page_in_one_query(
    client, alice, bob, article, django_assert_max_num_queries
):
    first = annotate(article, alice, "Microsoft")
    reply(first, bob)
    client.force_login(bob)
    with django_assert_max_num_queries(30) as few:
        client.get(article.get_absolute_url())
    for word in ["employees", "letter", "contract", "Nadella"]:
        annotation = annotate(article, alice, word)
        parent = reply(annotation, bob, f"on {word}")
        for _ in range(3):
            parent = reply(annotation, alice, "deeper", parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(article.get_absolute_url()).text
    assert page.count('class="reply"') == 1 + 4 * 4
    reply_queries = [q["sql"] for q in few.captured_queries if re.search(r'FROM "articles_reply"', q["sql"])]
    assert len(reply_queries) == 1


def test_it_asks_for_no_replies_where_there_are_no_annotations(client, article):
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
    assert not [q for q in queries.captured_queries if "articles_reply" in q["sql"]]


def test_a_deep_thread_renders_without_recursion(client, alice, public):
    parent = None
    for number in range(1200):  # deeper than Python's recursion limit
        parent = Reply.objects.create(
            annotation=public, parent=parent, author=alice, note=str(number), note_html=f"<p>{number}</p>"
        )
    page = page_of(client, public)
    assert page.count('<ol class="replies"') == 1200
    assert ListItems(page).parent[f"reply-{parent.pk}"] == f"reply-{parent.parent_id}"
