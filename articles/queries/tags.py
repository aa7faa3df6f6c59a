"""Tags as readers see them: only those of annotations they may see."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Sum, When
from django.urls import NoReverseMatch, reverse

from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.models.annotations import TAG_MAX_CHARS, normalize_tag

PASSAGES_PER_PAGE = 100


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


def tagged_passages_page(user, tag: Tag, page_number) -> Page:
    """Every passage with a tag, ordered so that the page groups them by story (`Article.shown_story`:
    none for a proposal, which readers do not see) and outlet."""
    confirmed = {"article__story__status": Story.Status.CONFIRMED}
    annotations = (
        Annotation.objects.visible_to(user)
        .shown_in_full_to(user)
        .anchored()
        .filter(tags=tag)
        .select_related("article__story", "article__outlet", "author")
        .defer("article__body")
        # Ties broken by ids, so that {% regroup %} and the pages are the same on every database.
        .order_by(
            Case(When(**confirmed, then=F("article__story__title"))).asc(nulls_last=True),
            Case(When(**confirmed, then=F("article__story_id"))).asc(nulls_last=True),
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
        TaggedAnnotation.objects.filter(
            content_object__in=Annotation.objects.visible_to(user).shown_in_full_to(user).anchored()
        )
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
