"""Stories found automatically: articles without a story grouped into proposed stories.

The pure clustering (text/grouping.py) reads every article in the days concerned; what it proposes
is written here under these rules:
- an article moves only when it has no story: articles of confirmed, dismissed or proposed stories
  stay where they are (editors confirm, split, merge or dismiss proposals; a dismissed proposal
  keeps its articles so that they are not proposed again);
- a cluster holding an article of a confirmed or dismissed story proposes nothing: editors have
  decided about that event already (its new articles list that story's articles as similar);
- a cluster holding articles of proposed stories adds its articles without a story to the
  proposal with most of its articles; any other cluster becomes a new proposal.
Run twice on the same articles, it proposes nothing the second time.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Substr

from articles.models import Article, SimilarArticle, Story
from articles.services.stories import unique_slug
from articles.text import grouping
from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job_once

READ_CHUNK = 2000
TITLE_MAX = Story._meta.get_field("title").max_length
WRITE_BATCH = 1000


@dataclass
class GroupingSummary:
    proposed: int = 0  # stories proposed
    grouped: int = 0  # articles put in them
    joined: int = 0  # articles added to stories proposed before
    looked_at: int = 0  # articles without a story or in a proposal: their similar articles replaced

    def __str__(self):
        text = f"{self.proposed} stories proposed for {self.grouped} articles"
        if self.joined:
            text += f", {self.joined} articles added to earlier proposals"
        return f"{text}, {self.looked_at} articles looked at"


@dataclass
class ArticleRow:
    """What grouping reads of an article besides its text."""

    published_on: datetime.date | None
    story_id: int | None
    story_status: str | None
    is_asked_for: bool  # published since the date asked for (the days before are only compared with)

    @property
    def may_move(self) -> bool:
        return self.is_asked_for and self.story_id is None

    @property
    def is_looked_at(self) -> bool:
        """Its similar articles are replaced: it has no story, or only a proposed one."""
        return self.is_asked_for and self.story_status in (None, Story.Status.PROPOSED)


def group_stories(*, since: datetime.date | None = None, threshold: float | None = None) -> GroupingSummary:
    """Group the articles that have no story (published since the date) into proposed stories."""
    threshold = settings.STORY_GROUPING_THRESHOLD if threshold is None else threshold
    rows, items = read_articles(since)
    found = grouping.group_articles(items, threshold=threshold)
    del items
    summary = GroupingSummary()
    looked_at = [pk for pk, row in rows.items() if row.is_looked_at]
    with transaction.atomic():
        for cluster in found.clusters:
            place_cluster(cluster, rows, summary)
        replace_similar(looked_at, found.similar)
    summary.looked_at = len(looked_at)
    return summary


def read_articles(since: datetime.date | None) -> tuple[dict[int, ArticleRow], list[grouping.Item]]:
    """Every article within the days concerned (from GROUPING_DAYS before `since`), its title and
    the start of its text only, a chunk at a time."""
    articles = Article.objects.order_by()
    if since is not None:
        articles = articles.filter(published_on__gte=since - datetime.timedelta(days=grouping.GROUPING_DAYS))
    values = articles.values_list(
        "pk",
        "outlet_id",
        "published_on",
        "title",
        "subtitle",
        Substr("body", 1, grouping.LEDE_CHARS),
        "story_id",
        "story__status",
    )
    rows, items = {}, []
    for pk, outlet, published_on, title, subtitle, lede, story_id, status in values.iterator(READ_CHUNK):
        is_asked_for = since is None or (published_on is not None and published_on >= since)
        rows[pk] = ArticleRow(published_on, story_id, status, is_asked_for)
        items.append(
            grouping.Item(pk, outlet, published_on, title, f"{subtitle}\n{lede}" if subtitle else lede)
        )
    return rows, items


def place_cluster(cluster: grouping.Cluster, rows: dict[int, ArticleRow], summary: GroupingSummary) -> None:
    """Put the cluster's articles that may move into a proposal: an earlier one or a new one."""
    members = [rows[pk] for pk in cluster.ids]
    if any(row.story_status in (Story.Status.CONFIRMED, Story.Status.DISMISSED) for row in members):
        return
    movable = [pk for pk in cluster.ids if rows[pk].may_move]
    if not movable:
        return
    proposals = Counter(row.story_id for row in members if row.story_id is not None)
    if proposals:
        story_id = min(proposals, key=lambda pk: (-proposals[pk], pk))
        summary.joined += assign(movable, Story.objects.get(pk=story_id))
        return
    dates = [rows[pk].published_on for pk in movable if rows[pk].published_on is not None]
    story = Story.objects.create(
        title=cluster.title[:TITLE_MAX],
        slug=unique_slug(cluster.title),
        date=min(dates, default=None),
        status=Story.Status.PROPOSED,
    )
    if grouped := assign(movable, story):
        summary.proposed += 1
        summary.grouped += grouped
    else:  # another run took them meanwhile
        story.delete()


def assign(pks: list[int], story: Story) -> int:
    """Put the articles that still have no story into the story; how many were."""
    return Article.objects.filter(pk__in=pks, story__isnull=True).update(story=story)


def replace_similar(pks: list[int], similar: dict[int, list[tuple[int, float]]]) -> None:
    """The similar articles of these articles, as grouping found them now."""
    for start in range(0, len(pks), WRITE_BATCH):
        SimilarArticle.objects.filter(article_id__in=pks[start : start + WRITE_BATCH]).delete()
    SimilarArticle.objects.bulk_create(
        (
            SimilarArticle(article_id=pk, other_id=other, similarity=similarity)
            for pk in pks
            for other, similarity in similar.get(pk, [])
        ),
        batch_size=WRITE_BATCH,
    )


def group_later() -> Job:
    """Have the worker group the articles without a story (after an import)."""
    return start_job_once(Job.Kind.GROUP_STORIES, subject="group-stories")
