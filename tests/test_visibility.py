"""Private, group and public annotations: who sees them, on every page that shows annotations."""

import pytest
from django.urls import reverse

from articles.models import Annotation
from articles.permissions import can_read
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article, make_outlet, make_story, passage, post_annotation

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


@pytest.fixture
def team(alice, bob, django_user_model):
    """Alice owns a group with Bob in it; Carol is in no group."""
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=bob)
    return group


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password="pw")


@pytest.fixture
def notes(alice, team):
    story = make_story()
    article = make_article(story=story, outlet=make_outlet("The Daily"), body=BODY)
    make_article(story=story, outlet=make_outlet("The Weekly"), body="Other text.")
    return {
        "public": annotate(article, alice, "Microsoft", ["open-tag"]),
        "group": annotate(article, alice, "letter", ["team-tag"], visibility="group", group=team),
        "private": annotate(article, alice, "Nadella", ["secret-tag"], visibility="private"),
    }


def readers(alice, bob, carol, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    return {"anonymous": AnonymousUser(), "alice": alice, "bob": bob, "carol": carol}


EXPECTED = {
    "anonymous": {"public"},
    "alice": {"public", "group", "private"},  # the author
    "bob": {"public", "group"},  # a member of the group
    "carol": {"public"},  # in no group
}


@pytest.mark.parametrize("reader", EXPECTED)
def test_each_reader_sees_exactly_what_they_may(client, alice, bob, carol, notes, reader, django_user_model):
    user = readers(alice, bob, carol, django_user_model)[reader]
    visible = {
        kind
        for kind, note in notes.items()
        if Annotation.objects.visible_to(user).filter(pk=note.pk).exists()
    }
    assert visible == EXPECTED[reader]
    assert {kind for kind, note in notes.items() if can_read(user, note)} == EXPECTED[reader]

    if user.is_authenticated:
        client.force_login(user)
    article = notes["public"].article
    other = article.story.articles.exclude(pk=article.pk).get()
    pages = [
        client.get(article.get_absolute_url()).text,
        client.get(reverse("articles:article_fragments", args=[article.pk])).json()["text"],
        client.get(
            reverse("articles:compare", args=[article.story.slug]), {"a": [article.pk, other.pk]}
        ).text,
    ]
    for kind, note in notes.items():
        for page in pages:
            assert (f'id="hl-{note.pk}"' in page) == (kind in EXPECTED[reader]), (kind, page[:80])
    tags = client.get(reverse("articles:tag_index")).text
    for kind, tag in [("public", "open-tag"), ("group", "team-tag"), ("private", "secret-tag")]:
        assert (tag in tags) == (kind in EXPECTED[reader])
        suggested = client.get(reverse("articles:tag_suggestions"), {"q": tag[:3]}).json()["tags"]
        assert (tag in suggested) == (kind in EXPECTED[reader])
        tag_page = client.get(reverse("articles:tag_detail", args=[tag]))
        assert tag_page.status_code == (200 if kind in EXPECTED[reader] else 404)


def test_a_former_member_no_longer_sees_the_group(client, bob, notes, team):
    Membership.objects.filter(user=bob).delete()
    assert not Annotation.objects.visible_to(bob).filter(pk=notes["group"].pk).exists()


def test_a_cached_page_never_serves_one_readers_annotations_to_another(client, alice, carol, notes):
    article = notes["public"].article
    client.force_login(alice)
    assert f'id="hl-{notes["private"].pk}"' in client.get(article.get_absolute_url()).text
    client.force_login(carol)
    assert f'id="hl-{notes["private"].pk}"' not in client.get(article.get_absolute_url()).text
    client.logout()
    anonymous = client.get(article.get_absolute_url()).text
    assert (
        f'id="hl-{notes["group"].pk}"' not in anonymous and f'id="hl-{notes["private"].pk}"' not in anonymous
    )


@pytest.mark.parametrize(
    "audience, visibility, in_group",
    [("public", "public", False), ("private", "private", False), ("group", "group", True)],
)
def test_the_author_chooses_who_sees_a_new_annotation(client, alice, team, audience, visibility, in_group):
    article = make_article(body=BODY)
    client.force_login(alice)
    group = {"group": team.slug} if audience == "group" else {}
    assert (
        post_annotation(
            client, article, **passage(article, "letter"), visibility=audience, **group
        ).status_code
        == 201
    )
    annotation = Annotation.objects.get()
    assert (annotation.visibility, annotation.group == team) == (visibility, in_group)


def test_nobody_shares_into_a_group_they_are_not_in(client, carol, team):
    article = make_article(body=BODY)
    client.force_login(carol)
    response = post_annotation(
        client, article, **passage(article, "letter"), visibility="group", group=team.slug
    )
    assert response.status_code == 400 and response.json()["field"] == "group"
    assert "only with a group you are a member of" in response.json()["error"]
    assert not Annotation.objects.exists()


def test_the_author_changes_who_sees_an_annotation_and_an_edit_without_it_keeps_it(
    client, alice, notes, team
):
    client.force_login(alice)
    private = notes["private"]
    url = reverse("articles:annotation_update", args=[private.pk])
    client.post(url, {"tags": "secret-tag", "note": "now shared"})
    private.refresh_from_db()
    assert private.visibility == "private"
    client.post(url, {"tags": "secret-tag", "note": "now shared", "audience": f"group-{team.pk}"})
    private.refresh_from_db()
    assert (private.visibility, private.group) == ("group", team)


def test_an_edit_that_keeps_the_group_of_an_author_who_left_it_asks_for_another_audience(client, bob, team):
    """Bob shared a note with the group, then left it: the edit page cannot keep that audience."""
    shared = annotate(make_article(body=BODY), bob, "letter", visibility="group", group=team)
    Membership.objects.filter(user=bob).delete()
    client.force_login(bob)
    response = client.post(reverse("articles:annotation_update", args=[shared.pk]), {"note": "edited"})
    assert response.status_code == 400 and "no longer in this group" in response.text
    shared.refresh_from_db()
    assert (shared.visibility, shared.group, shared.note) == ("group", team, "")


def test_only_the_author_reaches_a_private_annotation_by_its_id(client, bob, notes):
    client.force_login(bob)
    private = notes["private"]
    for name in ["articles:annotation_update", "articles:annotation_delete"]:
        assert client.get(reverse(name, args=[private.pk])).status_code == 404
        assert client.post(reverse(name, args=[private.pk]), {"note": "x"}).status_code == 404
    private.refresh_from_db()
    assert private.deleted_at is None and private.note == ""


def highlighted(page, notes) -> set[str]:
    return {kind for kind, note in notes.items() if f'id="hl-{note.pk}"' in page}


@pytest.mark.parametrize(
    "query, shown",
    [
        ({}, {"public", "group", "private", "bobs"}),
        ({"layer": "mine"}, {"public", "group", "private"}),
        ({"layer": "public"}, {"public", "bobs"}),
        ({"layer": "group"}, {"group"}),
        ({"author": "bob"}, {"bobs"}),
        ({"tag": "team-tag"}, {"group"}),
        ({"layer": "group-999"}, {"public", "group", "private", "bobs"}),  # not a group of hers: ignored
        ({"author": "nobody"}, {"public", "group", "private", "bobs"}),
    ],
)
def test_a_reader_narrows_the_highlights_by_layer_author_and_tag(
    client, alice, bob, notes, team, query, shown
):
    article = notes["public"].article
    notes = {**notes, "bobs": annotate(article, bob, "protested")}
    query = {"layer": f"group-{team.pk}"} if query == {"layer": "group"} else query
    client.force_login(alice)
    other = article.story.articles.exclude(pk=article.pk).get()

    page = client.get(article.get_absolute_url(), query).text
    column = client.get(
        reverse("articles:compare", args=[article.story.slug]), {"a": [article.pk, other.pk], **query}
    )
    fragments = client.get(reverse("articles:article_fragments", args=[article.pk]), query).json()["text"]

    assert (
        highlighted(page, notes) == highlighted(column.text, notes) == highlighted(fragments, notes) == shown
    )


def test_the_filter_menus_offer_the_readers_layers_and_link_back_to_this_page(
    client, alice, bob, notes, team
):
    article = notes["public"].article
    annotate(article, bob, "protested")
    client.force_login(alice)
    page = client.get(article.get_absolute_url(), {"layer": "mine"}).text
    assert f'href="{article.get_absolute_url()}?layer=public#annotations-{article.pk}"' in page
    assert f"?layer=group-{team.pk}#" in page and ">History 101 <" in page
    assert f'href="{article.get_absolute_url()}?layer=mine&amp;author=bob#annotations-{article.pk}"' in page


def test_the_popover_offers_each_reader_their_own_groups_at_once(client, alice, carol, notes, team):
    """Its menu's markup is cached by the choices it shows: never another reader's, never stale."""
    article = notes["public"].article
    other_team = Group.objects.create(name="Newsdesk <b>", slug="newsdesk")
    Membership.objects.create(group=other_team, user=carol, role=Role.OWNER)

    def audience_menu(user):
        client.force_login(user)
        html = client.get(article.get_absolute_url()).content.decode()
        return html[html.index('name="audience"') : html.index("</select>", html.index('name="audience"'))]

    assert "Group: History 101" in audience_menu(alice) and "Newsdesk" not in audience_menu(alice)
    carols = audience_menu(carol)
    assert "Group: Newsdesk &lt;b&gt;" in carols and "History 101" not in carols
    Membership.objects.create(group=team, user=carol)
    assert "Group: History 101" in audience_menu(carol)
    namesake = Group.objects.create(name="History 101", slug="history-101-2")  # another club's
    Membership.objects.create(group=namesake, user=carol)
    assert "Group: History 101 (history-101)<" in audience_menu(carol)
    assert "Group: History 101 (history-101-2)<" in audience_menu(carol)
