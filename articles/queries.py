"""Page-shaped reads across models: each returns what one page shows, in few queries."""

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Sum
from django.urls import NoReverseMatch, reverse

from articles.forms import TAG_MAX_CHARS, normalize_tag
from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.permissions import can_change_annotation
from articles.text.anchoring import Segment, highlight_segments


@dataclass
class HighlightedSegment:
    """A piece of a paragraph, with the annotations and shared passages over it and starting at it."""

    segment: Segment  # its ids are (ANNOTATION, pk) and (SHARED, cluster) pairs
    starting_annotations: list[int]  # their anchors are the targets of links to "#hl-<pk>"
    starting_shared: list["SharedPassage"]

    @cached_property
    def annotation_ids(self) -> list[int]:
        return [pk for kind, pk in self.segment.annotation_ids if kind == ANNOTATION]

    @cached_property
    def cluster_ids(self) -> list[int]:
        return [cluster for kind, cluster in self.segment.annotation_ids if kind == SHARED]

    @property
    def ids_text(self) -> str:
        return " ".join(map(str, self.annotation_ids))


ANNOTATION, SHARED = "a", "s"  # the two kinds of span over an article's text


SHARED_COLOURS = 8  # shared passages are told apart by colour: the palette in site.css


class SharedPassage(NamedTuple):
    """One occurrence of a passage that other articles of the story share (see coverage.py)."""

    cluster: int
    article: int
    start: int
    end: int
    also_in: str  # "The Hill, TheBlaze"


@dataclass
class HighlightedParagraph:
    start: int
    segments: list[HighlightedSegment]


STORIES_PER_PAGE = 20
ARTICLES_PER_PAGE = 50
PASSAGES_PER_PAGE = 100
ARTICLES_PER_OUTLET_ON_HOME = 8
COMPARE_MIN, COMPARE_MAX = 2, 5


def story_page(page_number) -> Page:
    """A page of stories, newest first, each with its articles and their outlets."""
    stories = Story.objects.prefetch_related(Prefetch("articles", queryset=Article.objects.for_listing()))
    return Paginator(stories, STORIES_PER_PAGE).get_page(page_number)


def outlets_with_latest_articles():
    latest = Article.objects.for_listing().order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    latest = latest[:ARTICLES_PER_OUTLET_ON_HOME]
    return Outlet.objects.annotate(article_count=Count("articles")).prefetch_related(
        Prefetch("articles", queryset=latest, to_attr="latest_articles")
    )


def outlet_article_page(outlet: Outlet, page_number) -> Page:
    return Paginator(outlet.articles.for_listing(), ARTICLES_PER_PAGE).get_page(page_number)


def articles_without_outlet():
    return Article.objects.for_listing().filter(outlet=None)[:ARTICLES_PER_OUTLET_ON_HOME]


def story_articles(story: Story):
    return story.articles.for_listing()


def compare_selection(story: Story, raw_ids: list[str]) -> tuple[list[Article], str]:
    """The articles picked for side-by-side reading, in the order picked, or an error message."""
    ids = list(dict.fromkeys(map(parse_id, raw_ids)))
    if None in ids:
        return [], "Pick articles from the list."
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        return [], f"Pick between {COMPARE_MIN} and {COMPARE_MAX} articles to read side by side."
    by_id = story.articles.select_related("outlet").in_bulk(ids)
    if len(by_id) != len(ids):
        return [], "Some of the picked articles are not part of this story."
    return [by_id[pk] for pk in ids], ""


def highlighted_paragraphs(
    article: Article, annotations, shared: Iterable[SharedPassage] = ()
) -> list[HighlightedParagraph]:
    """The article's paragraphs split into segments, each knowing which annotations (and shared
    passages) cover it."""
    paragraphs = article.paragraphs()
    paragraph_starts = [paragraph.start for paragraph in paragraphs]
    spans_by_paragraph = [[] for _ in paragraphs]
    annotations_at, shared_at = {}, {}
    spans = [((ANNOTATION, a.pk), a.start, a.end) for a in annotations]
    spans += [((SHARED, passage.cluster), passage.start, passage.end) for passage in shared]
    for span in spans:
        first = bisect_right(paragraph_starts, span[1]) - 1
        last = bisect_left(paragraph_starts, span[2]) - 1
        for index in range(max(first, 0), last + 1):
            spans_by_paragraph[index].append(span)
    for annotation in annotations:
        annotations_at.setdefault(annotation.start, []).append(annotation.pk)
    for passage in shared:
        shared_at.setdefault(passage.start, []).append(passage)
    return [
        HighlightedParagraph(
            paragraph.start,
            [
                HighlightedSegment(
                    segment, annotations_at.get(segment.start, []), shared_at.get(segment.start, [])
                )
                if segment.annotation_ids
                else HighlightedSegment(segment, [], [])
                for segment in highlight_segments(paragraph.start, paragraph.text, spans)
            ],
        )
        for paragraph, spans in zip(paragraphs, spans_by_paragraph, strict=True)
    ]


class TagLink(NamedTuple):
    name: str
    slug: str
    url: str  # "" if the tag cannot be linked


def tag_url(slug: str) -> str:
    """A tag's page, or "" for a slug that no URL can carry: the tag is then shown unlinked."""
    try:
        return reverse("articles:tag_detail", args=[slug])
    except NoReverseMatch:
        return ""


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
    urls = {}
    for annotation_id, name, slug in rows:
        if slug not in urls:
            urls[slug] = tag_url(slug)
        by_id[annotation_id].tag_links.append(TagLink(name, slug, urls[slug]))


# What pages show of an annotation: loading only these (and the author's name, not the whole
# user) halves the cost of a long list.
ANNOTATION_FIELDS_SHOWN = [
    "article_id",
    "author_id",
    "start",
    "end",
    "exact",
    "note_html",
    "is_orphan",
    "created_at",
    "edited_at",
]


class ArticleAnnotations:
    """The annotations one user sees on one article, loaded on first use and only once.

    Templates reach them inside cached fragments, so a cache hit costs no query at all.
    """

    def __init__(self, user, article: Article, tag_slug: str = "", shared: list[SharedPassage] = ()):
        self.user, self.article, self.tag_slug, self.shared = user, article, tag_slug, shared

    @cached_property
    def all(self) -> list[Annotation]:
        annotations = list(
            Annotation.objects.visible_to(self.user)
            .for_article(self.article)
            .only(*ANNOTATION_FIELDS_SHOWN)
            .annotate(author_name=F("author__username"))
        )
        attach_tag_links(annotations)
        for annotation in annotations:
            annotation.is_editable = can_change_annotation(self.user, annotation)
        return annotations

    @cached_property
    def shown(self) -> list[Annotation]:
        """Anchored annotations, with the chosen tag if there is one, in text order."""
        return [
            annotation
            for annotation in self.all
            if not annotation.is_orphan
            and (not self.tag_slug or any(tag.slug == self.tag_slug for tag in annotation.tag_links))
        ]

    def orphans(self) -> list[Annotation]:
        return [annotation for annotation in self.all if annotation.is_orphan]

    def paragraphs(self) -> list[HighlightedParagraph]:
        return highlighted_paragraphs(self.article, self.shown, self.shared)

    def tag_counts(self) -> list[tuple[str, str, int]]:
        """(name, slug, uses) of the tags on anchored passages, for the highlight filter."""
        counts = Counter(
            (tag.name, tag.slug)
            for annotation in self.all
            if not annotation.is_orphan
            for tag in annotation.tag_links
        )
        return sorted(
            ((name, slug, uses) for (name, slug), uses in counts.items()), key=lambda row: row[0].lower()
        )


def article_reading(user, article: Article, tag_slug: str) -> dict:
    """What the article page shows."""
    return {
        "article": article,
        "related": article.story.articles.for_listing().exclude(pk=article.pk) if article.story else [],
        "tag": tag_slug,
        "reading": ArticleAnnotations(user, article, tag_slug),
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


def visible_tags(user):
    """The tags of annotations the user can see: a tag on deleted annotations only is no tag."""
    return Tag.objects.in_use(Annotation.objects.visible_to(user))


def existing_tag_slug(user, slug: str) -> str:
    """The tag filter if the user can see such a tag, else "" (so random values make no cache entries)."""
    return slug if slug and visible_tags(user).filter(slug=slug).exists() else ""


def tag_suggestions(user, prefix: str, limit: int = 10) -> list[str]:
    """Names of tags in use on annotations the user can see, starting with the prefix (in any case)."""
    prefix = normalize_tag(prefix)[:TAG_MAX_CHARS]
    if not prefix:
        return []
    tags = visible_tags(user).filter(key__startswith=Tag.key_for(prefix)).order_by("key")
    return list(tags.values_list("name", flat=True)[:limit])


def tagged_passages_page(user, tag: Tag, page_number) -> Page:
    """Every passage with a tag, ordered so that the page groups them by story and outlet."""
    annotations = (
        Annotation.objects.visible_to(user)
        .anchored()
        .filter(tags=tag)
        .select_related("article__story", "article__outlet", "author")
        .defer("article__body")
        # Ties broken by ids, so that {% regroup %} and the pages are the same on every database.
        .order_by(
            F("article__story__title").asc(nulls_last=True),
            "article__story_id",
            F("article__outlet__name").asc(nulls_last=True),
            "article__outlet_id",
            "article_id",
            "start",
            "pk",
        )
    )
    return Paginator(annotations, PASSAGES_PER_PAGE).get_page(page_number)


@dataclass
class TagRow:
    tag: Tag
    url: str  # "" if the tag cannot be linked
    total: int
    cells: list[tuple[int, float]]  # per outlet: passages, passages per 1,000 words


@dataclass
class TagOverview:
    outlets: list[tuple[str, int]]  # name, words of text
    rows: list[TagRow]


def tag_overview(user, story: Story | None = None) -> TagOverview:
    """Tag counts per outlet, also per 1,000 words of that outlet's text (optionally one story)."""
    articles = Article.objects.filter(story=story) if story else Article.objects.all()
    words = dict(articles.order_by().values_list("outlet").annotate(words=Sum("word_count")))
    outlet_names = dict(Outlet.objects.filter(pk__in=[pk for pk in words if pk]).values_list("pk", "name"))
    outlet_ids = sorted(words, key=lambda pk: (pk is None, outlet_names.get(pk, "")))
    counts = (
        TaggedAnnotation.objects.filter(content_object__in=Annotation.objects.visible_to(user).anchored())
        .filter(content_object__article__in=articles)
        .values_list("tag", "content_object__article__outlet")
        .annotate(passages=Count("pk"))
        .order_by()
    )
    by_tag: dict[int, dict] = {}
    for tag_id, outlet_id, passages in counts:
        by_tag.setdefault(tag_id, {})[outlet_id] = passages
    rows = [
        TagRow(
            tag,
            tag_url(tag.slug),
            sum(by_tag[tag.pk].values()),
            [
                (
                    by_tag[tag.pk].get(pk, 0),
                    1000 * by_tag[tag.pk].get(pk, 0) / words[pk] if words[pk] else 0.0,
                )
                for pk in outlet_ids
            ],
        )
        for tag in Tag.objects.filter(pk__in=by_tag).order_by("key")
    ]
    outlets = [(outlet_names.get(pk, "Outlet not known"), words[pk] or 0) for pk in outlet_ids]
    return TagOverview(outlets, rows)
