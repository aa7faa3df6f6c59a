"""Comparing a story's articles and storing the result."""

from collections.abc import Iterable

from django.utils import timezone

from articles.models import Story, StoryComparison
from articles.text.comparison import ArticleText, compare_articles


def compare_story(story: Story) -> StoryComparison:
    """Compute and store what the story's articles share, quote and state differently."""
    articles = story.articles.select_related("outlet").only("pk", "title", "slug", "body", "outlet__name")
    record = compare_articles(
        story.slug,
        [ArticleText(a.pk, a.title, a.short_label, a.get_absolute_url(), a.body) for a in articles],
    )
    comparison, _ = StoryComparison.objects.update_or_create(
        story=story, defaults={"data": record.to_json(), "computed_at": timezone.now(), "is_stale": False}
    )
    return comparison


def mark_stale(story_ids: Iterable[int]) -> None:
    """Note that these stories' articles changed; `manage.py compare_stories` brings them up to date."""
    StoryComparison.objects.filter(story_id__in=set(story_ids)).update(is_stale=True)
