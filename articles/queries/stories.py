"""Stories, outlets and their articles: lists, side-by-side columns and the coverage table."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch

from articles.models import Article, Outlet, Story, StoryComparison
from articles.queries.reading import SHARED_COLOURS, ArticleAnnotations, SharedPassage, parse_id

# From this share of its text found in other articles OUTSIDE its quotation marks, an article is
# flagged as copying: quoting the same letter is journalism, repeating another's sentences is not.
COPIED_FROM = 0.1

STORIES_PER_PAGE = 20
ARTICLES_PER_PAGE = 50
ARTICLES_PER_OUTLET_ON_HOME = 8
COMPARE_MIN, COMPARE_MAX = 2, 5


def story_page(page_number) -> Page:
    """A page of stories, newest first, each with its articles and their outlets."""
    stories = Story.objects.prefetch_related(Prefetch("articles", queryset=Article.objects.for_listing()))
    return Paginator(stories, STORIES_PER_PAGE).get_page(page_number)


def outlets_with_latest_articles():
    latest = Article.objects.for_listing().order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    latest = latest[:ARTICLES_PER_OUTLET_ON_HOME]
    return Outlet.objects.annotate(article_count=Count("articles")).prefetch_related(
        Prefetch("articles", queryset=latest, to_attr="latest_articles")
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
    by_id = story.articles.select_related("outlet").in_bulk(ids)
    if len(by_id) != len(ids):
        return [], "Some of the picked articles are not part of this story."
    return [by_id[pk] for pk in ids], ""


def stories_to_compare():
    """Stories whose comparison is missing or stale."""
    return Story.objects.exclude(comparison__is_stale=False)


def shared_passages(
    comparison: StoryComparison | None, article_ids: list[int]
) -> dict[int, list[SharedPassage]]:
    """Per article, the passages it shares with the others of these articles, for the columns."""
    by_article = {pk: [] for pk in article_ids}
    if comparison is None:
        return by_article
    labels = {article["id"]: article["label"] for article in comparison.data["articles"]}
    for cluster in comparison.data["clusters"]:
        shown = [o for o in cluster["occurrences"] if o["article"] in by_article]
        for occurrence in shown if len(shown) > 1 else []:
            also_in = ", ".join(labels[o["article"]] for o in shown if o is not occurrence)
            by_article[occurrence["article"]].append(
                SharedPassage(
                    cluster["id"], occurrence["article"], occurrence["start"], occurrence["end"], also_in
                )
            )
    return by_article


@dataclass
class CoverageTable:
    """A story's comparison laid out for its page: one column per article."""

    articles: list[dict]  # with "mostly_shared"
    passages: list[tuple[dict, list[dict | None]]]  # cluster, occurrence (or None) per article
    quotes: list[tuple[dict, list[dict | None]]]
    facts: list[tuple[dict, list[dict | None]]]


def coverage_table(comparison: StoryComparison) -> CoverageTable:
    data = comparison.data
    urls = {article["id"]: article["url"] for article in data["articles"]}

    def cells(group: dict) -> list[dict | None]:
        """Per article, its occurrence with a link to the passage, or None."""
        by_article = {
            o["article"]: {**o, "url": f"{urls[o['article']]}#passage-{o['start']}-{o['end']}"}
            for o in group["occurrences"]
        }
        return [by_article.get(pk) for pk in urls]

    articles = [{**article, "copies": article["copied_share"] >= COPIED_FROM} for article in data["articles"]]
    return CoverageTable(
        articles=articles,
        passages=[
            ({**cluster, "colour": cluster["id"] % SHARED_COLOURS}, cells(cluster))
            for cluster in data["clusters"]
        ],
        quotes=[(quote, cells(quote)) for quote in data["quotes"]],
        facts=[(fact, cells(fact)) for fact in data["facts"]],
    )


def compare_columns(user, story: Story, articles: list[Article]) -> list[dict]:
    """The side-by-side columns: each article with its annotations and the passages it shares."""
    comparison = StoryComparison.objects.filter(story=story).first()
    shared = shared_passages(comparison, [article.pk for article in articles])
    return [{"article": a, "reading": ArticleAnnotations(user, a, shared=shared[a.pk])} for a in articles]
