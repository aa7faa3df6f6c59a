"""Who may see or change what, in one place."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from articles.models import Annotation
from articles.models.annotations import Reply, Visibility, moderates_public
from newsroom.accounts.models import Group, Membership, Role


def can_read(user, annotation: Annotation) -> bool:
    """Annotation.objects.visible_to(user)'s rule, for one annotation already loaded."""
    if annotation.deleted_at is not None:
        return False
    if annotation.visibility == Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if annotation.author_id == user.pk:
        return True
    return (
        annotation.visibility == Visibility.GROUP
        and Group.objects.of(user).filter(pk=annotation.group_id).exists()
    )


def can_share_with(user, group: Group | None) -> bool:
    """Authors share annotations with the groups they are members of, and only those."""
    return group is not None and Group.objects.of(user).filter(pk=group.pk).exists()


def can_change_annotation(user, annotation: Annotation) -> bool:
    """Authors edit and delete their own annotations (moderators come with groups)."""
    return user.is_authenticated and annotation.author_id == user.pk


# What an edit or a delete does not read of the annotation's article: its text and the import's
# records (the article is there for its title, its address and its change stamp). Read when used.
ARTICLE_UNREAD_BY_EDITS = [
    f"article__{name}"
    for name in ["subtitle", "byline", "keywords", "wire_agencies", "body", "source_url", "content_hash"]
    + ["source_file", "source_hash"]
]


def access_annotation_for_edit(user, pk: int) -> Annotation:
    """A live annotation the user may change: 404 if they cannot read it, as if it did not exist;
    403 if they read it but it is not theirs. Its tags are not read: an edit reads them with the
    new ones (Tag.objects.for_edit), a delete not at all."""
    own = Annotation.objects.own(user).select_related("article").defer(*ARTICLE_UNREAD_BY_EDITS)
    if annotation := own.filter(pk=pk).first():
        return annotation
    # Not one of theirs (the author reads all of their own): as if missing, unless they read it.
    get_object_or_404(Annotation.objects.visible_to(user), pk=pk)
    raise PermissionDenied("Only its author changes this annotation.")


def access_deleted_annotation(user, pk: int) -> Annotation:
    """One of the user's own deleted annotations, to restore it."""
    return get_object_or_404(
        Annotation.objects.filter(author_id=user.pk, deleted_at__isnull=False).select_related("article"),
        pk=pk,
    )


# Replies and moderation.
#
# A reply has no audience of its own: whoever reads an annotation reads its thread
# (Reply.objects.visible_to), and may answer in it. Moderators hide and unhide an annotation or
# a reply: others then see "hidden by a moderator" in its place, its author and the moderators
# still see it in full. Who moderates is decided by the thread's root: the owner and moderators
# of a group annotation's group; for public annotations, which have no group (and which readers
# flag), staff who may change annotations in the admin. Private annotations are never
# moderated: nobody but their author reads them. Ids the user may not read answer 404, as if
# they did not exist; an action on something the user sees but may not take it answers 403.


def moderated_group_ids(user) -> set[int]:
    """The groups in which the user hides and unhides: those they own or moderate."""
    if not user.is_authenticated:
        return set()
    roles = [Role.OWNER, Role.MODERATOR]
    return set(Membership.objects.filter(user=user, role__in=roles).values_list("group_id", flat=True))


def can_hide(user, annotation: Annotation, moderated: set[int] | None = None) -> bool:
    """Whether the user hides and unhides this annotation and the replies in its thread.

    `moderated` is moderated_group_ids(user), given when deciding for many annotations at once.
    """
    if not user.is_authenticated:
        return False
    if annotation.visibility == Visibility.GROUP:
        return annotation.group_id in (moderated_group_ids(user) if moderated is None else moderated)
    return annotation.visibility == Visibility.PUBLIC and moderates_public(user)


def sees_in_full(user, item: Annotation | Reply, root: Annotation, moderated: set[int] | None = None) -> bool:
    """An annotation or reply (in root's thread) as written, unless a moderator hid it from this user."""
    return item.hidden_at is None or item.author_id == user.pk or can_hide(user, root, moderated)


def can_reply(
    user, root: Annotation, item: Annotation | Reply | None = None, moderated: set[int] | None = None
) -> bool:
    """Readers of a thread answer its annotation or a reply in it (`item`), unless a moderator hid
    either from them: the thread of a hidden annotation is closed to all but its author and moderators."""
    return (
        user.is_authenticated
        and sees_in_full(user, root, root, moderated)
        and (item is None or sees_in_full(user, item, root, moderated))
    )


def can_change_reply(user, reply: Reply) -> bool:
    """Authors edit and delete their own replies."""
    return user.is_authenticated and reply.author_id == user.pk


def can_flag(user, annotation: Annotation) -> bool:
    """Anyone signed in flags someone else's public annotation for staff, until it is hidden."""
    return (
        user.is_authenticated
        and annotation.visibility == Visibility.PUBLIC
        and annotation.author_id != user.pk
        and annotation.hidden_at is None
    )


def access_reply_target(user, pk: int, parent_pk: str | None) -> tuple[Annotation, Reply | None]:
    """The annotation whose thread the user answers in, and the live reply in it they answer (None:
    the annotation itself). 404 for what they cannot read (a reply of another thread included),
    403 for what a moderator hid from them."""
    annotation = get_object_or_404(Annotation.objects.visible_to(user).select_related("article"), pk=pk)
    parent = None
    if parent_pk:
        parent = get_object_or_404(
            Reply.objects.visible_to(user).filter(annotation=annotation), pk=as_id(parent_pk)
        )
    if not can_reply(user, annotation, parent):
        raise PermissionDenied("A moderator hid this, so it cannot be answered.")
    return annotation, parent


def access_reply_for_edit(user, pk: int) -> Reply:
    """A live reply of the user's: 404 if they cannot read it, 403 if they read it but it is not theirs."""
    reply = get_object_or_404(Reply.objects.visible_to(user).select_related("annotation__article"), pk=pk)
    if not can_change_reply(user, reply):
        raise PermissionDenied("Only its author changes this reply.")
    return reply


def access_annotation_for_moderation(user, pk: int) -> Annotation:
    """A live annotation the user may hide or unhide: 404 if they cannot read it, 403 if they may
    read it but not moderate it."""
    annotation = get_object_or_404(Annotation.objects.visible_to(user).select_related("article"), pk=pk)
    if not can_hide(user, annotation):
        raise PermissionDenied(not_a_moderator(annotation))
    return annotation


def access_reply_for_moderation(user, pk: int) -> Reply:
    """A live reply the user may hide or unhide: 404 if they cannot read it, 403 if they may not."""
    reply = get_object_or_404(Reply.objects.visible_to(user).select_related("annotation__article"), pk=pk)
    if not can_hide(user, reply.annotation):
        raise PermissionDenied(not_a_moderator(reply.annotation))
    return reply


def not_a_moderator(annotation: Annotation) -> str:
    if annotation.visibility == Visibility.PRIVATE:
        return "Private annotations and their replies are never moderated."
    if annotation.visibility == Visibility.PUBLIC:
        return "Staff moderate public annotations: flag it for them instead."
    return "Only the group's moderators and owner hide and unhide its annotations."


def access_annotation_to_flag(user, pk: int) -> Annotation:
    """A live annotation the user may flag: 404 if they cannot read it, 403 if it is not one that
    can be flagged (not public, their own, or already hidden)."""
    annotation = get_object_or_404(Annotation.objects.visible_to(user).select_related("article"), pk=pk)
    if not can_flag(user, annotation):
        raise PermissionDenied("Only someone else's public annotation, not yet hidden, can be flagged.")
    return annotation


def as_id(value: str) -> int:
    """An id from a request, or 404: nothing can have an id that is not a number."""
    # Length first: int() refuses over 4,300 digits with a ValueError (a 500).
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) >= 2**63:
        raise Http404("No such id.")
    return int(value)
