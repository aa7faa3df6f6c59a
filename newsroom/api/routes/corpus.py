"""The corpus, read-only: outlets, stories with their articles and comparison, articles with their
canonical text (the text annotations' offsets count in)."""

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema

from articles.models import Article, Outlet, Story, StoryComparison
from articles.queries.stories import confirmed_story
from newsroom.api.errors import ApiError
from newsroom.api.responses import base_of

router = Router(tags=["corpus"])

PAGE_SIZE = 100


class OutletOut(Schema):
    slug: str
    name: str
    homepage_url: str
    url: str


class ArticleSummary(Schema):
    id: int
    title: str
    outlet: str | None
    story: str | None
    byline: str
    published_on: date | None
    source_url: str
    url: str
    annotations: str


class ArticleOut(ArticleSummary):
    body: str
    characters: int


class StoryOut(Schema):
    slug: str
    title: str
    summary: str
    date: date | None
    url: str
    comparison: str


class StoryDetailOut(StoryOut):
    articles: list[ArticleSummary]


class ArticlePage(Schema):
    count: int
    page: int
    pages: int
    items: list[ArticleSummary]


class StoryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[StoryOut]


class ArticleFilters(Schema):
    story: str | None = None
    outlet: str | None = None
    page: int = 1


def page_of(items, number: int) -> tuple:
    paginator = Paginator(items, PAGE_SIZE)
    if not 1 <= number <= paginator.num_pages:
        raise ApiError(404, f"There is no page {number}: pages go from 1 to {paginator.num_pages}.", "page")
    return paginator, paginator.page(number)


def outlet_out(base: str, outlet: Outlet) -> dict:
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "homepage_url": outlet.homepage_url,
        "url": base + outlet.get_absolute_url(),
    }


def article_summary(base: str, article: Article) -> dict:
    story = article.shown_story
    return {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet.slug if article.outlet else None,
        "story": story.slug if story else None,
        "byline": article.byline,
        "published_on": article.published_on,
        "source_url": article.source_url,
        "url": base + article.get_absolute_url(),
        "annotations": base + reverse("api:container", args=[article.pk]),
    }


def story_out(base: str, story: Story) -> dict:
    return {
        "slug": story.slug,
        "title": story.title,
        "summary": story.summary,
        "date": story.date,
        "url": base + story.get_absolute_url(),
        "comparison": base + reverse("api:story_comparison", args=[story.slug]),
    }


def listed(articles):
    return articles.select_related("outlet", "story").defer("body")


@router.get("/outlets", response=list[OutletOut], url_name="outlets")
def outlets(request):
    return [outlet_out(base_of(request), outlet) for outlet in Outlet.objects.all()]


@router.get("/outlets/{slug}", response=OutletOut, url_name="outlet")
def outlet(request, slug: str):
    return outlet_out(base_of(request), get_object_or_404(Outlet, slug=slug))


@router.get("/stories", response=StoryPage, url_name="stories")
def stories(request, page: int = 1):
    paginator, current = page_of(Story.objects.confirmed(), page)
    items = [story_out(base_of(request), story) for story in current]
    return {"count": paginator.count, "page": page, "pages": paginator.num_pages, "items": items}


@router.get("/stories/{slug}", response=StoryDetailOut, url_name="story")
def story(request, slug: str):
    found = confirmed_story(slug)
    base = base_of(request)
    articles = [article_summary(base, article) for article in listed(found.articles.all())]
    return story_out(base, found) | {"articles": articles}


@router.get("/stories/{slug}/comparison", url_name="story_comparison")
def story_comparison(request, slug: str):
    """The story's comparison: shared passages, quotes, facts (their shape is its `version`'s)."""
    stories = Story.objects.confirmed()
    comparison = get_object_or_404(StoryComparison.objects.current(), story__in=stories, story__slug=slug)
    return {
        **comparison.record.to_json(),
        "computed_at": comparison.computed_at,
        "is_stale": comparison.is_stale,
    }


@router.get("/articles", response=ArticlePage, url_name="articles")
def articles(request, filters: Query[ArticleFilters]):
    """Articles, newest first; ?story= and ?outlet= (slugs) narrow them."""
    found = listed(Article.objects.all())
    if filters.story:
        found = found.filter(story__in=Story.objects.confirmed(), story__slug=filters.story)
    if filters.outlet:
        found = found.filter(outlet__slug=filters.outlet)
    paginator, current = page_of(found.order_by("-published_on", "-pk"), filters.page)
    items = [article_summary(base_of(request), article) for article in current]
    return {"count": paginator.count, "page": filters.page, "pages": paginator.num_pages, "items": items}


@router.get("/articles/{pk}", response=ArticleOut, url_name="article")
def article(request, pk: int):
    found = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
    return article_summary(base_of(request), found) | {"body": found.body, "characters": len(found.body)}
