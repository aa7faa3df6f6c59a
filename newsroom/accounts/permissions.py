"""Who may do what in a group, in one place.

Every member sees the members page and may leave. Moderators and the owner bring people in:
they create and revoke invite links and add members by user name. Only the owner decides who
stays and what they do: removing members, promoting and demoting moderators, handing over.
A group is private to its members: to anyone else it answers 404, as if it did not exist; to a
member whose role does not allow an action it answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from newsroom.accounts.models import Membership, Role

# action -> the roles that may take it
RULES: dict[str, set[str]] = {
    "view": {Role.OWNER, Role.MODERATOR, Role.MEMBER},
    "leave": {Role.OWNER, Role.MODERATOR, Role.MEMBER},
    "invite": {Role.OWNER, Role.MODERATOR},
    "manage": {Role.OWNER},
}


def can(membership: Membership | None, action: str) -> bool:
    """Whether this membership's role allows the action (no membership allows nothing)."""
    return membership is not None and membership.role in RULES[action]


def can_change_member(viewer: Membership, member: Membership) -> bool:
    """The owner removes others and changes their role; the owner's own role changes only by a
    hand-over."""
    return can(viewer, "manage") and member.role != Role.OWNER


def access_group(user, slug: str, action: str) -> Membership:
    """The user's membership in the group with this slug (with the group), if it allows the
    action: 404 for non-members and anonymous users, 403 for members it does not allow."""
    membership = (
        Membership.objects.select_related("group").filter(group__slug=slug, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No group of yours has this address.")
    if not can(membership, action):
        raise PermissionDenied(f"Your role in {membership.group} does not allow this.")
    return membership
