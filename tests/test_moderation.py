"""Moderation: group moderators hide and unhide, readers flag public annotations, staff resolve flags."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, Article
from articles.models.annotations import Flag, Reply
from articles.permissions import can_hide
from articles.queries.reading import ArticleAnnotations
from articles.services.moderation import ModerationError, flag_annotation, hide, resolve_flags
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article, make_story
from tests.test_replies import ListItems

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


@pytest.fixture
def carol(django_user_model):
    """A moderator of the group."""
    return django_user_model.objects.create_user("carol", password="pw")


@pytest.fixture
def dave(django_user_model):
    """In no group."""
    return django_user_model.objects.create_user("dave", password="pw")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("sam", password="pw", is_staff=True, is_superuser=True)


@pytest.fixture
def erin(django_user_model):
    """A member of the group who reads what others write there."""
    return django_user_model.objects.create_user("erin", password="pw")


@pytest.fixture
def team(alice, bob, carol, erin):
    """Alice owns it, Carol moderates it, Bob and Erin are members."""
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=carol, role=Role.MODERATOR)
    Membership.objects.create(group=group, user=bob)
    Membership.objects.create(group=group, user=erin)
    return group


@pytest.fixture
def article():
    return make_article(story=make_story(), body=BODY)


@pytest.fixture
def shared(article, bob, team):
    """Bob's annotation in the group, with a tag and a note that a moderator may want to hide."""
    return annotate(
        article, bob, "letter", ["rude-tag"], note="Something rude.", visibility="group", group=team
    )


def url(name, item, **query):
    path = reverse(f"articles:{name}", args=[item.pk])
    return f"{path}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else path


def page(client, user, article):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(article.get_absolute_url()).text


def changed_at(article):
    return Article.objects.get(pk=article.pk).annotations_changed_at


# Hiding and unhiding


@pytest.mark.parametrize("moderator", ["carol", "alice"])  # a moderator, the owner
def test_a_moderator_hides_a_group_annotation_from_all_but_its_author_and_the_moderators(
    client, request, alice, bob, carol, erin, article, shared, moderator
):
    client.force_login(request.getfixturevalue(moderator))
    confirm = client.get(url("annotation_hide", shared))
    assert confirm.status_code == 200 and "Something rude." in confirm.text
    response = client.post(url("annotation_hide", shared, next=article.get_absolute_url()))
    assert response.url == f"{article.get_absolute_url()}#annotation-{shared.pk}"
    shared.refresh_from_db()
    assert shared.hidden_at is not None and shared.hidden_by.username == moderator

    others = page(client, erin, article)
    items = ListItems(others)
    assert items.text[f"annotation-{shared.pk}"].strip() == "Hidden by a moderator."
    assert f'id="hl-{shared.pk}"' not in others  # no highlight
    assert "Something rude." not in others and "rude-tag" not in others
    assert ">bob<" not in others  # nor its author, in the list or the author filter
    for reader in [bob, alice, carol]:  # the author, the owner, a moderator
        full = page(client, reader, article)
        assert "Something rude." in full and f'id="hl-{shared.pk}"' in full
        assert "hidden by a moderator" in ListItems(full).text[f"annotation-{shared.pk}"]


def test_a_moderator_unhides_and_everyone_reads_it_again(client, carol, erin, article, shared):
    hide(item=shared, moderator=carol)
    client.force_login(carol)
    assert client.get(url("annotation_unhide", shared)).status_code == 200
    client.post(url("annotation_unhide", shared))
    shared.refresh_from_db()
    assert (shared.hidden_at, shared.hidden_by) == (None, None)
    assert "Something rude." in page(client, erin, article)


def test_the_page_of_others_changes_as_soon_as_an_annotation_is_hidden(client, carol, erin, article, shared):
    assert "Something rude." in page(client, erin, article)  # now cached for her
    before = changed_at(article)
    client.force_login(carol)
    client.post(url("annotation_hide", shared))
    assert changed_at(article) > before
    assert "Something rude." not in page(client, erin, article)


def test_a_member_may_not_moderate_and_nothing_is_written(client, alice, bob, article, shared, team):
    by_alice = annotate(article, alice, "Nadella", visibility="group", group=team)
    hide(item=shared, moderator=alice)
    before = changed_at(article)
    client.force_login(bob)  # a member, and the author of `shared`
    for name, item in [("annotation_hide", by_alice), ("annotation_unhide", shared)]:
        assert client.get(url(name, item)).status_code == 403
        assert client.post(url(name, item)).status_code == 403
    assert Annotation.objects.get(pk=by_alice.pk).hidden_at is None
    assert Annotation.objects.get(pk=shared.pk).hidden_at is not None
    assert changed_at(article) == before


def test_someone_outside_the_group_gets_404_as_for_a_missing_id(client, dave, staff, article, shared):
    for user in [dave, staff]:
        client.force_login(user)
        for name in ["annotation_hide", "annotation_unhide"]:
            assert client.post(url(name, shared)).status_code == 404
    assert client.post(reverse("articles:annotation_hide", args=[999_999])).status_code == 404
    assert Annotation.objects.get(pk=shared.pk).hidden_at is None


def test_a_private_annotation_is_never_moderated(client, bob, carol, staff, article, team):
    private = annotate(article, bob, "Nadella", visibility="private")
    reply = create_reply(annotation=private, author=bob, note="to myself")
    before = changed_at(article)
    client.force_login(bob)  # the only one who reads it
    assert client.post(url("annotation_hide", private)).status_code == 403
    assert client.post(url("reply_hide", reply)).status_code == 403
    for user in [carol, staff]:  # cannot even read it
        client.force_login(user)
        assert client.post(url("annotation_hide", private)).status_code == 404
    with pytest.raises(ModerationError):
        hide(item=private, moderator=staff)
    assert not can_hide(staff, private)
    assert Annotation.objects.get(pk=private.pk).hidden_at is None and changed_at(article) == before


def test_staff_moderate_public_annotations_and_nobody_else_does(
    client, alice, bob, carol, staff, article, django_user_model
):
    public = annotate(article, bob, "Microsoft", note="public rant")
    staff_without_permissions = django_user_model.objects.create_user("pat", is_staff=True)
    for user in [alice, carol, staff_without_permissions]:  # group roles mean nothing for a public annotation
        client.force_login(user)
        assert client.post(url("annotation_hide", public)).status_code == 403
    assert Annotation.objects.get(pk=public.pk).hidden_at is None
    client.force_login(staff)
    client.post(url("annotation_hide", public))
    assert Annotation.objects.get(pk=public.pk).hidden_by == staff
    assert "public rant" not in page(client, None, article)
    assert "Hidden by a moderator." in page(client, None, article)
    assert "public rant" in page(client, bob, article) and "public rant" in page(client, staff, article)


def test_moderation_links_show_only_to_moderators(client, alice, bob, carol, article, shared):
    hide_link = f'href="/annotations/{shared.pk}/hide/'
    assert hide_link in page(client, carol, article) and hide_link in page(client, alice, article)
    assert hide_link not in page(client, bob, article)
    hide(item=shared, moderator=carol)
    assert f'href="/annotations/{shared.pk}/unhide/' in page(client, carol, article)


def test_a_demoted_moderator_no_longer_unhides(client, carol, article, shared):
    hide(item=shared, moderator=carol)
    Membership.objects.filter(user=carol).update(role=Role.MEMBER)
    client.force_login(carol)
    assert client.post(url("annotation_unhide", shared)).status_code == 403
    assert Annotation.objects.get(pk=shared.pk).hidden_at is not None


def test_a_deleted_annotation_cannot_be_moderated(client, carol, shared):
    shared.deleted_at = shared.created_at
    shared.save()
    client.force_login(carol)
    assert client.post(url("annotation_hide", shared)).status_code == 404
    assert Annotation.objects.get(pk=shared.pk).hidden_at is None


def test_moderation_needs_a_signed_in_post_with_a_csrf_token(client, carol, shared):
    for name in ["annotation_hide", "annotation_unhide"]:
        response = client.post(url(name, shared))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(carol)
    assert strict.post(url("annotation_hide", shared)).status_code == 403
    assert Annotation.objects.get(pk=shared.pk).hidden_at is None


def test_hidden_annotations_still_count_but_give_others_no_tag_or_author_to_filter_by(
    client, alice, carol, erin, article, shared
):
    annotate(article, alice, "Microsoft", ["open-tag"], visibility="group", group=shared.group)
    annotate(article, carol, "Nadella", ["other-tag"], visibility="group", group=shared.group)
    hide(item=shared, moderator=carol)
    others = page(client, erin, article)
    assert others.count('<li class="annotation') == 3  # the placeholder keeps its place
    assert "tag=open-tag" in others and "author=alice" in others  # the filter menus
    assert "rude-tag" not in others and "author=bob" not in others
    assert "tag=rude-tag" in page(client, carol, article)


# Hidden replies and the threads of hidden annotations


def test_a_moderator_hides_a_reply_and_its_answers_stay(client, alice, bob, carol, erin, article, shared):
    rude = create_reply(annotation=shared, author=bob, note="rude reply")
    answer = create_reply(annotation=shared, author=alice, note="calm answer", parent=rude)
    client.force_login(bob)
    assert client.post(url("reply_hide", rude)).status_code == 403  # its author is a member
    client.force_login(carol)
    assert client.get(url("reply_hide", rude)).status_code == 200
    response = client.post(url("reply_hide", rude))
    assert response.url.endswith(f"#reply-{rude.pk}")
    assert Reply.objects.get(pk=rude.pk).hidden_by == carol

    items = ListItems(page(client, erin, article))
    assert items.text[f"reply-{rude.pk}"].strip() == "Hidden by a moderator."
    assert items.parent[f"reply-{answer.pk}"] == f"reply-{rude.pk}"
    assert "calm answer" in items.text[f"reply-{answer.pk}"]
    for reader in [bob, carol]:
        assert "rude reply" in ListItems(page(client, reader, article)).text[f"reply-{rude.pk}"]
    client.force_login(erin)
    assert client.post(url("reply_create", shared), {"note": "x", "parent": rude.pk}).status_code == 403
    client.force_login(carol)
    client.post(url("reply_unhide", rude))
    assert Reply.objects.get(pk=rude.pk).hidden_at is None


def test_the_thread_of_a_hidden_annotation_is_closed_to_others(
    client, alice, bob, carol, erin, article, shared
):
    earlier = create_reply(annotation=shared, author=erin, note="earlier")
    hide(item=shared, moderator=carol)
    client.force_login(erin)
    for data in [{"note": "x"}, {"note": "x", "parent": earlier.pk}]:
        assert client.post(url("reply_create", shared), data).status_code == 403
    assert client.get(url("reply_create", shared)).status_code == 403
    assert "js-reply-link" not in page(client, erin, article)
    assert "earlier" in page(client, erin, article)  # what was said stays
    for author in [bob, carol, alice]:  # its author, a moderator, the owner still answer
        client.force_login(author)
        assert client.post(url("reply_create", shared), {"note": f"from {author}"}).status_code == 302
    assert Reply.objects.count() == 4


def test_group_moderators_leave_public_threads_to_staff(client, carol, staff, article, alice):
    public = annotate(article, alice, "Microsoft")
    reply = create_reply(annotation=public, author=alice, note="public reply")
    client.force_login(carol)  # moderates a group, not this public thread
    assert client.post(url("reply_hide", reply)).status_code == 403
    client.force_login(staff)
    client.post(url("reply_hide", reply))
    assert Reply.objects.get(pk=reply.pk).hidden_by == staff


def test_a_deleted_reply_cannot_be_moderated(client, carol, shared, bob):
    reply = create_reply(annotation=shared, author=bob, note="gone")
    Reply.objects.filter(pk=reply.pk).update(deleted_at=shared.created_at)
    client.force_login(carol)
    assert client.post(url("reply_hide", reply)).status_code == 404
    assert Reply.objects.get(pk=reply.pk).hidden_at is None


# Flags


@pytest.fixture
def public(article, alice):
    return annotate(article, alice, "Microsoft", note="public note")


def test_anyone_signed_in_flags_a_public_annotation_with_a_reason(client, bob, public, dave):
    client.force_login(bob)
    form = client.get(url("annotation_flag", public))
    assert form.status_code == 200 and 'name="reason"' in form.text
    response = client.post(
        url("annotation_flag", public, next=public.article.get_absolute_url()),
        {"reason": "Spam.", "user": dave.pk, "annotation": 1, "resolved_at": "2020-01-01"},
    )
    assert response.url == f"{public.article.get_absolute_url()}#annotation-{public.pk}"
    flag = Flag.objects.get()
    assert (flag.annotation, flag.user, flag.reason, flag.resolved_at) == (public, bob, "Spam.", None)
    assert "staff will look at" in client.get(response.url).text


def test_flag_links_show_on_others_public_annotations_only(client, alice, bob, article, public, team):
    annotate(article, bob, "letter", visibility="group", group=team)
    assert page(client, bob, article).count("/flag/") == 1
    assert page(client, alice, article).count("/flag/") == 0  # her own
    assert page(client, None, article).count("/flag/") == 0


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "staff need a reason"),
        ("  \n ", "staff need a reason"),
        ("x" * 1001, "at most 1000 characters; this one has 1001"),
    ],
)
def test_it_refuses_a_flag_without_a_reason_or_with_too_long_a_one(client, bob, public, reason, message):
    client.force_login(bob)
    response = client.post(url("annotation_flag", public), {"reason": reason})
    assert response.status_code == 400 and message in response.text
    assert not Flag.objects.exists()


def test_it_refuses_a_second_open_flag_by_the_same_reader(client, bob, public, alice, staff):
    client.force_login(bob)
    client.post(url("annotation_flag", public), {"reason": "Spam."})
    response = client.post(url("annotation_flag", public), {"reason": "Still spam."})
    assert response.status_code == 400 and "flagged this annotation already" in response.text
    assert Flag.objects.count() == 1
    resolve_flags(flags=Flag.objects.all(), resolver=staff)
    client.post(url("annotation_flag", public), {"reason": "Back again."})
    assert Flag.objects.count() == 2  # once the first is resolved, a new one is welcome


def test_only_public_annotations_of_others_not_yet_hidden_are_flagged(
    client, alice, bob, dave, article, team, staff
):
    group_note = annotate(article, alice, "letter", visibility="group", group=team)
    private = annotate(article, alice, "Nadella", visibility="private")
    own = annotate(article, bob, "Microsoft")
    hidden = annotate(article, alice, "contract")
    hide(item=hidden, moderator=staff)
    client.force_login(bob)
    assert client.post(url("annotation_flag", group_note), {"reason": "r"}).status_code == 403  # he reads it
    assert client.post(url("annotation_flag", private), {"reason": "r"}).status_code == 404  # he cannot
    assert client.post(url("annotation_flag", own), {"reason": "r"}).status_code == 403
    assert client.post(url("annotation_flag", hidden), {"reason": "r"}).status_code == 403
    client.force_login(dave)
    assert client.post(url("annotation_flag", group_note), {"reason": "r"}).status_code == 404
    with pytest.raises(ModerationError):
        flag_annotation(annotation=group_note, user=dave, reason="r")
    assert not Flag.objects.exists()


def test_flagging_needs_a_signed_in_post(client, public):
    for response in [client.get(url("annotation_flag", public)), client.post(url("annotation_flag", public))]:
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Flag.objects.exists()


def test_a_flag_is_kept_whole_or_not_at_all(bob, public):
    flag = Flag(annotation=public, user=bob, reason="x" * 1001)
    with pytest.raises(ValidationError):
        flag.full_clean()


# The admin


def test_staff_see_open_flags_and_filter_them(client, bob, dave, public, staff):
    flag_annotation(annotation=public, user=bob, reason="Spam from bob.")
    done = flag_annotation(annotation=public, user=dave, reason="Old news.")
    resolve_flags(flags=Flag.objects.filter(pk=done.pk), resolver=staff)
    client.force_login(staff)
    listing = client.get(reverse("admin:articles_flag_changelist"), {"resolved_at__isempty": "1"})
    assert listing.status_code == 200
    assert "Spam from bob." in listing.text and "Old news." not in listing.text
    detail = client.get(reverse("admin:articles_flag_change", args=[done.pk]))
    assert detail.status_code == 200 and "public note" in detail.text


def test_staff_resolve_flags_in_the_admin(client, bob, public, staff):
    flag = flag_annotation(annotation=public, user=bob, reason="Spam.")
    client.force_login(staff)
    client.post(
        reverse("admin:articles_flag_changelist"),
        {"action": "resolve", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert flag.resolved_by == staff and flag.resolved_at is not None
    assert Annotation.objects.get(pk=public.pk).hidden_at is None


def test_staff_hide_a_flagged_annotation_which_resolves_every_flag_on_it(client, bob, dave, public, staff):
    first = flag_annotation(annotation=public, user=bob, reason="Spam.")
    second = flag_annotation(annotation=public, user=dave, reason="Rude.")
    before = changed_at(public.article)
    client.force_login(staff)
    client.post(
        reverse("admin:articles_flag_changelist"),
        {"action": "hide_and_resolve", "_selected_action": [first.pk]},
    )
    public.refresh_from_db()
    assert public.hidden_by == staff and changed_at(public.article) > before
    assert not Flag.objects.unresolved().exists()
    assert {flag.resolved_by for flag in Flag.objects.all()} == {staff}
    assert second.pk in Flag.objects.values_list("pk", flat=True)


def test_the_admin_hides_only_what_staff_may_moderate(client, alice, bob, shared, staff, article):
    public_reply = create_reply(annotation=annotate(article, alice, "Microsoft"), author=bob, note="p")
    group_reply = create_reply(annotation=shared, author=bob, note="g")
    client.force_login(staff)
    client.post(
        reverse("admin:articles_reply_changelist"),
        {"action": "hide_selected", "_selected_action": [public_reply.pk, group_reply.pk]},
    )
    assert Reply.objects.get(pk=public_reply.pk).hidden_by == staff
    assert Reply.objects.get(pk=group_reply.pk).hidden_at is None
    client.post(
        reverse("admin:articles_annotation_changelist"),
        {"action": "hide_selected", "_selected_action": [shared.pk]},
    )
    assert Annotation.objects.get(pk=shared.pk).hidden_at is None  # the group's moderators decide


def test_nobody_but_staff_reaches_flags_in_the_admin(client, bob, public):
    flag_annotation(annotation=public, user=bob, reason="Spam.")
    client.force_login(bob)
    response = client.get(reverse("admin:articles_flag_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_anonymous_readers_see_hidden_things_as_hidden(client, public, staff, article):
    reply = create_reply(annotation=public, author=staff, note="a reply")
    hide(item=reply, moderator=staff)
    items = ListItems(page(client, None, article))
    assert items.text[f"reply-{reply.pk}"].strip() == "Hidden by a moderator."
    assert "a reply" not in page(client, None, article)


def test_what_a_moderator_hid_is_blanked_before_any_template_sees_it(bob, carol, erin, article, shared):
    reply = create_reply(annotation=shared, author=bob, note="rude reply")
    hide(item=shared, moderator=carol)
    hide(item=reply, moderator=carol)
    [annotation] = ArticleAnnotations(erin, article).all
    assert annotation.is_withheld and not annotation.can_reply
    blanked = (annotation.note_html, annotation.exact, annotation.author_name, annotation.shown_author)
    assert blanked == ("", "", "", "") and annotation.tag_links == []
    [shown] = annotation.thread
    assert shown.is_withheld and (shown.note_html, shown.shown_author) == ("", "")
    [annotation] = ArticleAnnotations(carol, article).all
    assert not annotation.is_withheld and annotation.note_html and annotation.thread[0].note_html


@pytest.mark.parametrize("reader, sees", [("erin", False), ("bob", True), ("carol", True), ("alice", True)])
def test_a_hidden_annotation_leaves_tag_and_group_pages_for_all_but_author_and_moderators(
    client, request, article, shared, team, reader, sees
):
    hide(item=shared, moderator=request.getfixturevalue("carol"))
    client.force_login(request.getfixturevalue(reader))
    group_page = client.get(reverse("articles:group_detail", args=[team.slug])).text
    tag_page = client.get(reverse("articles:tag_detail", args=["rude-tag"]))
    suggestions = client.get(reverse("articles:tag_suggestions"), {"q": "rude"}).json()["tags"]
    assert ("Something rude." in group_page) == sees
    assert tag_page.status_code == (200 if sees else 404)
    assert ("rude-tag" in client.get(reverse("articles:tag_index")).text) == sees
    assert (suggestions == ["rude-tag"]) == sees


def test_a_hidden_public_annotation_leaves_its_authors_page_for_others(client, bob, carol, article, staff):
    public = annotate(article, bob, "Microsoft", note="public rant")
    hide(item=public, moderator=staff)
    person = reverse("articles:person_detail", args=["bob"])
    assert "public rant" not in client.get(person).text
    client.force_login(bob)
    assert "public rant" in client.get(person).text
