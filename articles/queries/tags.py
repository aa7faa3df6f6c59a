"""Tags as readers see them: only those of annotations they may see.

The tag index and the tag pages read the public counts kept in models.tag_counts (brought up to date
by services.tag_counts.refresh(), which the views call first) and add a signed-in reader's own
layers, counted from their own and their groups' annotations only. A tag page is read newest link
first, a page at a time, by keyset: no count or sort of all of a tag's passages.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch, reverse

from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.models.annotations import TAG_MAX_CHARS, Visibility, normalize_tag
from articles.models.tag_counts import TagArticleCount, TagOutletCount
from newsroom.accounts.models import Membership

PASSAGES_PER_PAGE = 100
TAGS_PER_PAGE = 50
OUTLET_COLUMNS = 20  # the outlets with the most words; the others share one column
CACHE_SECONDS = 600


def tag_url(slug: str) -> str:
    """A tag's page, or "" for a slug that no URL can carry: the tag is then shown unlinked."""
    try:
        return reverse("articles:tag_detail", args=[slug])
    except NoReverseMatch:
        return ""


def visible_tags(user):
    """The tags of annotations the user can see: a tag on deleted annotations only is no tag."""
    return Tag.objects.in_use(Annotation.objects.visible_to(user).shown_in_full_to(user))


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


def extra_passages(user):
    """The anchored passages a reader sees besides the public ones (models.tag_counts counts those):
    their own, their groups', and hidden ones they may see in full. Found through the author and
    group indexes, never by reading every annotation."""
    if not user.is_authenticated:
        return Annotation.objects.none()
    near = Q(author=user) | Q(group__in=Membership.objects.filter(user=user).values("group"))
    if user.is_staff and user.has_perm("articles.change_annotation"):
        near |= Q(visibility=Visibility.PUBLIC, hidden_at__isnull=False)
    return (
        Annotation.objects.filter(near)
        .visible_to(user)
        .shown_in_full_to(user)
        .anchored()
        .exclude(visibility=Visibility.PUBLIC, hidden_at=None)
    )


def visible_tag(user, slug: str) -> Tag | None:
    """The tag with this slug if the user sees a passage with it."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        return None
    seen = TagOutletCount.objects.filter(tag=tag).exists() or extra_passages(user).filter(tags=tag).exists()
    return tag if seen else None


def tagged_passage_count(user, tag: Tag, version: str) -> int:
    key = f"tag-page:count:{version}:{tag.pk}:{_reader_key(user)}"
    count = cache.get(key)
    if count is None:
        public = TagOutletCount.objects.filter(tag=tag).aggregate(total=Sum("passages"))["total"] or 0
        count = public + extra_passages(user).filter(tags=tag).count()
        cache.set(key, count, CACHE_SECONDS)
    return count


def _reader_key(user) -> str:
    """Who the reader is for the counts of their own layers: themselves, their groups and roles."""
    if not user.is_authenticated:
        return "anonymous"
    memberships = sorted(Membership.objects.filter(user=user).values_list("group", "role"))
    staff = user.is_staff and user.has_perm("articles.change_annotation")
    return hashlib.sha256(repr((user.pk, memberships, staff)).encode()).hexdigest()


@dataclass
class PassagePage:
    """One page of a tag's passages, grouped by story and outlet within the page."""

    passages: list[Annotation]
    count: int  # all the tag's passages the reader sees
    next_after: int | None  # the keyset of the next page, None on the last


def tagged_passages_page(user, tag: Tag, after, version: str = "") -> PassagePage:
    """A page of the passages with a tag, newest tagging first, after the keyset `after` (a tag link's
    id); on the page, ordered by story (`Article.shown_story`: none for a proposal) and outlet."""
    links = {"tagged_items__tag": tag}
    if str(after or "").isdigit():
        links["tagged_items__pk__lt"] = int(after)
    annotations = list(
        Annotation.objects.visible_to(user)
        .shown_in_full_to(user)
        .anchored()
        .filter(**links)  # one filter(): the keyset and the tag are on the same link
        .annotate(link=F("tagged_items__pk"))
        .select_related("article__story", "article__outlet", "author")
        .defer("article__body")
        .order_by("-link")[: PASSAGES_PER_PAGE + 1]
    )
    next_after = annotations[PASSAGES_PER_PAGE - 1].link if len(annotations) > PASSAGES_PER_PAGE else None
    shown = annotations[:PASSAGES_PER_PAGE]
    shown.sort(key=_story_and_outlet_order)
    return PassagePage(shown, tagged_passage_count(user, tag, version), next_after)


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


@dataclass
class TagOverview:
    outlets: list[tuple[str, int]]  # name, words of text (the last may be the other outlets together)
    rows: list[TagRow]
    page: Page  # of tags


def tag_overview(user, story: Story | None = None, page_number=None, version: str = "") -> TagOverview:
    """Tag counts per outlet, also per 1,000 words of that outlet's text (optionally one story); a page
    of tags at a time, the outlets with the most words each in a column, the others in one."""
    extra = _extra_counts(user, story, version)
    tag_ids = set(_public_tag_ids(story, version)) | {tag for tag, _ in extra}
    page = Paginator(Tag.objects.filter(pk__in=tag_ids).order_by("key"), TAGS_PER_PAGE).get_page(page_number)
    page_tags = [tag.pk for tag in page]
    counts = {tag: dict(by_outlet) for tag, by_outlet in _public_counts(page_tags, story, version).items()}
    for (tag, outlet), passages in extra.items():
        if tag in page_tags:
            by_outlet = counts.setdefault(tag, {})
            by_outlet[outlet] = by_outlet.get(outlet, 0) + passages
    words = _outlet_words(story)
    outlet_names = dict(Outlet.objects.filter(pk__in=[pk for pk in words if pk]).values_list("pk", "name"))
    columns = sorted(words, key=lambda pk: -words[pk])[:OUTLET_COLUMNS]
    columns.sort(key=lambda pk: (pk is None, outlet_names.get(pk, "")))
    others = [pk for pk in words if pk not in columns]
    outlets = [(outlet_names.get(pk, "Outlet not known"), words[pk] or 0) for pk in columns]
    if others:
        outlets.append((f"{len(others)} other outlets", sum(words[pk] or 0 for pk in others)))
    rows = []
    for tag in page:
        by_outlet = counts.get(tag.pk, {})
        passages = [by_outlet.get(pk, 0) for pk in columns]
        if others:
            passages.append(sum(by_outlet.get(pk, 0) for pk in others))
        cells = [(n, 1000 * n / w if w else 0.0) for n, (_, w) in zip(passages, outlets, strict=True)]
        rows.append(TagRow(tag, tag_url(tag.slug), sum(by_outlet.values()), cells))
    return TagOverview(outlets, rows, page)


def _public_tag_ids(story: Story | None, version: str) -> list[int]:
    key = f"tag-index:tags:{version}:{story.pk if story else ''}"
    tag_ids = cache.get(key)
    if tag_ids is None:
        if story:
            rows = TagArticleCount.objects.filter(article__story=story).values_list("tag", flat=True)
        else:
            rows = TagOutletCount.objects.values_list("tag", flat=True)
        tag_ids = list(rows.order_by().distinct())
        cache.set(key, tag_ids, CACHE_SECONDS)
    return tag_ids


def _public_counts(tag_ids: list[int], story: Story | None, version: str) -> dict[int, dict]:
    """tag -> outlet -> public passages, for these tags."""
    tags_key = hashlib.sha256(",".join(map(str, tag_ids)).encode()).hexdigest()
    key = f"tag-index:counts:{version}:{story.pk if story else ''}:{tags_key}"
    counts = cache.get(key)
    if counts is None:
        if story:
            rows = (
                TagArticleCount.objects.filter(tag__in=tag_ids, article__story=story)
                .values_list("tag", "outlet_key")
                .annotate(passages=Sum("passages"))
                .order_by()
            )
        else:
            rows = TagOutletCount.objects.filter(tag__in=tag_ids).values_list("tag", "outlet", "passages")
        counts = {}
        for tag, outlet, passages in rows:
            counts.setdefault(tag, {})[outlet] = passages
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def _extra_counts(user, story: Story | None, version: str) -> dict[tuple[int, int | None], int]:
    """(tag, outlet) -> passages of the reader's own layers (none for an anonymous reader)."""
    if not user.is_authenticated:
        return {}
    key = f"tag-index:extra:{version}:{story.pk if story else ''}:{_reader_key(user)}"
    counts = cache.get(key)
    if counts is None:
        counts = _count_extra(user, story)
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def _count_extra(user, story: Story | None) -> dict[tuple[int, int | None], int]:
    passages = extra_passages(user)
    if story:
        passages = passages.filter(article__story=story)
    rows = (
        TaggedAnnotation.objects.filter(content_object__in=passages)
        .values_list("tag", "content_object__article__outlet")
        .annotate(passages=Count("pk"))
        .order_by()
    )
    return {(tag, outlet): n for tag, outlet, n in rows}


def _outlet_words(story: Story | None) -> dict[int | None, int]:
    """Words of text per outlet (in the story): a while old at most, as it changes only by imports."""
    key = f"tag-index:words:{story.pk if story else ''}"
    words = cache.get(key)
    if words is None:
        articles = Article.objects.filter(story=story) if story else Article.objects.all()
        words = dict(articles.order_by().values_list("outlet").annotate(words=Sum("word_count")))
        cache.set(key, words, CACHE_SECONDS)
    return words
