"""Stories, outlets and their articles: lists, side-by-side columns and the coverage table."""

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404

from articles.models import Article, Outlet, Story, StoryComparison
from articles.queries.reading import (
    NO_FILTERS,
    SHARED_COLOURS,
    ArticleAnnotations,
    Filters,
    PassageMark,
    parse_id,
    reading_filters,
)
from articles.text.comparison import ComparedArticle, Comparison

STORIES_PER_PAGE = 20
ARTICLES_PER_PAGE = 50
ARTICLES_PER_OUTLET_ON_HOME = 8
ARTICLES_PER_STORY_ON_HOME = 8
OTHER_COVERAGE_SHOWN = 10
COMPARE_MIN, COMPARE_MAX = 2, 5


def story_page(page_number) -> Page:
    """A page of the stories readers see, newest first, each with its first articles (a story may
    have a thousand) and their outlets, and its article count."""
    first = Article.objects.for_listing()[:ARTICLES_PER_STORY_ON_HOME]
    stories = (
        Story.objects.confirmed()
        .annotate(article_count=Count("articles"))
        .order_by(*Story._meta.ordering, "pk")  # an aggregate drops Meta.ordering
        .prefetch_related(Prefetch("articles", queryset=first, to_attr="first_articles"))
    )
    return Paginator(stories, STORIES_PER_PAGE).get_page(page_number)


def confirmed_story(slug: str) -> Story:
    """A story readers see, or 404: proposals and dismissed stories are as missing to them."""
    return get_object_or_404(Story.objects.confirmed(), slug=slug)


class OtherCoverage:
    """ "Other coverage of this event" on an article's page: the other articles of its story, or,
    while it has none that readers see, the most similar articles from other outlets in the days
    around it, as story grouping found them (SimilarArticle). Loaded on first use, inside the
    page's cached block, and bounded: a story may have a thousand articles."""

    def __init__(self, article: Article):
        self.article = article
        self.story = article.shown_story

    @cached_property
    def articles(self) -> list[Article]:
        if self.story is None:
            similar = self.article.similar.select_related("other__outlet").defer("other__body")
            return [row.other for row in similar.order_by("-similarity", "other_id")[:OTHER_COVERAGE_SHOWN]]
        others = self.story.articles.for_listing().exclude(pk=self.article.pk)
        return list(others[: OTHER_COVERAGE_SHOWN + 1])

    @cached_property
    def more(self) -> int:
        """How many of the story's other articles are not listed."""
        if self.story is None or len(self.articles) <= OTHER_COVERAGE_SHOWN:
            return 0
        return self.story.articles.count() - 1 - OTHER_COVERAGE_SHOWN

    def shown(self) -> list[Article]:
        return self.articles[:OTHER_COVERAGE_SHOWN]


def outlets_with_latest_articles():
    latest = Article.objects.for_listing().order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    latest = latest[:ARTICLES_PER_OUTLET_ON_HOME]
    # An aggregate drops Meta.ordering (Django leaves GROUP BY queries unordered): name it again.
    return (
        Outlet.objects.annotate(article_count=Count("articles"))
        .order_by("name")
        .prefetch_related(Prefetch("articles", queryset=latest, to_attr="latest_articles"))
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
    by_id = story.articles.select_related("outlet", "story").in_bulk(ids)
    if len(by_id) != len(ids):
        return [], "Some of the picked articles are not part of this story."
    return [by_id[pk] for pk in ids], ""


def stories_to_compare():
    """Stories readers see whose comparison is missing, stale, or stored by another version of the
    code (proposals are compared once confirmed)."""
    current = StoryComparison.objects.current().filter(is_stale=False)
    return Story.objects.confirmed().exclude(comparison__in=current)


def current_comparison(story: Story) -> Comparison | None:
    comparison = StoryComparison.objects.filter(story=story).first()
    return comparison.record if comparison else None


def passage_marks(comparison: Comparison | None, article_ids: list[int]) -> dict[int, list[PassageMark]]:
    """Per article, the passages it shares with the others of these articles, for the columns."""
    by_article = {pk: [] for pk in article_ids}
    if comparison is None:
        return by_article
    labels = comparison.labels()
    for passage in comparison.passages:
        shown = [o for o in passage.occurrences if o.article in by_article]
        for occurrence in shown if len(shown) > 1 else []:
            also_in = ", ".join(labels[o.article] for o in shown if o is not occurrence)
            by_article[occurrence.article].append(
                PassageMark(passage.id, occurrence.article, occurrence.start, occurrence.end, also_in)
            )
    return by_article


class Cell(NamedTuple):
    """What one article says of a row: its occurrence, and a link that selects it."""

    occurrence: object
    url: str


@dataclass
class CoverageRow:
    group: object  # a SharedPassage, QuotedStatement or AlignedFact
    cells: list[Cell | None]  # one per article, None where it is absent
    colour: int = 0  # shared passages are told apart by colour (SHARED_COLOURS)


@dataclass
class CoverageTable:
    """A story's comparison laid out for its page: one column per article."""

    articles: list[ComparedArticle]
    passages: list[CoverageRow]
    quotes: list[CoverageRow]
    facts: list[CoverageRow]


def coverage_table(comparison: Comparison) -> CoverageTable:
    urls = {article.id: article.url for article in comparison.articles}

    def row(group, colour: int = 0) -> CoverageRow:
        links = {
            o.article: Cell(o, f"{urls[o.article]}#passage-{o.start}-{o.end}") for o in group.occurrences
        }
        return CoverageRow(group, [links.get(pk) for pk in urls], colour)

    return CoverageTable(
        articles=comparison.articles,
        passages=[row(passage, passage.id % SHARED_COLOURS) for passage in comparison.passages],
        quotes=[row(quote) for quote in comparison.quotes],
        facts=[row(fact) for fact in comparison.facts],
    )


def compare_columns(
    user, story: Story, articles: list[Article], filters: Filters = NO_FILTERS
) -> list[ArticleAnnotations]:
    """The side-by-side columns: each article with its annotations and the passages it shares."""
    columns = [article.pk for article in articles]
    marks = passage_marks(current_comparison(story), columns)
    return [
        ArticleAnnotations(user, a, filters=filters, columns=columns, shared=marks[a.pk]) for a in articles
    ]


def fragments_reading(user, article: Article, query) -> ArticleAnnotations | None:
    """The article as the page asking for its fragments shows it (their query string): its own
    page, or one column of a side-by-side view (`columns`: the columns' ids as in its URL), with
    its filters. None for columns that are no side-by-side view of this article."""
    filters = reading_filters(user, query)
    if not (raw_columns := query.getlist("columns")):
        return ArticleAnnotations(user, article, filters=filters)
    story = article.shown_story
    articles, error = compare_selection(story, raw_columns) if story else ([], "no story")
    if error or article not in articles:
        return None
    return compare_columns(user, story, articles, filters)[articles.index(article)]
