"""People and groups as readers see them: only annotations and groups they may see."""

from django.core.paginator import Page, Paginator
from django.db.models import F, Q

from articles.models import Annotation
from articles.models.annotations import Reply, Visibility
from newsroom.accounts.models import Group, Profile

PASSAGES_PER_PAGE = 50


def latest_first(annotations) -> list:
    return (
        annotations.anchored()
        .select_related("article", "author__profile")
        .defer("article__body")
        .order_by(F("created_at").desc(), "-pk")
    )


def group_annotations_page(viewer, group: Group, page_number) -> Page:
    """The group's latest annotations across all articles (the page is for its members only)."""
    annotations = Annotation.objects.visible_to(viewer).shown_in_full_to(viewer)
    annotations = annotations.filter(visibility=Visibility.GROUP, group=group)
    return Paginator(latest_first(annotations), PASSAGES_PER_PAGE).get_page(page_number)


def public_annotations_page(viewer, person, page_number) -> Page:
    annotations = Annotation.objects.visible_to(viewer).shown_in_full_to(viewer)
    annotations = annotations.filter(author=person, visibility=Visibility.PUBLIC)
    return Paginator(latest_first(annotations), PASSAGES_PER_PAGE).get_page(page_number)


def groups_in_common(viewer, person):
    """The person's groups that the viewer may know of: all of them for themselves, else shared ones."""
    groups = Group.objects.of(person)
    return groups if viewer.pk == person.pk else groups.filter(pk__in=Group.objects.of(viewer).values("pk"))


REPLIES_SHOWN = 30


def replies_to(person) -> list:
    """The latest replies by others to the person's annotations and replies that they may read,
    newest first; `is_unread` marks those since they last looked (Profile.replies_seen_at)."""
    profile = Profile.objects.filter(user=person).first()
    seen_at = profile.replies_seen_at if profile else None
    replies = (
        Reply.objects.visible_to(person)
        .filter(Q(annotation__author=person) | Q(parent__author=person))
        .exclude(author=person)
        .filter(hidden_at=None)
        .select_related("author__profile", "annotation__article")
        .order_by("-created_at", "-pk")[:REPLIES_SHOWN]
    )
    replies = list(replies)
    for reply in replies:
        reply.is_unread = seen_at is None or reply.created_at > seen_at
    return replies
