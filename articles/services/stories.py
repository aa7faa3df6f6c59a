"""Editors' story edits: confirm or dismiss proposals, merge stories, move articles between them.

Articles keep their annotations through every edit (annotations belong to articles, not stories).
Each edit queues a new comparison of the confirmed stories whose articles changed: proposals and
dismissed stories are never compared, for readers never see them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Story
from articles.services.coverage import compare_later

SLUG_MAX = Story._meta.get_field("slug").max_length


@dataclass
class Moved:
    """What moving articles into a story did."""

    story: Story
    articles: int = 0  # moved into it (articles already in it are not counted)
    emptied: list[str] = field(default_factory=list)  # titles of the proposals left empty, deleted


def unique_slug(title: str) -> str:
    """A URL slug for a new story: its title's, numbered when taken ("story" for a title in
    another script, whose slug would be empty in ASCII)."""
    base = slugify(title)[: SLUG_MAX - 8].strip("-") or "story"
    taken = set(Story.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def compare_confirmed(story_ids: Iterable[int]) -> int:
    """Queue the comparison of those of these stories that readers see; how many they are."""
    ids = set(Story.objects.confirmed().filter(pk__in=set(story_ids) - {None}).values_list("pk", flat=True))
    compare_later(ids)
    return len(ids)


@transaction.atomic
def confirm(stories) -> int:
    """Readers see these stories from now on; their comparisons are queued."""
    ids = ids_of(stories.exclude(status=Story.Status.CONFIRMED))
    Story.objects.filter(pk__in=ids).update(status=Story.Status.CONFIRMED)
    compare_confirmed(ids)
    return len(ids)


@transaction.atomic
def dismiss(stories) -> int:
    """Readers no longer see these stories. Their articles stay in them, so that grouping does
    not propose them again."""
    ids = ids_of(stories.exclude(status=Story.Status.DISMISSED))
    return Story.objects.filter(pk__in=ids).update(status=Story.Status.DISMISSED)


def status_saved(story: Story, previous_status: str | None) -> None:
    """An editor saved the story's form: a story just confirmed is compared."""
    if story.status == Story.Status.CONFIRMED and previous_status != Story.Status.CONFIRMED:
        compare_later([story.pk])


@transaction.atomic
def merge(stories, keep: Story) -> Moved:
    """One story from several: `keep` (one of them, with its title and slug) gets the others'
    articles, and the others are deleted. It is confirmed if any of them was, else a proposal."""
    others = Story.objects.filter(pk__in=ids_of(stories)).exclude(pk=keep.pk)
    statuses = {keep.status, *others.values_list("status", flat=True)}
    moved = Article.objects.filter(story__in=others).update(story=keep, updated_at=timezone.now())
    others.delete()
    keep.status = Story.Status.CONFIRMED if Story.Status.CONFIRMED in statuses else Story.Status.PROPOSED
    keep.save(update_fields=["status"])
    date_from_articles(keep)
    compare_confirmed([keep.pk])
    return Moved(keep, moved)


@transaction.atomic
def move_articles(articles, story: Story) -> Moved:
    """Put these articles in the story. Proposals they leave empty are deleted (nothing is left of
    them); the confirmed stories they leave and the story they join are compared again and dated
    by the articles they now have."""
    articles = Article.objects.filter(pk__in=ids_of(articles.exclude(story=story)))
    left = set(articles.values_list("story_id", flat=True)) - {None}
    moved = articles.update(story=story, updated_at=timezone.now())
    emptied = Story.objects.filter(pk__in=left, status=Story.Status.PROPOSED, articles=None)
    emptied_titles = list(emptied.values_list("title", flat=True))
    emptied.delete()
    if moved:
        for changed in [story, *Story.objects.filter(pk__in=left)]:
            date_from_articles(changed)
    compare_confirmed(left | {story.pk})
    return Moved(story, moved, emptied_titles)


@transaction.atomic
def new_story_from(articles, title: str) -> Moved:
    """A new confirmed story of these articles (taken from the stories they were in): a split."""
    story = Story.objects.create(title=title, slug=unique_slug(title), status=Story.Status.CONFIRMED)
    return move_articles(articles, story)


def ids_of(queryset) -> list[int]:
    """The rows' ids: an admin's selection may be annotated or distinct, which update() and
    delete() refuse."""
    return list(queryset.values_list("pk", flat=True))


def date_from_articles(story: Story) -> None:
    """A story's date is its earliest article's (kept when none of them has a date)."""
    story.date = story.articles.aggregate(date=Min("published_on"))["date"] or story.date
    story.save(update_fields=["date"])
