"""Comparing a story's articles and storing the result."""

from collections.abc import Iterable

from django.utils import timezone

from articles.models import Story, StoryComparison
from articles.text.passages import find_shared_passages, unshared_share
from articles.text.statements import (
    align_facts,
    differs,
    find_facts,
    find_quotes,
    group_quotes,
    statement_texts,
)


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
