"""Groups: creating them, inviting (by link or user name), roles, leaving, handing over; display names."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from newsroom.accounts.models import Group, Invite, Membership, Profile, Role, display_name
from newsroom.accounts.services import (
    GroupError,
    accept_invite,
    add_member_by_username,
    create_group,
    create_invite,
    leave_group,
    remove_member,
    revoke_invite,
    set_display_name,
    set_role,
    transfer_ownership,
)
from tests.browser import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password="pw")


@pytest.fixture
def group(alice):
    """Alice's group, with only her in it."""
    return create_group(owner=alice, name="History 101", description="Reading the news of the week.")


def join(group, user, role=Role.MEMBER) -> Membership:
    return Membership.objects.create(group=group, user=user, role=role)


def roles(group) -> dict[str, str]:
    return {m.user.username: m.role for m in group.memberships.select_related("user")}


def members_url(group) -> str:
    return reverse("accounts:group_members", args=[group.slug])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Services ---------------------------------------------------------------------------------------


def test_it_creates_a_group_with_its_creator_as_its_only_member_and_owner(alice, group):
    assert (group.name, group.slug, group.description) == (
        "History 101",
        "history-101",
        "Reading the news of the week.",
    )
    assert roles(group) == {"alice": Role.OWNER}
    assert group.role_of(alice) == Role.OWNER


def test_it_tidies_the_name_and_makes_the_slug_unique(alice, bob, group):
    again = create_group(owner=bob, name="  History   101 ")
    third = create_group(owner=bob, name="History 101")
    assert again.name == "History 101"
    assert (again.slug, third.slug) == ("history-101-2", "history-101-3")


@pytest.mark.parametrize(
    "name, slug",
    [("New", "new-2"), ("Join", "join-2"), ("日本語", "group"), ("🙂", "group"), ("x" * 100, "x" * 100)],
)
def test_it_never_gives_a_slug_that_is_a_page_of_its_own_or_empty(alice, name, slug):
    assert create_group(owner=alice, name=name).slug == slug


@pytest.mark.parametrize(
    "name, description",
    [("", ""), ("   ", ""), ("x" * 101, ""), ("Fine", "d" * 2001)],
)
def test_it_refuses_a_group_without_a_name_or_over_its_limits_and_saves_nothing(alice, name, description):
    with pytest.raises(ValidationError):
        create_group(owner=alice, name=name, description=description)
    assert not Group.objects.exists() and not Membership.objects.exists()


def test_it_allows_a_group_at_its_limits(alice):
    group = create_group(owner=alice, name="x" * 100, description="d" * 2000)
    assert len(group.description) == 2000


def test_the_database_holds_at_most_one_owner_per_group(group, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        join(group, bob, Role.OWNER)
    assert roles(group) == {"alice": Role.OWNER}


def test_it_creates_invite_links_that_work_until_revoked_or_expired(alice, group):
    forever = create_invite(group=group, created_by=alice)
    week = create_invite(group=group, created_by=alice, expires_at=timezone.now() + timedelta(days=7))
    assert forever.expires_at is None and week.expires_at > timezone.now()
    assert forever.token != week.token and len(forever.token) >= 32
    assert set(group.invites.usable()) == {forever, week}


def test_it_refuses_an_invite_that_expires_in_the_past(alice, group):
    with pytest.raises(GroupError, match="past"):
        create_invite(group=group, created_by=alice, expires_at=timezone.now() - timedelta(minutes=1))
    assert not Invite.objects.exists()


def test_it_revokes_an_invite_once(alice, group):
    invite = create_invite(group=group, created_by=alice)
    revoke_invite(invite=invite)
    first = Invite.objects.get().revoked_at
    revoke_invite(invite=invite)
    assert first is not None and Invite.objects.get().revoked_at == first
    assert not group.invites.usable().exists()


def test_it_lets_whoever_has_a_link_join_as_a_member(alice, bob, group):
    invite = create_invite(group=group, created_by=alice)
    membership, joined = accept_invite(user=bob, token=invite.token)
    assert joined and membership.group == group
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_accepting_again_changes_nothing(alice, bob, group):
    invite = create_invite(group=group, created_by=alice)
    accept_invite(user=bob, token=invite.token)
    _, joined_again = accept_invite(user=bob, token=invite.token)
    _, owner_joined = accept_invite(user=alice, token=invite.token)
    assert not joined_again and not owner_joined
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


@pytest.mark.parametrize(
    "state, message",
    [
        ({"revoked_at": timezone.now()}, "withdrawn"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired"),
    ],
)
def test_it_refuses_a_revoked_or_expired_link(alice, bob, group, state, message):
    invite = create_invite(group=group, created_by=alice)
    Invite.objects.filter(pk=invite.pk).update(**state)
    with pytest.raises(GroupError, match=message):
        accept_invite(user=bob, token=invite.token)
    assert roles(group) == {"alice": Role.OWNER}


def test_it_refuses_an_unknown_link(bob, group):
    with pytest.raises(GroupError, match="not valid"):
        accept_invite(user=bob, token="no-such-token")
    assert not bob.memberships.exists()


def test_it_adds_a_member_by_user_name_ignoring_case(group, bob):
    membership = add_member_by_username(group=group, username=" BOB ")
    assert membership.user == bob and membership.role == Role.MEMBER


def test_an_exact_user_name_wins_over_one_in_another_case(group, django_user_model):
    django_user_model.objects.create_user("Dana")
    dana = django_user_model.objects.create_user("dana")
    assert add_member_by_username(group=group, username="dana").user == dana


@pytest.mark.parametrize("username", ["nobody", "", "inactive"])
def test_it_refuses_an_unknown_or_inactive_user_name(group, django_user_model, username):
    django_user_model.objects.create_user("inactive", is_active=False)
    with pytest.raises(GroupError, match="No one has the user name"):
        add_member_by_username(group=group, username=username)
    assert roles(group) == {"alice": Role.OWNER}


def test_it_refuses_to_add_a_member_twice(group, bob):
    join(group, bob, Role.MODERATOR)
    with pytest.raises(GroupError, match="bob is already a member"):
        add_member_by_username(group=group, username="bob")
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MODERATOR}


def test_a_member_leaves(group, bob):
    join(group, bob)
    leave_group(group=group, user=bob)
    assert roles(group) == {"alice": Role.OWNER}


def test_an_owner_hands_over_before_leaving(group, alice, bob):
    join(group, bob)
    with pytest.raises(GroupError, match="hand it over"):
        leave_group(group=group, user=alice)
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_the_last_member_leaves_an_empty_group_that_nobody_can_join(group, alice, bob):
    invite = create_invite(group=group, created_by=alice)
    leave_group(group=group, user=alice)
    assert Group.objects.filter(pk=group.pk).exists() and roles(group) == {}
    with pytest.raises(GroupError, match="withdrawn"):
        accept_invite(user=bob, token=invite.token)
    assert roles(group) == {}


def test_a_non_member_cannot_leave(group, bob):
    with pytest.raises(GroupError, match="not a member"):
        leave_group(group=group, user=bob)


def test_it_removes_a_member_but_never_the_owner(group, alice, bob):
    bobs = join(group, bob, Role.MODERATOR)
    with pytest.raises(GroupError, match="owner cannot be removed"):
        remove_member(membership=group.memberships.get(user=alice))
    remove_member(membership=bobs)
    assert roles(group) == {"alice": Role.OWNER}


def test_removing_someone_who_has_left_says_so(group, bob):
    bobs = join(group, bob)
    bobs_copy = Membership.objects.get(pk=bobs.pk)
    bobs.delete()
    with pytest.raises(GroupError, match="no longer a member"):
        remove_member(membership=bobs_copy)


def test_it_promotes_and_demotes_moderators(group, bob):
    bobs = join(group, bob)
    assert set_role(membership=bobs, role=Role.MODERATOR).role == Role.MODERATOR
    assert roles(group)["bob"] == Role.MODERATOR
    set_role(membership=bobs, role=Role.MEMBER)
    assert roles(group)["bob"] == Role.MEMBER


@pytest.mark.parametrize("role", [Role.OWNER, "admin", ""])
def test_it_makes_no_owner_or_unknown_role_by_set_role(group, bob, role):
    bobs = join(group, bob)
    with pytest.raises(GroupError, match="hand over ownership"):
        set_role(membership=bobs, role=role)
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_it_refuses_to_demote_the_owner(group, alice):
    with pytest.raises(GroupError, match="owner's role"):
        set_role(membership=group.memberships.get(user=alice), role=Role.MEMBER)
    assert roles(group) == {"alice": Role.OWNER}


def test_it_hands_over_ownership_and_keeps_exactly_one_owner(group, alice, bob, carol):
    join(group, bob)
    join(group, carol, Role.MODERATOR)
    transfer_ownership(group=group, owner=alice, new_owner=bob)
    assert roles(group) == {"alice": Role.MODERATOR, "bob": Role.OWNER, "carol": Role.MODERATOR}


def test_a_stale_hand_over_is_refused(group, alice, bob, carol):
    """Two hand-overs sent from the same page: the second finds alice no longer the owner."""
    join(group, bob)
    join(group, carol)
    transfer_ownership(group=group, owner=alice, new_owner=bob)
    with pytest.raises(GroupError, match="not its owner"):
        transfer_ownership(group=group, owner=alice, new_owner=carol)
    assert roles(group) == {"alice": Role.MODERATOR, "bob": Role.OWNER, "carol": Role.MEMBER}


def test_it_hands_over_only_to_another_member(group, alice, bob):
    with pytest.raises(GroupError, match="bob is not a member"):
        transfer_ownership(group=group, owner=alice, new_owner=bob)
    with pytest.raises(GroupError, match="already own"):
        transfer_ownership(group=group, owner=alice, new_owner=alice)
    assert roles(group) == {"alice": Role.OWNER}


def test_only_the_owner_hands_over(group, bob, carol):
    join(group, bob, Role.MODERATOR)
    join(group, carol)
    with pytest.raises(GroupError, match="not its owner"):
        transfer_ownership(group=group, owner=bob, new_owner=carol)
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MODERATOR, "carol": Role.MEMBER}


@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_overs_queue_on_the_group_and_leave_one_owner(alice, bob, carol):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time (IMMEDIATE); row locks are PostgreSQL's")
    group = create_group(owner=alice, name="Desk")
    join(group, bob)
    join(group, carol)
    handed_over, finish = threading.Event(), threading.Event()
    refused = []

    def first():
        try:
            with transaction.atomic():
                transfer_ownership(group=group, owner=alice, new_owner=bob)
                handed_over.set()
                finish.wait(10)
        finally:
            connection.close()

    def second():
        handed_over.wait(10)
        try:
            transfer_ownership(group=group, owner=alice, new_owner=carol)
        except GroupError as error:
            refused.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(1)
    waited = threads[1].is_alive()  # on the first's lock of the group
    finish.set()
    for thread in threads:
        thread.join(10)

    assert waited
    assert len(refused) == 1 and "not its owner" in refused[0]
    assert roles(group) == {"alice": Role.MODERATOR, "bob": Role.OWNER, "carol": Role.MEMBER}


def test_it_sets_and_clears_a_display_name(alice):
    set_display_name(user=alice, name="  Alice   Liddell ")
    alice.refresh_from_db()
    assert display_name(alice) == "Alice Liddell"
    set_display_name(user=alice, name="")
    alice.refresh_from_db()
    assert display_name(alice) == "alice" and Profile.objects.count() == 1


def test_it_refuses_an_overlong_display_name_and_keeps_the_old_one(alice, bob):
    set_display_name(user=alice, name="Alice")
    with pytest.raises(ValidationError):
        set_display_name(user=alice, name="x" * 81)
    with pytest.raises(ValidationError):
        set_display_name(user=bob, name="x" * 81)
    assert Profile.objects.get(user=alice).display_name == "Alice"
    assert not Profile.objects.filter(user=bob).exists()


# Views: who may do what -------------------------------------------------------------------------

# Every write: (URL name, arguments beyond the slug, POST data, the lowest role allowed).
WRITES = [
    ("accounts:member_add", [], {"username": "carol"}, Role.MODERATOR),
    ("accounts:member_remove", ["carols"], {}, Role.OWNER),
    ("accounts:member_role", ["carols"], {"role": "moderator"}, Role.OWNER),
    ("accounts:ownership_transfer", [], {"member": "carols"}, Role.OWNER),
    ("accounts:invite_create", [], {"expires_in": ""}, Role.MODERATOR),
    ("accounts:invite_revoke", ["invite"], {}, Role.MODERATOR),
    ("accounts:group_leave", [], {}, Role.MEMBER),
]
RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.OWNER: 2}


@pytest.fixture
def crowd(group, alice, bob, carol):
    """Alice owns the group, carol is a member, bob is not in it; one invite link."""
    carols = join(group, carol)
    invite = create_invite(group=group, created_by=alice)
    return {"carols": carols.pk, "invite": invite.pk}


def write(client, group, crowd, name, arguments, data):
    url = reverse(name, args=[group.slug, *(crowd[a] for a in arguments)])
    data = {key: crowd.get(value, value) for key, value in data.items()}
    return url, client.post(url, data)


def state(group):
    return roles(group), list(group.invites.values_list("pk", "revoked_at"))


@pytest.mark.parametrize("name, arguments, data, lowest", WRITES)
def test_every_write_is_a_post_of_a_signed_in_member(
    client, group, crowd, bob, name, arguments, data, lowest
):
    before = state(group)
    url, anonymous = write(client, group, crowd, name, arguments, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(bob)
    assert client.get(url).status_code == 405
    assert write(client, group, crowd, name, arguments, data)[1].status_code == 404
    assert state(group) == before


# Each write with each role below the lowest that may make it.
FORBIDDEN = [
    (*write, role)
    for write in WRITES
    for role in [Role.MEMBER, Role.MODERATOR]
    if RANK[role] < RANK[write[3]]
]


@pytest.mark.parametrize("name, arguments, data, lowest, role", FORBIDDEN)
def test_a_member_whose_role_does_not_allow_a_write_gets_403(
    client, group, crowd, bob, name, arguments, data, lowest, role
):
    join(group, bob, role)
    before = state(group)
    client.force_login(bob)
    assert write(client, group, crowd, name, arguments, data)[1].status_code == 403
    assert state(group) == before


def test_a_group_answers_404_to_non_members_and_sends_visitors_to_sign_in(client, group, bob):
    anonymous = client.get(members_url(group))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    client.force_login(bob)
    assert client.get(members_url(group)).status_code == 404
    assert client.get(reverse("accounts:group_members", args=["no-such-group"])).status_code == 404


def test_a_membership_of_another_group_is_not_found(client, alice, bob, group):
    other = create_group(owner=bob, name="Other")
    carols = join(other, get_user_model().objects.create_user("carol"))
    invite = create_invite(group=other, created_by=bob)
    client.force_login(alice)
    for name, pk in [("member_remove", carols.pk), ("member_role", carols.pk), ("invite_revoke", invite.pk)]:
        response = client.post(reverse(f"accounts:{name}", args=[group.slug, pk]), {"role": "moderator"})
        assert response.status_code == 404
    assert roles(other) == {"bob": Role.OWNER, "carol": Role.MEMBER}
    assert Invite.objects.get().revoked_at is None


# Views: the pages -------------------------------------------------------------------------------


def test_the_header_links_signed_in_users_to_their_groups(client, alice):
    assert reverse("accounts:group_list") not in client.get(reverse("articles:home")).text
    client.force_login(alice)
    assert (
        f'<a href="{reverse("accounts:group_list")}">Groups</a>' in client.get(reverse("articles:home")).text
    )


def test_it_lists_the_users_groups_with_their_role_and_size(
    client, alice, bob, group, django_assert_num_queries
):
    join(group, bob)
    create_group(owner=bob, name="Bob's own")
    club = create_group(owner=bob, name="Another club")
    join(club, alice, Role.MODERATOR)
    client.force_login(alice)

    # session, user, the memberships with groups and counts, the user's display name
    with django_assert_num_queries(4):
        page = client.get(reverse("accounts:group_list"))

    assert [m.group.name for m in page.context["memberships"]] == ["Another club", "History 101"]
    assert "You are its owner" in page.text and "You are its moderator" in page.text
    assert "2 members" in page.text and "Bob&#x27;s own" not in page.text
    assert f'href="{reverse("accounts:group_create")}"' in page.text
    assert f'href="{reverse("accounts:display_name_update")}"' in page.text


def test_it_creates_a_group_from_the_form(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:group_create")).status_code == 200
    response = client.post(
        reverse("accounts:group_create"), {"name": "Reading club", "description": "Weekly."}
    )
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == members_url(group)
    assert (group.name, group.description, roles(group)) == ("Reading club", "Weekly.", {"alice": Role.OWNER})


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "Give the group a name."),
        ({"name": "   "}, "Give the group a name."),
        ({"name": "x" * 101}, "A group&#x27;s name can have at most 100 characters; this one has 101."),
        # Each of these becomes three characters in NFC, as stored: 100 typed are 300.
        ({"name": "\ufb2c" * 100}, "at most 100 characters; this one has 300."),
        ({"name": "Fine", "description": "d" * 2001}, "at most 2000 characters; this one has 2001."),
    ],
)
def test_it_refuses_a_bad_group_with_a_clear_message_and_keeps_the_text(client, alice, data, message):
    client.force_login(alice)
    response = client.post(reverse("accounts:group_create"), data)
    assert response.status_code == 200 and message in response.text
    assert data["name"] in response.text  # kept in the form, never cut
    assert 'maxlength="' not in response.text and 'data-max-chars="100"' in response.text
    assert not Group.objects.exists()


def test_the_owner_sees_every_action_and_copyable_links(client, alice, bob, group, django_assert_num_queries):
    join(group, bob, Role.MODERATOR)
    invite = create_invite(group=group, created_by=alice)
    client.force_login(alice)

    # session, user, membership with group, members, invites
    with django_assert_num_queries(5):
        page = client.get(members_url(group))

    link = f"http://testserver{reverse('accounts:invite_accept', args=[invite.token])}"
    assert (
        f'<input class="invite-url" id="invite-{invite.pk}" type="text" value="{link}" readonly>' in page.text
    )
    assert f'<label for="invite-{invite.pk}">' in page.text
    bobs = group.memberships.get(user=bob)
    for name, args in [
        ("member_remove", [bobs.pk]),
        ("member_role", [bobs.pk]),
        ("invite_revoke", [invite.pk]),
        ("invite_create", []),
        ("member_add", []),
        ("ownership_transfer", []),
    ]:
        assert reverse(f"accounts:{name}", args=[group.slug, *args]) in page.text
    assert "Make member" in page.text
    # Nobody removes or demotes the owner, and the owner does not leave while bob is in.
    alices = group.memberships.get(user=alice)
    assert reverse("accounts:member_remove", args=[group.slug, alices.pk]) not in page.text
    assert reverse("accounts:group_leave", args=[group.slug]) not in page.text


def test_a_member_sees_the_members_but_no_links_and_no_actions_on_others(client, alice, bob, group):
    join(group, bob)
    invite = create_invite(group=group, created_by=alice)
    client.force_login(bob)
    page = client.get(members_url(group))
    assert page.status_code == 200 and "alice" in page.text and "bob" in page.text
    assert invite.token not in page.text
    assert "/remove/" not in page.text and "/role/" not in page.text and "/owner/" not in page.text
    assert reverse("accounts:group_leave", args=[group.slug]) in page.text


def test_a_moderator_invites_but_does_not_manage(client, alice, bob, group):
    join(group, bob, Role.MODERATOR)
    invite = create_invite(group=group, created_by=alice)
    client.force_login(bob)
    page = client.get(members_url(group))
    assert invite.token in page.text and reverse("accounts:member_add", args=[group.slug]) in page.text
    assert "/remove/" not in page.text and "/role/" not in page.text and "/owner/" not in page.text


def test_members_are_shown_by_display_name_and_user_name(client, alice, bob, group):
    join(group, bob)
    set_display_name(user=bob, name="Robert <b>Tables</b>")
    client.force_login(alice)
    page = client.get(members_url(group)).text
    assert '<strong>Robert &lt;b&gt;Tables&lt;/b&gt;</strong> <span class="hint">bob</span>' in page


def test_the_owner_adds_a_member_by_user_name(client, alice, bob, group):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:member_add", args=[group.slug]), {"username": "bob"}, follow=True
    )
    assert response.redirect_chain == [(members_url(group), 302)]
    assert messages_of(response) == ["bob is now a member of History 101."]
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_a_moderator_adds_a_member(client, alice, bob, carol, group):
    join(group, bob, Role.MODERATOR)
    client.force_login(bob)
    client.post(reverse("accounts:member_add", args=[group.slug]), {"username": "carol"})
    assert roles(group)["carol"] == Role.MEMBER


@pytest.mark.parametrize(
    "username, message",
    [
        ("nobody", "No one has the user name “nobody”."),
        ("alice", "alice is already a member of History 101."),
        ("", "Type the user name of the person to add."),
    ],
)
def test_it_refuses_a_bad_user_name_beside_the_field(client, alice, group, username, message):
    client.force_login(alice)
    response = client.post(reverse("accounts:member_add", args=[group.slug]), {"username": username})
    assert response.status_code == 400
    assert message in response.text
    assert f'name="username" value="{username}"' in response.text or not username  # kept
    assert roles(group) == {"alice": Role.OWNER}


def test_the_owner_removes_a_member(client, alice, bob, group):
    bobs = join(group, bob)
    client.force_login(alice)
    response = client.post(reverse("accounts:member_remove", args=[group.slug, bobs.pk]), follow=True)
    assert messages_of(response) == ["bob is no longer a member."]
    assert roles(group) == {"alice": Role.OWNER}


def test_the_owner_cannot_remove_themselves(client, alice, group):
    client.force_login(alice)
    alices = group.memberships.get(user=alice)
    response = client.post(reverse("accounts:member_remove", args=[group.slug, alices.pk]), follow=True)
    assert "The owner cannot be removed" in messages_of(response)[0]
    assert roles(group) == {"alice": Role.OWNER}


def test_the_owner_promotes_and_demotes_a_moderator(client, alice, bob, group):
    bobs = join(group, bob)
    url = reverse("accounts:member_role", args=[group.slug, bobs.pk])
    client.force_login(alice)
    promoted = client.post(url, {"role": "moderator"}, follow=True)
    assert messages_of(promoted) == ["bob is now a moderator."] and roles(group)["bob"] == Role.MODERATOR
    client.post(url, {"role": "member"})
    assert roles(group)["bob"] == Role.MEMBER


@pytest.mark.parametrize("role", ["owner", "admin", ""])
def test_the_role_form_makes_no_owner_and_no_unknown_role(client, alice, bob, group, role):
    bobs = join(group, bob)
    client.force_login(alice)
    response = client.post(
        reverse("accounts:member_role", args=[group.slug, bobs.pk]), {"role": role}, follow=True
    )
    assert "hand over ownership" in messages_of(response)[0]
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_the_owner_cannot_be_demoted_through_the_role_form(client, alice, group):
    client.force_login(alice)
    alices = group.memberships.get(user=alice)
    client.post(reverse("accounts:member_role", args=[group.slug, alices.pk]), {"role": "member"})
    assert roles(group) == {"alice": Role.OWNER}


def test_the_owner_hands_over_and_becomes_a_moderator(client, alice, bob, group):
    bobs = join(group, bob)
    client.force_login(alice)
    response = client.post(
        reverse("accounts:ownership_transfer", args=[group.slug]), {"member": bobs.pk}, follow=True
    )
    assert messages_of(response) == ["bob now owns History 101; you are a moderator."]
    assert roles(group) == {"alice": Role.MODERATOR, "bob": Role.OWNER}
    assert "/owner/" not in response.text  # alice no longer manages


def test_the_hand_over_form_offers_only_other_members(client, alice, bob, group):
    other = create_group(owner=bob, name="Other")
    client.force_login(alice)
    for member in [group.memberships.get(user=alice).pk, other.memberships.get().pk, "x", ""]:
        response = client.post(
            reverse("accounts:ownership_transfer", args=[group.slug]), {"member": member}, follow=True
        )
        assert messages_of(response) == ["Choose one of the group's members as its new owner."]
    assert roles(group) == {"alice": Role.OWNER} and roles(other) == {"bob": Role.OWNER}


def test_a_member_leaves_from_the_members_page(client, alice, bob, group):
    join(group, bob)
    client.force_login(bob)
    response = client.post(reverse("accounts:group_leave", args=[group.slug]), follow=True)
    assert response.redirect_chain == [(reverse("accounts:group_list"), 302)]
    assert messages_of(response) == ["You have left History 101."]
    assert roles(group) == {"alice": Role.OWNER}


def test_an_owner_with_members_cannot_leave(client, alice, bob, group):
    join(group, bob)
    client.force_login(alice)
    response = client.post(reverse("accounts:group_leave", args=[group.slug]), follow=True)
    assert response.redirect_chain == [(members_url(group), 302)]
    assert "hand it over to another member before you leave" in messages_of(response)[0]
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_an_owner_alone_leaves_and_the_group_is_gone_for_everyone(client, alice, group):
    client.force_login(alice)
    assert "You are its only member" in client.get(members_url(group)).text
    client.post(reverse("accounts:group_leave", args=[group.slug]))
    assert client.get(members_url(group)).status_code == 404
    assert list(client.get(reverse("accounts:group_list")).context["memberships"]) == []


@pytest.mark.parametrize("expires_in, days", [("", None), ("1", 1), ("7", 7), ("30", 30)])
def test_it_creates_an_invite_link_with_an_optional_expiry(client, alice, group, expires_in, days):
    client.force_login(alice)
    response = client.post(reverse("accounts:invite_create", args=[group.slug]), {"expires_in": expires_in})
    invite = Invite.objects.get()
    assert response.status_code == 302 and invite.group == group and invite.created_by == alice
    if days is None:
        assert invite.expires_at is None
    else:
        assert abs(invite.expires_at - (timezone.now() + timedelta(days=days))) < timedelta(minutes=1)


def test_it_refuses_an_expiry_it_does_not_offer(client, alice, group):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:invite_create", args=[group.slug]), {"expires_in": "-3"}, follow=True
    )
    assert messages_of(response) == ["Choose how long the link works."]
    assert not Invite.objects.exists()


def test_a_revoked_link_leaves_the_page_and_stops_working(client, alice, bob, group):
    invite = create_invite(group=group, created_by=alice)
    client.force_login(alice)
    response = client.post(reverse("accounts:invite_revoke", args=[group.slug, invite.pk]), follow=True)
    assert messages_of(response) == ["The invite link no longer works."]
    assert invite.token not in response.text
    client.force_login(bob)
    assert client.get(invite.get_absolute_url()).status_code == 404


def test_an_invite_link_signs_visitors_in_first_and_brings_them_back(client, alice, group):
    invite = create_invite(group=group, created_by=alice)
    response = client.get(invite.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={invite.get_absolute_url()}"
    assert client.post(invite.get_absolute_url()).status_code == 302
    assert roles(group) == {"alice": Role.OWNER}


def test_an_invite_link_shows_the_group_and_joins_it(client, alice, bob, group):
    invite = create_invite(group=group, created_by=alice)
    client.force_login(bob)
    page = client.get(invite.get_absolute_url())
    assert page.status_code == 200
    assert "History 101" in page.text and "Reading the news of the week." in page.text
    assert "Join History 101</button>" in page.text

    response = client.post(invite.get_absolute_url(), follow=True)

    assert response.redirect_chain == [(members_url(group), 302)]
    assert messages_of(response) == ["Welcome to History 101."]
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


def test_a_member_following_an_invite_link_is_told_so(client, alice, group):
    invite = create_invite(group=group, created_by=alice)
    client.force_login(alice)
    page = client.get(invite.get_absolute_url())
    assert (
        "You are already in this group, as its owner." in page.text
        and "<button" not in page.text.split("<main")[1]
    )
    response = client.post(invite.get_absolute_url(), follow=True)
    assert messages_of(response) == ["You are already in History 101."]
    assert roles(group) == {"alice": Role.OWNER}


@pytest.mark.parametrize(
    "state, message",
    [
        ({"revoked_at": timezone.now()}, "This invite link has been withdrawn."),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "This invite link has expired."),
        ({"token": "something-else"}, "This invite link is not valid."),
    ],
)
def test_a_link_that_does_not_work_says_why_and_shows_no_group(client, alice, bob, group, state, message):
    invite = create_invite(group=group, created_by=alice)
    url = invite.get_absolute_url()
    Invite.objects.filter(pk=invite.pk).update(**state)
    client.force_login(bob)
    for response in [client.get(url), client.post(url)]:
        assert response.status_code == 404
        assert message in response.text and "History 101" not in response.text
    assert roles(group) == {"alice": Role.OWNER}


def test_it_sets_a_display_name_that_others_then_see(client, alice, bob, group):
    join(group, bob)
    client.force_login(bob)
    assert client.get(reverse("accounts:display_name_update")).status_code == 200
    response = client.post(reverse("accounts:display_name_update"), {"display_name": "Bob B."}, follow=True)
    assert messages_of(response) == ["Your display name is saved."]
    assert 'value="Bob B."' in response.text and "Others see you as <strong>Bob B.</strong>" in response.text
    client.force_login(alice)
    assert "<strong>Bob B.</strong>" in client.get(members_url(group)).text


def test_it_refuses_an_overlong_display_name_with_a_clear_message(client, alice):
    set_display_name(user=alice, name="Alice")
    client.force_login(alice)
    response = client.post(reverse("accounts:display_name_update"), {"display_name": "x" * 81})
    assert response.status_code == 200
    assert "A display name can have at most 80 characters; this one has 81." in response.text
    assert "x" * 81 in response.text
    assert Profile.objects.get(user=alice).display_name == "Alice"


@pytest.mark.parametrize(
    "name, message",
    [
        ("\ufb2c" * 80, "A display name can have at most 80 characters; this one has 240."),
        ("BOB", "That is another user&#x27;s user name: choose a name of your own."),
        *[
            (name, "A display name cannot hold invisible characters that format text.")
            for name in ["\u202enimda", "bob\u200b", "\u200fbob", "b\u00adob", "bo\u2060b"]
        ],
        ("Élodie", "That is another user&#x27;s user name: choose a name of your own."),
        ("ｂｏｂ", "That is another user&#x27;s user name: choose a name of your own."),
        ("bob builder", "Someone else shows as this name: choose a name of your own."),
    ],
)
def test_it_refuses_a_display_name_that_does_not_fit_or_passes_for_someone_else(
    client, alice, bob, django_user_model, name, message
):
    django_user_model.objects.create_user("élodie")
    set_display_name(user=bob, name="Bob Builder")
    set_display_name(user=alice, name="Alice")
    client.force_login(alice)
    response = client.post(reverse("accounts:display_name_update"), {"display_name": name})
    assert response.status_code == 200 and message in response.text
    assert Profile.objects.get(user=alice).display_name == "Alice"


def test_a_display_name_may_join_emoji_and_letters(client, alice):
    client.force_login(alice)
    name = "Ali 👩\u200d💻 می\u200cخواهم"  # a zero-width joiner and non-joiner
    response = client.post(reverse("accounts:display_name_update"), {"display_name": name}, follow=True)
    assert messages_of(response) == ["Your display name is saved."]


def test_one_may_be_shown_by_ones_own_user_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:display_name_update"), {"display_name": "Alice"}, follow=True)
    assert messages_of(response) == ["Your display name is saved."]


def test_the_display_name_page_is_for_signed_in_users(client):
    response = client.post(reverse("accounts:display_name_update"), {"display_name": "Eve"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Profile.objects.exists()


# Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return user


def test_staff_see_groups_invites_and_profiles(client, staff, alice, group):
    create_invite(group=group, created_by=alice)
    set_display_name(user=alice, name="Alice")
    for name, args in [
        ("admin:accounts_group_changelist", []),
        ("admin:accounts_group_change", [group.pk]),
        ("admin:accounts_invite_changelist", []),
        ("admin:accounts_profile_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("alices_role, bobs_role", [(Role.MEMBER, Role.MEMBER), (Role.OWNER, Role.OWNER)])
def test_staff_cannot_leave_a_group_without_exactly_one_owner(
    client, staff, alice, bob, group, alices_role, bobs_role
):
    bobs = join(group, bob)
    alices = group.memberships.get(user=alice)
    data = {
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "2",
        "memberships-0-id": alices.pk,
        "memberships-0-group": group.pk,
        "memberships-0-user": alice.pk,
        "memberships-0-role": alices_role,
        "memberships-1-id": bobs.pk,
        "memberships-1-group": group.pk,
        "memberships-1-user": bob.pk,
        "memberships-1-role": bobs_role,
    }
    response = client.post(reverse("admin:accounts_group_change", args=[group.pk]), data)
    assert response.status_code == 200 and "A group has exactly one owner" in response.text
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}


# In the browser --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_invite_link_signs_in_joins_and_the_pages_fit_a_small_phone(page, alice, bob):
    group = create_group(owner=alice, name="History 101")
    invite = create_invite(group=group, created_by=alice)
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(invite.get_absolute_url())
    page.get_by_label("Username or e-mail").fill("bob")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Join History 101").click()

    expect(page.get_by_text("Welcome to History 101.")).to_be_visible()
    assert page.url.endswith(members_url(group))
    assert roles(group) == {"alice": Role.OWNER, "bob": Role.MEMBER}

    page.context.clear_cookies()  # bob signs out
    log_in(page, "alice", next_url=members_url(group))
    expect(page.get_by_role("button", name="Remove bob from the group")).to_be_visible()
    expect(page.get_by_label(re.compile("works until revoked"))).to_have_value(
        re.compile(re.escape(invite.get_absolute_url()) + "$")
    )
    for url in [members_url(group), reverse("accounts:group_list"), reverse("accounts:group_create")]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
