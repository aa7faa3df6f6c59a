"""What a reader sees of an article: its paragraphs with highlights, and its annotations."""

import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.functional import LazyObject

from articles.models import Annotation, Article, Story, TaggedAnnotation
from articles.models.annotations import Reply, Visibility, moderates_public
from articles.models.corpus import state_key
from articles.navigation import with_query
from articles.permissions import (
    can_change_annotation,
    can_change_reply,
    can_flag,
    can_hide,
    can_reply,
    moderated_group_ids,
    sees_in_full,
)
from articles.queries.sql import fetch_all
from articles.queries.tags import existing_tag_slug, tag_url
from articles.text.segments import Segment, highlight_segments
from newsroom.accounts.models import Group, roles_of


@dataclass
class HighlightedSegment:
    """A piece of a paragraph, with the annotations and shared passages over it and starting at it."""

    segment: Segment  # its ids are (ANNOTATION, pk) and (SHARED, cluster) pairs
    starting_annotations: list[int]  # their anchors are the targets of links to "#hl-<pk>"
    starting_shared: list["PassageMark"]

    annotation_ids: list[int] = field(init=False)
    cluster_ids: list[int] = field(init=False)

    def __post_init__(self):
        # Plain attributes, not cached properties: a page has thousands of segments. The ids are
        # sorted, so annotations' ("a", pk) come before shared passages' ("s", cluster): on an
        # article's own page, which has none, no id is looked at twice.
        ids = self.segment.annotation_ids
        if ids and ids[-1][0] == SHARED:
            self.annotation_ids = [pk for kind, pk in ids if kind == ANNOTATION]
            self.cluster_ids = [cluster for kind, cluster in ids if kind == SHARED]
        else:
            self.annotation_ids, self.cluster_ids = [pk for _, pk in ids], []

    @property
    def ids_text(self) -> str:
        return " ".join(map(str, self.annotation_ids))


ANNOTATION, SHARED = "a", "s"  # the two kinds of span over an article's text


SHARED_COLOURS = 8  # shared passages are told apart by colour: the palette in site.css


class PassageMark(NamedTuple):
    """Where a column shows a passage that other columns share (text.comparison.SharedPassage)."""

    cluster: int
    article: int
    start: int
    end: int
    also_in: str  # "The Hill, TheBlaze"


@dataclass
class HighlightedParagraph:
    start: int
    segments: list[HighlightedSegment]


def highlighted_paragraphs(
    article: Article, annotations, shared: Iterable[PassageMark] = ()
) -> list[HighlightedParagraph]:
    """The article's paragraphs split into segments, each knowing which annotations (and shared
    passages) cover it."""
    paragraphs = article.paragraphs()
    spans = [((ANNOTATION, a.pk), a.start, a.end) for a in annotations]
    spans += [((SHARED, passage.cluster), passage.start, passage.end) for passage in shared]
    annotations_at = starting_at(annotations, lambda annotation: annotation.pk)
    shared_at = starting_at(shared, lambda passage: passage)

    def highlighted(segment: Segment) -> HighlightedSegment:
        if not segment.annotation_ids:
            return HighlightedSegment(segment, [], [])
        return HighlightedSegment(
            segment, annotations_at.get(segment.start, []), shared_at.get(segment.start, [])
        )

    return [
        HighlightedParagraph(
            paragraph.start,
            [highlighted(s) for s in highlight_segments(paragraph.start, paragraph.text, spans)],
        )
        for paragraph, spans in zip(paragraphs, spans_by_paragraph(paragraphs, spans), strict=True)
    ]


def spans_by_paragraph(paragraphs: list, spans: list[tuple]) -> list[list[tuple]]:
    """The spans (id, start, end) that reach into each paragraph, found by bisection."""
    starts = [paragraph.start for paragraph in paragraphs]
    by_paragraph = [[] for _ in paragraphs]
    for span in spans:
        first, last = bisect_right(starts, span[1]) - 1, bisect_left(starts, span[2]) - 1
        for index in range(max(first, 0), last + 1):
            by_paragraph[index].append(span)
    return by_paragraph


def starting_at(items, value) -> dict[int, list]:
    """value(item) of the items, by the offset each starts at."""
    by_start = {}
    for item in items:
        by_start.setdefault(item.start, []).append(value(item))
    return by_start


class TagLink(NamedTuple):
    name: str
    slug: str
    url: str  # "" if the tag cannot be linked


def attach_tag_links(annotations: list[Annotation]) -> None:
    """Give each annotation its tags as .tag_links, in one query.

    Faster than prefetch_related("tags") by ~6x on a page of 1,000 annotations, and each
    tag's URL is reversed once rather than once per use.
    """
    by_id = {annotation.pk: annotation for annotation in annotations}
    for annotation in annotations:
        annotation.tag_links = []
    rows = (
        TaggedAnnotation.objects.filter(content_object__in=list(by_id))
        .values_list("content_object_id", "tag__name", "tag__slug")
        .order_by("tag__key")
    )
    links = {}  # one TagLink per tag, shared by its annotations
    for annotation_id, name, slug in rows:
        if (link := links.get(slug)) is None:
            link = links[slug] = TagLink(name, slug, tag_url(slug))
        by_id[annotation_id].tag_links.append(link)


@dataclass(slots=True)
class ShownAnnotation:
    """What pages show of an annotation, read as plain values (with its author's and group's names):
    a page of 1,000 annotations made model instances of them in a tenth of its time. Permissions
    and templates read the same attributes as on an Annotation; the rest are attached on reading."""

    pk: int
    article_id: int
    author_id: int
    start: int
    end: int
    exact: str
    note_html: str
    is_orphan: bool
    created_at: object
    edited_at: object
    visibility: str
    group_id: int | None
    hidden_at: object
    author_name: str  # the user name, which the author filter takes
    group_name: str | None
    shown_author: str  # how the app names them (accounts.models.display_name)
    tag_links: list = field(default_factory=list)
    is_editable: bool = False
    can_moderate: bool = False
    is_withheld: bool = False
    can_reply: bool = False
    can_flag: bool = False
    thread: list = field(default_factory=list)

    short_exact = Annotation.short_exact


# The values of a row, in the order of ShownAnnotation's first fields.
SHOWN_VALUES = ["pk", "article_id", "author_id", "start", "end", "exact", "note_html", "is_orphan"]
SHOWN_VALUES += [
    "created_at",
    "edited_at",
    "visibility",
    "group_id",
    "hidden_at",
    "author__username",
    "group__name",
    "shown_author",
]
# The author's display name, else their user name, in the query: no profile read per annotation.
SHOWN_AUTHOR = Coalesce(NullIf("author__profile__display_name", Value("")), "author__username")


REPLY_FIELDS_SHOWN = [
    "annotation_id",
    "parent_id",
    "author_id",
    "note_html",
    "created_at",
    "edited_at",
    "deleted_at",
    "hidden_at",
]


def attach_moderation(user, annotations: list[Annotation]) -> set[int]:
    """What the reader may do to each annotation (.can_moderate, .can_reply, .can_flag), and
    whether a moderator hid it from them (.is_withheld). Returns the groups the reader moderates.

    A withheld annotation keeps its place in the list as "hidden by a moderator", without its
    highlight; what it says (note, tags, author, quote) is blanked here, so no page can show it.
    """
    has_groups = any(annotation.visibility == Visibility.GROUP for annotation in annotations)
    moderated = moderated_group_ids(user) if has_groups else set()
    for annotation in annotations:
        annotation.can_moderate = can_hide(user, annotation, moderated)
        annotation.is_withheld = not sees_in_full(user, annotation, annotation, moderated)
        annotation.can_reply = can_reply(user, annotation, moderated=moderated)
        annotation.can_flag = can_flag(user, annotation)
        if annotation.is_withheld:
            annotation.exact = annotation.note_html = annotation.author_name = annotation.shown_author = ""
            annotation.tag_links = []
    return moderated


def attach_threads(user, article: Article, annotations: list[Annotation], moderated: set[int]) -> None:
    """Give each of the article's annotations its thread as .thread, each reply in it its own .thread,
    in one query.

    Deleted replies are kept where their answers need them (as "deleted"), else left out; a reply
    hidden by a moderator shows as "hidden by a moderator" to all but its author and moderators.
    """
    roots = {annotation.pk: annotation for annotation in annotations}
    for annotation in annotations:
        annotation.thread = []
    if not roots:
        return
    replies = list(
        Reply.objects.in_threads_of(Annotation.objects.visible_to(user).for_article(article))
        .only(*REPLY_FIELDS_SHOWN)
        .annotate(shown_author=SHOWN_AUTHOR)
        .order_by("-pk")
    )
    by_id = {reply.pk: reply for reply in replies}
    for reply in replies:
        reply.thread = []
    # Newest first: an answer is always newer than what it answers, so each reply knows whether
    # it has answers to show before its own place is decided.
    for reply in replies:
        root = roots.get(reply.annotation_id)  # None for an annotation written since the list was read
        if root is None or (reply.deleted_at is not None and not reply.thread):
            continue
        describe_reply(user, reply, root, moderated)
        parent = by_id.get(reply.parent_id)
        (parent.thread if parent else root.thread).append(reply)
    for item in [*annotations, *replies]:
        item.thread.reverse()


def describe_reply(user, reply: Reply, root: Annotation, moderated: set[int]) -> None:
    """What the reader may see of and do to a reply shown in root's thread."""
    reply.is_deleted = reply.deleted_at is not None
    reply.is_withheld = not reply.is_deleted and not sees_in_full(user, reply, root, moderated)
    live = not reply.is_deleted
    reply.is_editable = live and can_change_reply(user, reply)
    reply.can_moderate = live and root.can_moderate
    reply.can_reply = live and can_reply(user, root, reply, moderated)
    if not live or reply.is_withheld:
        reply.note_html = reply.shown_author = ""


@dataclass(frozen=True)
class Filters:
    """What a reader narrows an article's annotations to: a tag, a layer, an author (each optional).

    A layer is "mine", "public" or "group-<id>" of one of the reader's groups. Made by
    reading_filters(), which keeps only values that exist, so that URLs make few cache entries.
    """

    tag: str = ""
    layer: str = ""
    author: str = ""

    @property
    def is_active(self) -> bool:
        return bool(self.tag or self.layer or self.author)

    def as_query(self) -> dict:
        return {"tag": self.tag, "layer": self.layer, "author": self.author}

    def keep(self, annotation, user) -> bool:
        return (
            (not self.tag or any(tag.slug == self.tag for tag in annotation.tag_links))
            and (not self.author or annotation.author_name == self.author)
            and (not self.layer or in_layer(annotation, self.layer, user))
        )


NO_FILTERS = Filters()


def in_layer(annotation, layer: str, user) -> bool:
    if layer == "mine":
        return annotation.author_id == user.pk
    if layer == "public":
        return annotation.visibility == Visibility.PUBLIC
    return layer == f"group-{annotation.group_id}"


class FilterLink(NamedTuple):
    label: str
    url: str
    is_current: bool
    uses: int | None


def unwrapped(user):
    """request.user without its lazy wrapper, through which every attribute read is a function call:
    deciding what a reader may do to each of 1,000 annotations reads tens of thousands."""
    if isinstance(user, LazyObject):
        user.is_authenticated  # loads the user  # noqa: B018
        return user._wrapped
    return user


def reading_key(user, state: tuple, filters: Filters, columns: tuple = (), shared: tuple = ()) -> str:
    """The key of what a reader sees of an article (ArticleAnnotations.cache_key): its state (id and
    timestamps), the reader, the groups they read and moderate, the filters, columns and passages."""
    parts = (*state, user.pk, reader_groups(user), moderates_public(user), filters, columns, shared)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def reader_groups(user) -> tuple:
    """(id, role, name, slug) of each of the reader's groups, in group order, read once per request
    (kept on the user object): which group notes they read and moderate, how the list names those
    groups, and which groups the annotation form offers. Part of every key cached per reader."""
    if not user.is_authenticated:
        return ()
    if not hasattr(user, "_reader_groups"):
        user._reader_groups = tuple(fetch_all(READER_GROUPS_SQL, user.pk))
    return user._reader_groups


# The two reads every signed-in article page makes, cached or not (queries.sql).
READER_GROUPS_SQL = """
    SELECT membership.group_id, membership.role, reading_group.name, reading_group.slug
    FROM accounts_membership membership
    JOIN accounts_group reading_group ON reading_group.id = membership.group_id
    WHERE membership.user_id = %s ORDER BY membership.group_id
"""
ARTICLE_HEAD_SQL = """
    SELECT article.id, article.slug, article.updated_at, article.annotations_changed_at,
           story.id, story.title, story.status
    FROM articles_article article LEFT JOIN articles_story story ON story.id = article.story_id
    WHERE article.id = %s
"""


class ArticleHead(NamedTuple):
    """What an article page's cache key needs of the article, read in one narrow query (queries.sql:
    its times as the database gives them): the whole article (its text, outlet and story) is read
    only to render the page."""

    pk: int
    slug: str
    updated_at: datetime
    annotations_changed_at: datetime | None
    shown_story: tuple[int, str] | None  # its story's id and title (its kicker), if readers see it

    @property
    def state(self) -> tuple:
        return (self.pk, self.updated_at, self.annotations_changed_at)


def article_head(pk: int) -> ArticleHead | None:
    # An id out of the database's range is no article (SQLite would refuse it, where the ORM finds none).
    if parse_id(pk) is None or not (rows := fetch_all(ARTICLE_HEAD_SQL, pk)):
        return None
    *head, story_id, title, status = rows[0]
    return ArticleHead(*head, (story_id, title) if status == Story.Status.CONFIRMED.value else None)


class ArticleAnnotations:
    """The annotations one user sees on one article, as one page shows them, loaded on first use.

    The page is the article's own or the side-by-side view of `columns` (article ids, in
    order), whose shared passages are marked (`shared`), narrowed by `filters`. Templates reach
    the annotations inside cached fragments, so a cache hit costs no query at all.
    """

    def __init__(
        self,
        user,
        article: Article,
        *,
        filters: Filters = NO_FILTERS,
        columns: tuple = (),
        shared: tuple = (),
    ):
        self.user, self.article, self.filters = unwrapped(user), article, filters
        self.columns, self.shared = tuple(columns), tuple(shared)

    def page_with(self, **changes) -> str:
        """This page's URL, its filters changed as given."""
        query = (self.filters.as_query() | changes) if changes else self.filters.as_query()
        if self.columns:
            return with_query(
                reverse("articles:compare", args=[self.article.story.slug]), a=self.columns, **query
            )
        return with_query(self.article.get_absolute_url(), **query)

    @cached_property
    def page_url(self) -> str:
        """The page these fragments belong to: where edits and deletes return to."""
        return self.page_with()

    @cached_property
    def fragments_url(self) -> str:
        """Where the page fetches these fragments again, after a write and when it polls."""
        url = reverse("articles:article_fragments", args=[self.article.pk])
        return with_query(url, columns=self.columns, **self.filters.as_query())

    @cached_property
    def cache_key(self) -> str:
        """Everything the fragments show depends on: the one key of their caches and their ETag."""
        article = self.article
        state = (article.pk, article.updated_at, article.annotations_changed_at)
        return reading_key(self.user, state, self.filters, self.columns, self.shared)

    @cached_property
    def all(self) -> list[ShownAnnotation]:
        visible = Annotation.objects.visible_to(self.user).for_article(self.article)
        rows = visible.annotate(shown_author=SHOWN_AUTHOR).values_list(*SHOWN_VALUES)
        annotations = [ShownAnnotation(*row) for row in rows]
        attach_tag_links(annotations)
        for annotation in annotations:
            annotation.is_editable = can_change_annotation(self.user, annotation)
        moderated = attach_moderation(self.user, annotations)
        attach_threads(self.user, self.article, annotations, moderated)
        return annotations

    @cached_property
    def shown(self) -> list[ShownAnnotation]:
        """Anchored annotations that pass the filters, in text order."""
        return [a for a in self.all if not a.is_orphan and self.filters.keep(a, self.user)]

    def orphans(self) -> list[Annotation]:
        return [annotation for annotation in self.all if annotation.is_orphan]

    def paragraphs(self) -> list[HighlightedParagraph]:
        """Hidden annotations are highlighted only for those who may read them in full."""
        highlighted = [annotation for annotation in self.shown if not annotation.is_withheld]
        return highlighted_paragraphs(self.article, highlighted, self.shared)

    def filter_links(self) -> list[tuple[str, list[FilterLink]]]:
        """The choices of each filter that would show something, for the filter menus."""
        anchored = [annotation for annotation in self.all if not annotation.is_orphan]
        layers = Counter(layer for annotation in anchored for layer in layers_of(annotation, self.user))
        shown = [annotation for annotation in anchored if not annotation.is_withheld]
        authors = Counter((annotation.author_name, annotation.shown_author) for annotation in shown)
        tags = Counter((tag.slug, tag.name) for annotation in anchored for tag in annotation.tag_links)
        return [
            ("Layer", self.links("layer", sorted((value, label, n) for (value, label), n in layers.items()))),
            ("Author", self.links("author", sorted(author_choices(authors), key=by_label))),
            (
                "Tag",
                self.links("tag", sorted(((s, name, n) for (s, name), n in tags.items()), key=by_label)),
            ),
        ]

    def links(self, kind: str, choices: list[tuple[str, str, int]]) -> list[FilterLink]:
        current = getattr(self.filters, kind)
        everything = FilterLink("All", self.page_with(**{kind: ""}), not current, None)
        return [everything] + [
            FilterLink(label, self.page_with(**{kind: value}), value == current, uses)
            for value, label, uses in choices
        ]


def author_choices(authors: Counter) -> list[tuple[str, str, int]]:
    """The author filter's choices: by user name, labelled as the app names them (and by user name
    too where that differs, since two people may choose one display name)."""
    return [
        (name, shown if shown == name else f"{shown} ({name})", n) for (name, shown), n in authors.items()
    ]


def by_label(choice: tuple[str, str, int]) -> str:
    return choice[1].lower()


def layers_of(annotation, user) -> list[tuple[str, str]]:
    """The layers an annotation belongs to for this reader, as (value, label): in_layer()'s choices."""
    layers = [("mine", "Mine")] if annotation.author_id == user.pk else []
    if annotation.visibility == Visibility.GROUP:
        layers.append((f"group-{annotation.group_id}", annotation.group_name))
    if annotation.visibility == Visibility.PUBLIC:
        layers.append(("public", "Public"))
    return layers


def reading_filters(user, raw: dict) -> Filters:
    """The filters asked for in a page's query string, each kept only if it can show something."""
    author = raw.get("author", "")
    return Filters(
        tag=existing_tag_slug(user, raw.get("tag", "")),
        layer=checked_layer(user, raw.get("layer", "")),
        author=author if author and get_user_model().objects.filter(username=author).exists() else "",
    )


def checked_layer(user, layer: str) -> str:
    if layer in {"mine", "public"}:
        return layer
    group_id = parse_id(layer.removeprefix("group-")) if layer.startswith("group-") else None
    return layer if group_id and Group.objects.of(user).filter(pk=group_id).exists() else ""


# How long a server process trusts its copy of an article's state: others' writes reach a
# polling reader within this (plus their poll interval), without a query on every poll.
ARTICLE_STATE_SECONDS = 2


def article_state(pk: int) -> tuple | None:
    """What an article's fragments depend on besides their reader: its timestamps (None if none)."""
    key = state_key(pk)
    if (state := cache.get(key)) is None:
        state = Article.objects.filter(pk=pk).values_list("updated_at", "annotations_changed_at").first()
        cache.set(key, state, ARTICLE_STATE_SECONDS)
    return state


def recent_roles_of(reader: int) -> tuple:
    """The reader's groups and roles (0: anonymous), cached for as long as an article's state."""
    key = f"roles:{reader}"
    if (roles := cache.get(key)) is None:
        roles = roles_of(reader or None)
        cache.set(key, roles, ARTICLE_STATE_SECONDS)
    return roles


def article_reading(reading: ArticleAnnotations) -> dict:
    """What the article page shows besides the article's text and annotations."""
    article = reading.article
    return {
        "article": article,
        "tag": reading.filters.tag,
        "reading": reading,
    }


def parse_id(value) -> int | None:
    """A database id from a URL parameter, or None for anything else (text, ², 10**30)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def undoable_annotation(user, raw_pk) -> Annotation | None:
    """The user's own just-deleted annotation, to offer an undo."""
    pk = parse_id(raw_pk)
    if not (user.is_authenticated and pk):
        return None
    return Annotation.objects.filter(pk=pk, author=user, deleted_at__isnull=False).first()
