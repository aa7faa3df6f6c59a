"""Who may see or change what, in one place."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from articles.models import Annotation
from articles.models.annotations import Visibility
from newsroom.accounts.models import Group


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


def access_annotation_for_edit(user, pk: int) -> Annotation:
    """A live annotation the user may change; 404 otherwise, as if it did not exist."""
    annotation = get_object_or_404(
        Annotation.objects.visible_to(user).select_related("article").prefetch_related("tags"), pk=pk
    )
    if not can_change_annotation(user, annotation):
        raise Http404("No annotation of yours has this id.")
    return annotation


def access_deleted_annotation(user, pk: int) -> Annotation:
    """One of the user's own deleted annotations, to restore it."""
    return get_object_or_404(
        Annotation.objects.filter(author_id=user.pk, deleted_at__isnull=False).select_related("article"),
        pk=pk,
    )
