"""People and groups as readers see them: only annotations and groups they may see."""

from django.core.paginator import Page, Paginator
from django.db.models import F

from articles.models import Annotation
from articles.models.annotations import Visibility
from newsroom.accounts.models import Group

PASSAGES_PER_PAGE = 50


def latest_first(annotations) -> list:
    return (
        annotations.anchored()
        .select_related("article", "author")
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
