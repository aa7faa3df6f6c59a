"""Comparing a story's articles and storing the result, now or by the task worker."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from articles.models import Story, StoryComparison
from articles.text.comparison import ArticleText, compare_articles
from newsroom.jobs.models import Job
from newsroom.jobs.services import pending_job, start_jobs_once


def compare_story(story: Story) -> StoryComparison:
    """Compute and store what the story's articles share, quote and state differently."""
    articles = story.articles.select_related("outlet").only(
        "pk", "title", "slug", "body", "outlet__name", "wire_agencies", "published_on"
    )
    record = compare_articles(
        story.slug,
        [
            ArticleText(
                a.pk,
                a.title,
                a.short_label,
                a.get_absolute_url(),
                a.body,
                tuple(a.wire_agencies),
                a.published_on,
            )
            for a in articles
        ],
    )
    comparison, _ = StoryComparison.objects.update_or_create(
        story=story, defaults={"data": record.to_json(), "computed_at": timezone.now(), "is_stale": False}
    )
    return comparison


def mark_stale(story_ids: Iterable[int]) -> None:
    """Note that these stories' articles changed; `manage.py compare_stories` brings them up to date."""
    StoryComparison.objects.filter(story_id__in=set(story_ids)).update(is_stale=True)


def story_subject(story_id: int) -> str:
    return f"story:{story_id}"


def compare_later(story_ids: Iterable[int]) -> None:
    """Mark these stories' comparisons stale and have the worker compare them again (a story's
    comparison takes up to a second or more: 1.1 s for 50 articles)."""
    story_ids = set(story_ids)
    with transaction.atomic():
        mark_stale(story_ids)
        start_jobs_once(
            Job.Kind.COMPARE_STORY,
            {story_subject(story_id): {"story_id": story_id} for story_id in story_ids},
        )


def comparison_in_progress(story: Story) -> Job | None:
    return pending_job(Job.Kind.COMPARE_STORY, story_subject(story.pk))
