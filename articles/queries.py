"""Page-shaped reads across models: each returns what one page shows, in few queries."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch

from articles.models import Article, Outlet, Story

STORIES_PER_PAGE = 20
ARTICLES_PER_PAGE = 50
ARTICLES_PER_OUTLET_ON_HOME = 8
COMPARE_MIN, COMPARE_MAX = 2, 5


def story_page(page_number) -> Page:
    """A page of stories, newest first, each with its articles and their outlets."""
    stories = Story.objects.prefetch_related(Prefetch("articles", queryset=Article.objects.for_listing()))
    return Paginator(stories, STORIES_PER_PAGE).get_page(page_number)


def outlets_with_latest_articles():
    latest = Article.objects.for_listing().order_by("-published_on", "title")[:ARTICLES_PER_OUTLET_ON_HOME]
    return Outlet.objects.annotate(article_count=Count("articles")).prefetch_related(
        Prefetch("articles", queryset=latest, to_attr="latest_articles")
    )


def outlet_article_page(outlet: Outlet, page_number) -> Page:
    return Paginator(outlet.articles.for_listing(), ARTICLES_PER_PAGE).get_page(page_number)


def articles_without_outlet():
    return Article.objects.for_listing().filter(outlet=None)


def story_articles(story: Story):
    return story.articles.for_listing()


def compare_selection(story: Story, raw_ids: list[str]) -> tuple[list[Article], str]:
    """The articles picked for side-by-side reading, in the order picked, or an error message."""
    try:
        ids = list(dict.fromkeys(int(raw) for raw in raw_ids))
    except ValueError:
        return [], "Pick articles from the list."
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        return [], f"Pick between {COMPARE_MIN} and {COMPARE_MAX} articles to read side by side."
    by_id = story.articles.select_related("outlet").in_bulk(ids)
    if len(by_id) != len(ids):
        return [], "Some of the picked articles are not part of this story."
    return [by_id[pk] for pk in ids], ""
