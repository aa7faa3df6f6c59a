"""Tags as readers see them: only those of annotations they may see.

The tag index and the tag pages read the public counts that database triggers keep
(models.tag_counts: written with the annotations, never by a GET) and add a signed-in reader's own
layers, counted from their own and their groups' annotations only. A tag page is read newest link
first, a page at a time, by keyset: no count or sort of all of a tag's passages. What they render
is cached under the counts' version (which every write they could show raises) and the reader.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.models.annotations import TAG_MAX_CHARS, Visibility, moderates_public, normalize_tag
from articles.models.tag_counts import Layer, TagOutletCount, current_version
from newsroom.accounts.models import Membership, Role

PASSAGES_PER_PAGE = 100
TAGS_PER_PAGE = 50
OUTLET_COLUMNS = 20  # the outlets with the most words; the others share one column
CACHE_SECONDS = 600
# The words of each outlet's text change only by imports and edits, and no trigger follows them: the
# tag index shows them a few minutes old at most (its cache key names the words it shows).
WORDS_SECONDS = 300


def tag_url(slug: str) -> str:
    """A tag's page, or "" for a slug that no URL can carry: the tag is then shown unlinked."""
    try:
        return reverse("articles:tag_detail", args=[slug])
    except NoReverseMatch:
        return ""


def visible_tags(user):
    """The tags of annotations the user can see: a tag on deleted annotations only is no tag. Each tag
    looked at walks its own links until one is visible (never a list of every visible link)."""
    annotations = Annotation.objects.visible_to(user).shown_in_full_to(user)
    links = TaggedAnnotation.objects.filter(tag=OuterRef("pk"), content_object__in=annotations)
    return Tag.objects.filter(Exists(links))


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


def extra_passages(user) -> list:
    """The anchored passages a reader sees besides those everyone sees (models.tag_counts counts
    those), in disjoint parts each found through an index (never by reading every annotation): their
    own, their groups' by others, and, for staff who moderate, the public ones hidden. Together what
    visible_to(), shown_in_full_to() and anchored() keep, less what everyone sees."""
    if not user.is_authenticated:
        return []
    live = Annotation.objects.filter(deleted_at=None, is_orphan=False)
    memberships = Membership.objects.filter(user=user)
    moderated = memberships.filter(role__in=[Role.OWNER, Role.MODERATOR]).values("group")
    parts = [
        live.filter(author=user).exclude(visibility=Visibility.PUBLIC, hidden_at=None),
        live.filter(visibility=Visibility.GROUP, group__in=memberships.values("group"))
        .exclude(author=user)
        .filter(Q(hidden_at=None) | Q(group__in=moderated)),
    ]
    if moderates_public(user):
        parts.append(live.filter(visibility=Visibility.PUBLIC, hidden_at__isnull=False).exclude(author=user))
    return parts


def public_counts():
    return TagOutletCount.objects.filter(layer=Layer.PUBLIC, passages__gt=0)


def _cached(key: str, compute, seconds: int = CACHE_SECONDS):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


@dataclass
class Reader:
    """Who reads the tag pages of one request (their groups and roles read once), and the counts'
    version: what the pages' caches are keyed on."""

    user: object
    version: str
    memberships: list[tuple[int, str]]  # group, role
    moderates_public: bool

    @classmethod
    def of(cls, user) -> "Reader":
        if not user.is_authenticated:
            return cls(user, current_version(), [], False)
        memberships = sorted(Membership.objects.filter(user=user).values_list("group", "role"))
        staff = moderates_public(user)
        return cls(user, current_version(), memberships, staff)

    @cached_property
    def key(self) -> str:
        """Who the reader is for the counts of their own layers: themselves, their groups and roles."""
        if not self.user.is_authenticated:
            return "anonymous"
        return hashlib.sha256(
            repr((self.user.pk, self.memberships, self.moderates_public)).encode()
        ).hexdigest()

    def own_counts(self):
        """The counts of the layers the reader sees besides the public one (models.tag_counts.Layer):
        what visible_to() and shown_in_full_to() let them see, as rows of their own and their groups'."""
        if not self.user.is_authenticated:
            return TagOutletCount.objects.none()
        groups = [group for group, _ in self.memberships]
        moderated = [group for group, role in self.memberships if role in (Role.OWNER, Role.MODERATOR)]
        layers = (
            Q(layer__in=[Layer.PRIVATE, Layer.HIDDEN], owner_key=self.user.pk)
            | Q(layer__in=[Layer.GROUP, Layer.GROUP_HIDDEN], author_key=self.user.pk)
            | Q(layer=Layer.GROUP, owner_key__in=groups)
            | Q(layer=Layer.GROUP_HIDDEN, owner_key__in=moderated)
        )
        if self.moderates_public:
            layers |= Q(layer=Layer.HIDDEN)
        return TagOutletCount.objects.filter(layers, passages__gt=0)


def visible_tag(reader: Reader, slug: str) -> Tag | None:
    """The tag with this slug if the reader sees a passage with it."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        return None
    seen = public_counts().filter(tag=tag).exists() or reader.own_counts().filter(tag=tag).exists()
    return tag if seen else None


def visible_tag_named(reader: Reader, name: str) -> Tag | None:
    """The tag of this name in any case ("Élan", "🙂"), or of this slug in any case
    ("Loaded-Language"), if the reader sees a passage with it: an address typed by hand."""
    named = Q(key=Tag.key_for(name)) | Q(slug=slugify(name, allow_unicode=True))
    tag = Tag.objects.filter(named).first()
    return visible_tag(reader, tag.slug) if tag else None


def tagged_passage_count(reader: Reader, tag: Tag) -> int:
    def count():
        counts = [public_counts(), reader.own_counts()]
        return sum(rows.filter(tag=tag).aggregate(total=Sum("passages"))["total"] or 0 for rows in counts)

    return _cached(f"tag-page:count:{reader.version}:{tag.pk}:{reader.key}", count)


class PassagePage:
    """One page of a tag's passages, grouped by story and outlet within the page; read only when
    shown (not when its rendering comes from the cache, under cache_key)."""

    def __init__(self, annotations, count: int, after: str, cache_key: str):
        self._query, self.count, self.after, self.cache_key = annotations, count, after, cache_key

    @cached_property
    def _page(self) -> tuple[list[Annotation], int | None]:
        annotations = list(self._query[: PASSAGES_PER_PAGE + 1])
        next_after = annotations[PASSAGES_PER_PAGE - 1].link if len(annotations) > PASSAGES_PER_PAGE else None
        shown = annotations[:PASSAGES_PER_PAGE]
        shown.sort(key=_story_and_outlet_order)
        return shown, next_after

    @property
    def passages(self) -> list[Annotation]:
        return self._page[0]

    @property
    def next_after(self) -> int | None:
        """The keyset of the next page, None on the last."""
        return self._page[1]


def tagged_passages_page(reader: Reader, tag: Tag, after) -> PassagePage:
    """A page of the passages with a tag, newest tagging first, after the keyset `after` (a tag link's
    id); on the page, ordered by story (`Article.shown_story`: none for a proposal) and outlet."""
    links = {"tagged_items__tag": tag}
    after = after if re.fullmatch("[0-9]{1,18}", after or "") else ""
    if after:
        links["tagged_items__pk__lt"] = int(after)
    annotations = (
        Annotation.objects.visible_to(reader.user)
        .shown_in_full_to(reader.user)
        .anchored()
        .filter(**links)  # one filter(): the keyset and the tag are on the same link
        .annotate(link=F("tagged_items__pk"))
        .select_related("article__story", "article__outlet", "author__profile")
        .defer("article__body")
        .order_by("-link")
    )
    cache_key = f"{reader.version}|{tag.pk}|{after}|{reader.key}"
    return PassagePage(annotations, tagged_passage_count(reader, tag), after, cache_key)


def _story_and_outlet_order(annotation: Annotation):
    article = annotation.article
    story, outlet = article.shown_story, article.outlet
    return (
        story is None,
        story.title if story else "",
        story.pk if story else 0,
        outlet is None,
        outlet.name if outlet else "",
        article.outlet_id or 0,
        article.pk,
        annotation.start,
        annotation.pk,
    )


@dataclass
class TagRow:
    tag: Tag
    url: str  # "" if the tag cannot be linked
    total: int
    cells: list[tuple[int, float]]  # per outlet column: passages, passages per 1,000 words


OTHERS = -1  # the column of the outlets without their own


class TagOverview:
    """A page of the tag index: tag counts per outlet, also per 1,000 words of that outlet's text
    (optionally in one story), the outlets with the most words each in a column, the others in one.
    Its table is read only when rendered, not when it comes from the cache under cache_key."""

    def __init__(self, reader: Reader, story: Story | None, page_number):
        self.reader, self.story = reader, story
        scope = f"{reader.version}:{story.pk if story else ''}"
        tag_ids = _cached(f"tag-index:tags:{scope}:{reader.key}", self._tag_ids)
        self.page = Paginator(tag_ids, TAGS_PER_PAGE).get_page(page_number)
        self.words = _cached(
            f"tag-index:words:{story.pk if story else ''}", lambda: _outlet_words(story), WORDS_SECONDS
        )
        shown = hashlib.sha256(repr(sorted(self.words.items())).encode()).hexdigest()[:16]
        self.cache_key = f"{scope}|{self.page.number}|{reader.key}|{shown}"

    def _tag_ids(self) -> list[int]:
        """Every tag the reader sees a passage with, in the order of their names. Without a story each
        tag is looked up in the public counts by their index, rather than all the counts read."""
        extra = Q(pk__in=_extra_tag_ids(self.reader, self.story))
        if self.story:
            shown = Q(pk__in=_story_tag_ids(self.story)) | extra
        else:
            shown = Exists(public_counts().filter(tag=OuterRef("pk"))) | extra
        return list(Tag.objects.filter(shown).order_by("key").values_list("pk", flat=True))

    @cached_property
    def _table(self) -> tuple[list[tuple[str, int]], list[TagRow]]:
        words = self.words
        top = sorted(words, key=lambda pk: -words[pk])[:OUTLET_COLUMNS]
        names = dict(Outlet.objects.filter(pk__in=top).values_list("pk", "name"))
        top.sort(key=lambda pk: (pk == 0, names.get(pk, "")))
        page_tags = list(self.page)
        counts = _public_counts(page_tags, top, self.story)
        for tag, by_column in _count_extra(self.reader, self.story, page_tags, top).items():
            by_outlet = counts.setdefault(tag, {})
            for column, passages in by_column.items():
                by_outlet[column] = by_outlet.get(column, 0) + passages
        outlets = [(names.get(pk, "Outlet not known"), words[pk]) for pk in top]
        others = words.keys() - set(top)
        # The other outlets' column, also for an outlet newer than the words read (a few minutes old).
        columns = (
            top + [OTHERS] if others or any(OTHERS in by_outlet for by_outlet in counts.values()) else top
        )
        if columns != top:
            outlets.append((f"{len(others)} other outlets", sum(words[pk] for pk in others)))
        tags = Tag.objects.in_bulk(page_tags)
        rows = []
        for pk in page_tags:
            passages = [counts.get(pk, {}).get(column, 0) for column in columns]
            cells = [(n, 1000 * n / w if w else 0.0) for n, (_, w) in zip(passages, outlets, strict=True)]
            rows.append(TagRow(tags[pk], tag_url(tags[pk].slug), sum(passages), cells))
        return outlets, rows

    @property
    def outlets(self) -> list[tuple[str, int]]:
        """Name and words of text of each column (the last may be the other outlets together)."""
        return self._table[0]

    @property
    def rows(self) -> list[TagRow]:
        return self._table[1]


def tag_overview(reader: Reader, story: Story | None = None, page_number=None) -> TagOverview:
    return TagOverview(reader, story, page_number)


def _in_story(story: Story):
    """The links of the passages everyone sees in the story's articles."""
    everyone = AnonymousUser()
    passages = Annotation.objects.visible_to(everyone).shown_in_full_to(everyone).anchored()
    return TaggedAnnotation.objects.filter(content_object__in=passages.filter(article__story=story))


def _story_tag_ids(story: Story) -> list[int]:
    return list(_in_story(story).order_by().values_list("tag", flat=True).distinct())


def _public_counts(tag_ids: list[int], columns: list[int], story: Story | None) -> dict[int, dict]:
    """tag -> outlet column -> passages everyone sees, for these tags: one row per cell shown."""
    if story:
        rows = _in_story(story).annotate(
            outlet_key=Coalesce("content_object__article__outlet", Value(0)), passages=Value(1)
        )
    else:
        rows = public_counts()
    return _by_column(rows, tag_ids, columns)


def _by_column(rows, tag_ids: list[int], columns: list[int]) -> dict[int, dict]:
    """tag -> outlet column -> passages of rows (a tag, outlet_key and passages each), for these tags."""
    column = Case(
        When(outlet_key__in=columns, then=F("outlet_key")),
        default=Value(OTHERS),
        output_field=BigIntegerField(),
    )
    grouped = (
        rows.filter(tag__in=tag_ids)
        .annotate(column=column)
        .values_list("tag", "column")
        .annotate(n=Sum("passages"))
        .order_by()
    )
    counts: dict[int, dict] = {}
    for tag, outlet, passages in grouped:
        counts.setdefault(tag, {})[outlet] = passages
    return counts


def _extra_tag_ids(reader: Reader, story: Story | None) -> set[int]:
    """The tags of the reader's own layers (none for an anonymous reader): from the kept counts, or in
    a story from the reader's passages in it."""
    if not story:
        return set(reader.own_counts().order_by().values_list("tag", flat=True).distinct())
    tags = set()
    for part in extra_passages(reader.user):
        tags.update(part.filter(article__story=story).values_list("tagged_items__tag", flat=True).distinct())
    return tags - {None}


def _count_extra(
    reader: Reader, story: Story | None, tag_ids: list[int], columns: list[int]
) -> dict[int, dict]:
    """tag -> outlet column -> passages of the reader's own layers, for these tags: from the kept
    counts, or in a story from the reader's passages in it."""
    if not story:
        return _by_column(reader.own_counts(), tag_ids, columns)
    counts: dict[int, dict] = {}
    for part in extra_passages(reader.user):
        rows = part.filter(article__story=story, tagged_items__tag__in=tag_ids)
        rows = rows.values_list("tagged_items__tag", "article__outlet").annotate(n=Count("tagged_items"))
        for tag, outlet, n in rows.order_by():
            outlet = outlet or 0  # articles without an outlet, as in the words
            column = outlet if outlet in columns else OTHERS
            by_column = counts.setdefault(tag, {})
            by_column[column] = by_column.get(column, 0) + n
    return counts


def _outlet_words(story: Story | None) -> dict[int, int]:
    """Words of text per outlet key (in the story)."""
    articles = Article.objects.filter(story=story) if story else Article.objects.all()
    rows = articles.order_by().values_list("outlet").annotate(words=Sum("word_count"))
    return {outlet or 0: words or 0 for outlet, words in rows}
