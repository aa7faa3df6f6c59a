"""Cross-outlet coverage of a story: compute, store and read its StoryComparison.

The finding is done by the pure modules comparison.py (shared passages) and statements.py
(quotes and numeric facts); this module runs them over a story's articles and keeps the result
as JSON, so that pages and the JSON URL only read it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article, Story, StoryComparison
from articles.queries import SHARED_COLOURS, ArticleAnnotations, SharedPassage
from articles.text.passages import find_shared_passages, unshared_share
from articles.text.statements import (
    align_facts,
    differs,
    find_facts,
    find_quotes,
    group_quotes,
    statement_texts,
)

# From this share of its text found in other articles OUTSIDE its quotation marks, an article is
# flagged as copying: quoting the same letter is journalism, repeating another's sentences is not.
COPIED_FROM = 0.1


def compare_story(story: Story) -> StoryComparison:
    """Compute and store what the story's articles share, quote and state differently."""
    articles = list(
        story.articles.select_related("outlet").only("pk", "title", "slug", "body", "outlet__name")
    )
    texts = {article.pk: article.body for article in articles}
    clusters = find_shared_passages(texts)
    spans_by_article = {article.pk: [] for article in articles}
    for cluster in clusters:
        for occurrence in cluster.occurrences:
            spans_by_article[occurrence.article].append((occurrence.start, occurrence.end))
    quotes = [quote for article in articles for quote in find_quotes(article.pk, article.body)]
    quotes_by_article = {article.pk: [] for article in articles}
    for quote in quotes:
        quotes_by_article[quote.article].append((quote.start, quote.end))
    facts = [fact for article in articles for fact in find_facts(article.pk, article.body)]
    quote_groups = group_quotes(quotes)
    data = {
        "story": story.slug,
        "articles": [
            {
                "id": article.pk,
                "url": article.get_absolute_url(),
                "label": article.short_label,
                "title": article.title,
                "unshared_share": round(unshared_share(article.body, spans_by_article[article.pk]), 3),
                "copied_share": round(
                    copied_share(article.body, spans_by_article[article.pk], quotes_by_article[article.pk]), 3
                ),
            }
            for article in articles
        ],
        "clusters": [
            {
                "id": number,
                "text": cluster.text,
                "occurrences": [
                    {
                        "article": occurrence.article,
                        "start": occurrence.start,
                        "end": occurrence.end,
                        "text": texts[occurrence.article][occurrence.start : occurrence.end],
                        "similarity": round(occurrence.similarity, 3),
                        "verbatim": occurrence.is_verbatim,
                    }
                    for occurrence in cluster.occurrences
                ],
            }
            for number, cluster in enumerate(clusters, start=1)
        ],
        "quotes": [
            {
                "speaker": next((quote.speaker for quote in group if quote.speaker), None),
                "text": statement,
                "occurrences": [
                    {
                        "article": q.article,
                        "start": q.start,
                        "end": q.end,
                        "text": q.text,
                        "speaker": q.speaker,
                    }
                    for q in group
                ],
            }
            for group, statement in zip(quote_groups, statement_texts(quote_groups), strict=True)
        ],
        "facts": [
            {
                "kind": group[0].kind,
                "subject": group[0].subject,
                "differs": differs(group),
                "occurrences": [
                    {
                        "article": f.article,
                        "start": f.start,
                        "end": f.end,
                        "text": texts[f.article][f.start : f.end],
                        "value": f.value,
                        "qualifier": f.qualifier,
                    }
                    for f in group
                ],
            }
            for group in align_facts(facts)
        ],
    }
    comparison, _ = StoryComparison.objects.update_or_create(
        story=story, defaults={"data": data, "computed_at": timezone.now(), "is_stale": False}
    )
    return comparison


def copied_share(text: str, shared: list[tuple[int, int]], quoted: list[tuple[int, int]]) -> float:
    """Share of the text's non-space characters that other articles also have, outside its quotes."""
    # What shared and quoted text cover together, less what the quotes cover alone.
    return unshared_share(text, quoted) - unshared_share(text, shared + quoted)


def mark_stale(story_ids: Iterable[int]) -> None:
    """Note that these stories' articles changed; `manage.py compare_stories` brings them up to date."""
    StoryComparison.objects.filter(story_id__in=set(story_ids)).update(is_stale=True)


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
