"""Stories, outlets and their articles: lists, side-by-side columns and the coverage table."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
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
    reading_key,
)
from articles.queries.sql import fetch_all
from articles.text.comparison import ComparedArticle, Comparison

STORIES_PER_PAGE = 20
ARTICLES_PER_PAGE = 50
LATEST_ARTICLES_ON_HOME = 20
OUTLET_COUNTS_KEY, OUTLET_COUNTS_SECONDS = "outlet-article-counts", 300
ARTICLES_PER_STORY_ON_HOME = 8
OTHER_COVERAGE_SHOWN = 10
COMPARE_MIN, COMPARE_MAX = 2, 5
COVERAGE_COLUMNS = 12  # articles per page of the coverage tables' columns
COVERAGE_ROWS = 100  # rows of each coverage table


def story_page(page_number) -> Page:
    """A page of the stories readers see, newest first, each with its first articles (a story may
    have a thousand) and their outlets, and its article count."""
    first = Article.objects.for_listing()[:ARTICLES_PER_STORY_ON_HOME]
    stories = (
        Story.objects.confirmed()
        .order_by(*Story._meta.ordering, "pk")
        .prefetch_related(Prefetch("articles", queryset=first, to_attr="first_articles"))
    )
    page = Paginator(stories, STORIES_PER_PAGE).get_page(page_number)
    # Counted for the page's stories only: counting every story's articles to show twenty took
    # a join of all the articles.
    page.object_list = list(page.object_list)
    counts = article_counts(Article.objects.filter(story__in=page.object_list), "story")
    for story in page.object_list:
        story.article_count = counts.get(story.pk, 0)
    return page


def article_counts(articles, by: str) -> dict[int, int]:
    """How many of these articles each story or outlet (`by`) has: a walk of that foreign key's index."""
    return dict(articles.order_by().values_list(by).annotate(count=Count("pk")).values_list(by, "count"))


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


def outlets_with_counts() -> list[Outlet]:
    """Every outlet and its article count, for the home page; their latest articles are on their
    own pages (eight for each of hundreds of outlets, picked from every article, cost seconds).
    The counts read every article, so they are kept a few minutes: they are public, and the same
    for every reader."""
    outlets = list(Outlet.objects.only("name", "slug"))
    counts = cache.get(OUTLET_COUNTS_KEY)
    if counts is None:
        counts = article_counts(Article.objects.filter(outlet__isnull=False), "outlet")
        cache.set(OUTLET_COUNTS_KEY, counts, OUTLET_COUNTS_SECONDS)
    for outlet in outlets:
        outlet.article_count = counts.get(outlet.pk, 0)
    return outlets


def latest_articles() -> list[Article]:
    """The most recently published articles of every outlet (a walk down the date index), then,
    while they are fewer than the home page lists, the latest imported of those without a date."""
    listed = Article.objects.for_listing()
    dated = listed.filter(published_on__isnull=False).order_by("-published_on", "-pk")
    latest = list(dated[:LATEST_ARTICLES_ON_HOME])
    if missing := LATEST_ARTICLES_ON_HOME - len(latest):
        latest += listed.filter(published_on=None).order_by("-pk")[:missing]
    return latest


def outlet_article_page(outlet: Outlet, page_number) -> Page:
    return article_page(outlet.articles, page_number)


def article_page(articles, page_number) -> Page:
    """A page of a list of articles, in their order (the key makes the pages' order stable)."""
    ordered = articles.for_listing().order_by(*Article._meta.ordering, "pk")
    return Paginator(ordered, ARTICLES_PER_PAGE).get_page(page_number)


def articles_without_outlet():
    return Article.objects.for_listing().filter(outlet=None)[:ARTICLES_PER_STORY_ON_HOME]


def story_articles(story: Story, page_number=None) -> Page:
    """A page of a story's articles: the largest stories have more than a thousand."""
    return article_page(story.articles, page_number)


def picked_ids(raw_ids: list[str]) -> tuple[list[int], str]:
    """The ids of the articles picked for side-by-side reading, in the order picked, or an error message."""
    ids = list(dict.fromkeys(map(parse_id, raw_ids)))
    if None in ids:
        return [], "Pick articles from the list."
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        return [], f"Pick between {COMPARE_MIN} and {COMPARE_MAX} articles to read side by side."
    return ids, ""


def compare_selection(story: Story, raw_ids: list[str]) -> tuple[list[Article], str]:
    """The articles picked for side-by-side reading, in the order picked, or an error message."""
    ids, error = picked_ids(raw_ids)
    if error:
        return [], error
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
    cells: list[Cell | None]  # one per shown article, None where it is absent
    colour: int = 0  # shared passages are told apart by colour (SHARED_COLOURS)


@dataclass
class CoverageRows:
    """One table's rows that occur in the shown articles: the first COVERAGE_ROWS in the record's
    order, and how many more there are (the JSON has them all)."""

    shown: list[CoverageRow]
    more: int


@dataclass
class CoverageTable:
    """A story's comparison laid out for its page: one column per article of a page of them (a
    story may have 1,500 articles, and a passage table 500 rows), and the rows found in them."""

    columns: Page  # of ComparedArticle, COVERAGE_COLUMNS to a page, in the record's order
    passages: CoverageRows
    more_passages: int  # found but not in the record: each in no more articles than any listed one
    quotes: CoverageRows
    facts: CoverageRows

    @property
    def articles(self) -> list[ComparedArticle]:
        return self.columns.object_list


def coverage_table(comparison: Comparison, column_page=None) -> CoverageTable:
    """The table for the page of columns `column_page` (as typed: the paginator shows the first
    page for what is not a number, the last for what is past it)."""
    columns = Paginator(comparison.articles, COVERAGE_COLUMNS).get_page(column_page)
    urls = {article.id: article.url for article in columns.object_list}

    def rows(groups, colour=lambda group: 0) -> CoverageRows:
        shown, more = [], 0
        for group in groups:
            links = {
                o.article: Cell(o, f"{urls[o.article]}#passage-{o.start}-{o.end}")
                for o in group.occurrences
                if o.article in urls
            }
            if links and len(shown) < COVERAGE_ROWS:
                shown.append(CoverageRow(group, [links.get(pk) for pk in urls], colour(group)))
            elif links:
                more += 1
        return CoverageRows(shown, more)

    return CoverageTable(
        columns=columns,
        passages=rows(comparison.passages, lambda passage: passage.id % SHARED_COLOURS),
        more_passages=comparison.more_passages,
        quotes=rows(comparison.quotes),
        facts=rows(comparison.facts),
    )


def compare_columns(
    user, comparison: Comparison | None, articles: list[Article], filters: Filters = NO_FILTERS
) -> list[ArticleAnnotations]:
    """The side-by-side columns: each article with its annotations and the passages it shares (of
    those the story's comparison lists)."""
    columns = [article.pk for article in articles]
    marks = passage_marks(comparison, columns)
    return [
        ArticleAnnotations(user, a, filters=filters, columns=columns, shared=marks[a.pk]) for a in articles
    ]


class CompareHead(NamedTuple):
    """What the side-by-side page's cache key needs, read in one query (as reading.article_head)."""

    story: tuple[int, str]  # its id and title
    computed_at: datetime | None  # when its comparison was made (the shared passages come from it)
    states: tuple  # (id, updated_at, annotations_changed_at) of each column's article, in order


# One query for the three that the page makes on a cache miss (the story, the articles, the comparison).
COMPARE_HEAD_SQL = """
    SELECT story.id, story.title, comparison.computed_at,
           article.id, article.updated_at, article.annotations_changed_at
    FROM articles_story story
    JOIN articles_article article ON article.story_id = story.id
    LEFT JOIN articles_storycomparison comparison ON comparison.story_id = story.id
    WHERE story.slug = %s AND story.status = %s AND article.id IN ({})
"""


def compare_head(slug: str, raw_ids: list[str]) -> CompareHead | None:
    """The page's head, or None unless the story is one readers see and the articles picked are a
    selection of it (as compare_selection() checks them)."""
    ids, error = picked_ids(raw_ids)
    if error:
        return None
    placeholders = ", ".join(["%s"] * len(ids))  # only placeholders go into the SQL
    rows = fetch_all(COMPARE_HEAD_SQL.format(placeholders), slug, Story.Status.CONFIRMED.value, *ids)  # nosec B608
    if len(rows) != len(ids):
        return None
    states = {row[3]: row[3:] for row in rows}
    return CompareHead(rows[0][:2], rows[0][2], tuple(states[pk] for pk in ids))


def compare_key(user, head: CompareHead, filters: Filters) -> tuple:
    """Everything the side-by-side page shows, for its cache key, without reading the comparison's
    record: the story's title, when the comparison was made and each column's key (its article's
    state, the reader, the filters and the columns, as in ArticleAnnotations.cache_key)."""
    columns = tuple(state[0] for state in head.states)
    keys = [reading_key(user, state, filters, columns) for state in head.states]
    return (head.story, head.computed_at, keys)


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
    return compare_columns(user, current_comparison(story), articles, filters)[articles.index(article)]
