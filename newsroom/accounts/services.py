"""Writing groups and profiles: keyword-only and atomic, one function per use case.

Who may call which is decided before, in permissions.py; these functions hold the rules that do
not depend on who asks. A group with members has exactly one owner at every moment: the database
allows at most one (a partial unique constraint), and every change of roles or members locks the
group's row first and reads the memberships again under that lock, so concurrent requests are
applied one after another and can leave neither zero owners nor two.

The last member leaving: the owner may leave once alone, and the group stays, empty. It is not
deleted, because annotations shared with it refer to it (and stay readable by their authors);
its invite links are revoked, so nobody can join a group that has no owner, and to everyone it
is now a group they are not a member of (404). Staff can delete it in the admin.
"""

import secrets
import unicodedata
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from newsroom.accounts.models import (
    API_TOKEN_NAME_MAX_CHARS,
    API_TOKEN_PREFIX,
    ApiToken,
    Group,
    Invite,
    Membership,
    Profile,
    Role,
    api_token_digest,
    display_name,
)

# Paths under groups/ that are pages of their own: a group with such a slug could not be reached.
RESERVED_SLUGS = {"new", "join"}


class GroupError(Exception):
    """A change to a group that is refused; the message is for the user."""


def unique_slug(name: str) -> str:
    """A slug for a new group: the name's, numbered (-2, -3, ...) if taken or reserved."""
    base = slugify(name)[:100].strip("-") or "group"
    taken = set(Group.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    number = 1
    slug = base
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def tidy(text: str) -> str:
    """One line of text as the user meant it: NFC, spaces collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def lock_group(group: Group) -> Group:
    """The group's row, locked until the transaction ends: role and member changes queue here."""
    return Group.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def create_group(*, owner, name: str, description: str = "") -> Group:
    """A new group, with its creator as owner and only member."""
    name = tidy(name)
    group = Group(name=name, description=description.strip(), slug=unique_slug(name))
    group.full_clean()
    group.save()
    Membership.objects.create(group=group, user=owner, role=Role.OWNER)
    return group


@transaction.atomic
def create_invite(*, group: Group, created_by, expires_at: datetime | None = None) -> Invite:
    """A new invite link to the group, usable until it is revoked or, if given, until expires_at."""
    if expires_at is not None and expires_at <= timezone.now():
        raise GroupError("An invite link cannot expire in the past.")
    invite = Invite(group=group, created_by=created_by, expires_at=expires_at)
    invite.full_clean()
    invite.save()
    return invite


@transaction.atomic
def revoke_invite(*, invite: Invite) -> None:
    """The link stops working at once; revoking it again changes nothing."""
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])


def check_invite(*, token: str) -> Invite:
    """The usable invite with this token (with its group); raises saying why it is not usable."""
    invite = Invite.objects.select_related("group").filter(token=token).first()
    if invite is None:
        raise GroupError(
            "This invite link is not valid. Check that you copied all of it, or ask the group for a new one."
        )
    if invite.revoked_at is not None:
        raise GroupError("This invite link has been withdrawn. Ask the group for a new one.")
    if invite.expires_at is not None and invite.expires_at <= timezone.now():
        raise GroupError("This invite link has expired. Ask the group for a new one.")
    return invite


@transaction.atomic
def accept_invite(*, user, token: str) -> tuple[Membership, bool]:
    """The user joins the invite's group as a member; (membership, False) if already a member."""
    lock_group(check_invite(token=token).group)
    # Again under the lock: the group's last member may have left meanwhile, revoking its links.
    invite = check_invite(token=token)
    return Membership.objects.get_or_create(group=invite.group, user=user, defaults={"role": Role.MEMBER})


def find_user(username: str):
    """The active user with this user name: exactly as typed, else the only one ignoring case."""
    field = get_user_model().USERNAME_FIELD
    users = list(get_user_model().objects.filter(is_active=True, **{f"{field}__iexact": username}))
    exact = [user for user in users if user.get_username() == username]
    if exact or len(users) == 1:
        return (exact or users)[0]
    raise GroupError(f"No one has the user name “{username}”. Check its spelling.")


@transaction.atomic
def add_member_by_username(*, group: Group, username: str) -> Membership:
    """Add the person with this user name to the group as a member."""
    group = lock_group(group)
    user = find_user(username.strip())
    if group.memberships.filter(user=user).exists():
        raise GroupError(f"{display_name(user)} is already a member of {group}.")
    return Membership.objects.create(group=group, user=user, role=Role.MEMBER)


@transaction.atomic
def leave_group(*, group: Group, user) -> None:
    """The user leaves the group; an owner must hand it over first unless they are alone in it."""
    group = lock_group(group)
    membership = group.memberships.filter(user=user).first()
    if membership is None:
        raise GroupError(f"You are not a member of {group}.")
    if membership.role == Role.OWNER and group.memberships.exclude(pk=membership.pk).exists():
        raise GroupError(f"You own {group}: hand it over to another member before you leave.")
    membership.delete()
    if not group.memberships.exists():
        group.invites.usable().update(revoked_at=timezone.now())


def locked_membership(membership: Membership) -> Membership:
    """The membership as it is now, its group locked; raises if it has gone meanwhile."""
    lock_group(membership.group)
    current = Membership.objects.select_related("user", "group").filter(pk=membership.pk).first()
    if current is None:
        raise GroupError("This person is no longer a member of the group.")
    return current


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """Remove someone from the group; never its owner."""
    membership = locked_membership(membership)
    if membership.role == Role.OWNER:
        raise GroupError("The owner cannot be removed. Owners hand over ownership, then leave.")
    membership.delete()


@transaction.atomic
def set_role(*, membership: Membership, role: str) -> Membership:
    """Promote a member to moderator or demote a moderator; ownership only changes hands."""
    if role not in {Role.MODERATOR, Role.MEMBER}:
        raise GroupError("A role is moderator or member; to make someone the owner, hand over ownership.")
    membership = locked_membership(membership)
    if membership.role == Role.OWNER:
        raise GroupError("The owner's role changes only when they hand over ownership.")
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def transfer_ownership(*, group: Group, owner, new_owner) -> None:
    """The owner hands the group over to another member and becomes a moderator."""
    group = lock_group(group)
    by_user = {m.user_id: m for m in group.memberships.filter(user_id__in=[owner.pk, new_owner.pk])}
    current, successor = by_user.get(owner.pk), by_user.get(new_owner.pk)
    if current is None or current.role != Role.OWNER:
        raise GroupError(f"Only the owner of {group} can hand it over, and you are not its owner.")
    if successor is None:
        raise GroupError(f"{display_name(new_owner)} is not a member of {group}: they must join first.")
    if successor == current:
        raise GroupError(f"You already own {group}.")
    # The old owner steps down first: the database never holds two owners, even for a moment.
    current.role = Role.MODERATOR
    current.save(update_fields=["role"])
    successor.role = Role.OWNER
    successor.save(update_fields=["role"])


@transaction.atomic
def set_display_name(*, user, name: str) -> Profile:
    """The name others see for the user; an empty one shows their user name instead."""
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.display_name == (name := tidy(name)):
        return profile  # unchanged: the pages that show it stay as they are
    profile.display_name = name
    profile.full_clean()
    profile.save(update_fields=["display_name"])
    return profile


def mark_replies_seen(*, user) -> None:
    """The user has seen the replies to them, up to now: none is unread any more."""
    Profile.objects.update_or_create(user=user, defaults={"replies_seen_at": timezone.now()})


class TokenError(Exception):
    """A token that cannot be made; the message is for the user."""


# How often a token's last use is written down: not on every request of a busy script.
TOKEN_USE_PRECISION = timedelta(minutes=5)


@transaction.atomic
def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new personal API token and its secret, which is not stored and cannot be shown again."""
    name = tidy(name)
    if not name:
        raise TokenError("Name the token after what will use it, for example “my notebook”.")
    if len(name) > API_TOKEN_NAME_MAX_CHARS:
        raise TokenError(f"A token's name can have at most {API_TOKEN_NAME_MAX_CHARS} characters.")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, digest=api_token_digest(secret), hint=secret[:10])
    token.full_clean()
    token.save()
    return token, secret


def revoke_api_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def user_of_api_token(secret: str):
    """The active user whose live token this is, or None."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=api_token_digest(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
