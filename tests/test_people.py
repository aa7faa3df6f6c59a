"""A person's page and a group's page show only what the reader may see."""

import pytest
from django.urls import reverse

from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Profile, Role
from newsroom.accounts.services import set_display_name
from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(alice, bob):
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=bob)
    return group


@pytest.fixture
def notes(alice, team):
    article = make_article(body="One two three four five six.")
    return {
        "public": annotate(article, alice, "One"),
        "group": annotate(article, alice, "two", visibility="group", group=team),
        "private": annotate(article, alice, "three", visibility="private"),
    }


def shown(page, notes) -> set[str]:
    return {kind for kind, note in notes.items() if f"<mark>{note.exact}</mark>" in page}


@pytest.mark.parametrize("viewer", [None, "alice", "bob"])
def test_a_persons_page_lists_their_public_annotations_only(client, alice, bob, notes, viewer):
    if viewer:
        client.force_login({"alice": alice, "bob": bob}[viewer])
    Profile.objects.create(user=alice, display_name="Alice Martin")
    page = client.get(reverse("articles:person_detail", args=["alice"])).text
    assert "Alice Martin" in page
    assert shown(page, notes) == {"public"}


def test_a_persons_groups_show_only_to_those_who_share_them(client, alice, bob, team, django_user_model):
    hidden = Group.objects.create(name="Secret circle", slug="secret")
    Membership.objects.create(group=hidden, user=alice, role=Role.OWNER)
    url = reverse("articles:person_detail", args=["alice"])
    client.force_login(alice)
    assert "History 101" in client.get(url).text and "Secret circle" in client.get(url).text
    client.force_login(bob)
    assert "History 101" in client.get(url).text and "Secret circle" not in client.get(url).text
    client.logout()
    assert "History 101" not in client.get(url).text


def test_a_group_page_shows_members_and_group_annotations_to_members_only(
    client, bob, notes, team, django_user_model
):
    url = reverse("articles:group_detail", args=[team.slug])
    client.force_login(bob)
    page = client.get(url).text
    assert ">alice</a>" in page and ">bob</a>" in page
    assert shown(page, notes) == {"group"}
    client.force_login(django_user_model.objects.create_user("carol"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_unknown_people_and_groups_answer_404(client):
    assert client.get(reverse("articles:person_detail", args=["nobody"])).status_code == 404
    assert client.get(reverse("articles:group_detail", args=["nothing"])).status_code == 404


def test_ones_own_page_lists_replies_to_one_newest_first_with_the_unread_marked(client, alice, bob, notes):
    from articles.services.replies import create_reply

    create_reply(annotation=notes["public"], author=bob, note="First answer")
    create_reply(annotation=notes["public"], author=alice, note="Her own answer")  # not a reply to her
    mine = create_reply(annotation=notes["group"], author=alice, note="In the group")
    create_reply(annotation=notes["group"], author=bob, parent=mine, note="Second answer")
    client.force_login(alice)
    url = reverse("articles:person_detail", args=["alice"])

    page = client.get(url).text
    assert page.index("Second answer") < page.index("First answer")
    assert "Her own answer" not in page.split("Public annotations")[0]
    assert page.count('<strong class="unread">new</strong>') == 2

    assert client.get(url).text.count('<strong class="unread">new</strong>') == 0  # seen now
    create_reply(annotation=notes["public"], author=bob, note="Third answer")
    assert client.get(url).text.count('<strong class="unread">new</strong>') == 1
    client.force_login(bob)
    assert "Replies to you" not in client.get(url).text  # only on one's own page


def test_articles_name_authors_by_their_display_name_from_the_moment_they_choose_it(client, alice, bob):
    article = make_article(body="The letter said the contract must end.")
    note = annotate(article, alice, "letter", note="A note.")
    create_reply(annotation=note, author=bob, note="A reply.")
    annotate(article, bob, "contract", note="Bob's note.")
    page = article.get_absolute_url()
    assert "<span>alice</span>" in client.get(page).text  # now in the page cache

    set_display_name(user=alice, name="Alice A.")
    set_display_name(user=bob, name="Bob B.")

    text = client.get(page).text
    assert "<span>Alice A.</span>" in text and "<span>Bob B.</span>" in text
    assert "Alice A. (alice)" in text  # the author filter's choice, which filters by user name
    assert "Bob B. (bob)" in text
    filtered = client.get(page, {"author": "alice"}).text
    assert "A note." in filtered and "Bob&#x27;s note." not in filtered


@pytest.mark.parametrize("change", ["profile made with a name", "profile deleted", "user renamed"])
def test_a_name_changed_in_the_admin_shows_at_once_too(client, alice, change):
    article = make_article(body="The letter said the contract must end.")
    annotate(article, alice, "letter", note="A note.")
    if change == "profile deleted":
        Profile.objects.create(user=alice, display_name="Alice A.")
    page = article.get_absolute_url()
    before = client.get(page).text  # now in the page cache

    if change == "profile made with a name":
        Profile.objects.create(user=alice, display_name="Alice A.")
        shown = "Alice A."
    elif change == "profile deleted":
        Profile.objects.get(user=alice).delete()
        shown = "alice"
    else:
        alice.username = "alice2"
        alice.save()
        shown = "alice2"

    assert f"<span>{shown}</span>" not in before
    assert f"<span>{shown}</span>" in client.get(page).text


def test_lists_of_passages_and_replies_name_people_by_their_display_name(client, alice, bob):
    article = make_article(body="The letter said the contract must end.")
    note = annotate(article, alice, "letter", ["claim"], note="A note.")
    create_reply(annotation=note, author=bob, note="A reply.")
    set_display_name(user=alice, name="Alice A.")
    set_display_name(user=bob, name="Bob B.")

    assert ">Alice A.</a>" in client.get(reverse("articles:tag_detail", args=["claim"])).text
    assert ">Alice A.</a>" in client.get(reverse("articles:person_detail", args=["alice"])).text
    client.force_login(alice)
    assert ">Bob B.</a>" in client.get(reverse("articles:person_detail", args=["alice"])).text  # her replies
