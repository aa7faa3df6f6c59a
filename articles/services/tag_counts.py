"""Keeping the public tag counts (models.tag_counts) up to date.

Every annotation write raises its article's annotations_changed_at (Article.touch_annotations), so
the articles to recount are those stamped since the last refresh: found through an index, recounted
from their own annotations only, and their outlets' sums recounted from the per-article counts. A
recount is idempotent: an article is looked at again while its stamp is less than MARGIN old (and
counted again if the stamp moved), so that a write whose transaction commits after a refresh has
read the stamps is still counted.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Annotation, Article, TaggedAnnotation
from articles.models.annotations import Visibility
from articles.models.tag_counts import TagArticleCount, TagCountState, TagOutletCount, recount_outlet

MARGIN = timedelta(seconds=60)


def public_passages():
    """The passages everyone sees: what an anonymous reader's visible_to() and shown_in_full_to() keep."""
    return Annotation.objects.filter(
        deleted_at=None, visibility=Visibility.PUBLIC, hidden_at=None, is_orphan=False
    )


def refresh() -> str:
    """Bring the counts up to date; their version, for cache keys: it changes with every annotation write."""
    now = timezone.now()  # before reading: what was stamped MARGIN before it has committed
    state = TagCountState.objects.order_by("pk").first()
    if state is None:
        return _count_everything()
    if not _changed(state) and not _settled(state, now):
        return _version(state)
    with transaction.atomic():
        state = TagCountState.objects.select_for_update().get(pk=state.pk)
        if changed := _changed(state):
            counted, stored = _counted(changed), _stored(changed)
            if counted != stored:
                _replace(changed, counted, stored)
            state.version += 1  # readers' own layers may have changed too (their counts are cached)
            state.seen |= {str(pk): stamp.isoformat() for pk, stamp in changed.items()}
        if settled := _settled(state, now):
            state.counted_until = now - MARGIN
            state.seen = {pk: stamp for pk, stamp in state.seen.items() if pk not in settled}
        state.save()
    return _version(state)


def _changed(state: TagCountState) -> dict:
    """The articles stamped since the counts were settled that were not counted at their stamp."""
    recent = Article.objects.filter(annotations_changed_at__gte=state.counted_until)
    return {
        pk: stamp
        for pk, stamp in recent.values_list("pk", "annotations_changed_at")
        if state.seen.get(str(pk)) != stamp.isoformat()
    }


def _settled(state: TagCountState, now) -> set[str]:
    """The counted articles stamped more than MARGIN ago: no write stamped then can still commit."""
    return {pk for pk, stamp in state.seen.items() if datetime.fromisoformat(stamp) < now - MARGIN}


def _version(state: TagCountState) -> str:
    # The row's creation too: a database emptied and counted again starts again at version 1.
    return f"{state.pk}.{state.version}.{state.created_at.timestamp()}"


def _counted(article_ids) -> dict[tuple[int, int], tuple[int | None, int]]:
    """(article, tag) -> (outlet, public passages) as the annotations are now."""
    rows = (
        TaggedAnnotation.objects.filter(content_object__in=public_passages().filter(article__in=article_ids))
        .values_list("content_object__article", "tag", "content_object__article__outlet")
        .annotate(passages=Count("pk"))
        .order_by()
    )
    return {(article, tag): (outlet, passages) for article, tag, outlet, passages in rows}


def _stored(article_ids) -> dict[tuple[int, int], tuple[int | None, int]]:
    rows = TagArticleCount.objects.filter(article__in=article_ids).values_list(
        "article", "tag", "outlet_key", "passages"
    )
    return {(article, tag): (outlet, passages) for article, tag, outlet, passages in rows}


def _replace(article_ids, counted: dict, stored: dict) -> None:
    TagArticleCount.objects.filter(article__in=article_ids).delete()
    TagArticleCount.objects.bulk_create(
        TagArticleCount(article_id=article, tag_id=tag, outlet_key=outlet, passages=passages)
        for (article, tag), (outlet, passages) in counted.items()
    )
    pairs = {(tag, outlet) for (_, tag), (outlet, _) in [*counted.items(), *stored.items()]}
    for tag, outlet in sorted(pairs, key=lambda pair: (pair[0], pair[1] or 0)):
        recount_outlet(tag, outlet)


def _count_everything() -> str:
    """The first count: every article (once, after the migration; long on a large corpus)."""
    with transaction.atomic():
        now = timezone.now()
        if TagCountState.objects.select_for_update().exists():  # another request counted meanwhile
            return _version(TagCountState.objects.order_by("pk").first())
        counted = _counted(Article.objects.values("pk"))
        TagArticleCount.objects.bulk_create(
            (
                TagArticleCount(article_id=article, tag_id=tag, outlet_key=outlet, passages=passages)
                for (article, tag), (outlet, passages) in counted.items()
            ),
            batch_size=5000,
        )
        sums: Counter = Counter()
        for (_, tag), (outlet, passages) in counted.items():
            sums[tag, outlet] += passages
        TagOutletCount.objects.bulk_create(
            (TagOutletCount(tag_id=tag, outlet_id=outlet, passages=n) for (tag, outlet), n in sums.items()),
            batch_size=5000,
        )
        # Everything is counted as it is now; what is stamped from MARGIN before is looked at again.
        state = TagCountState.objects.create(counted_until=now - MARGIN)
    return _version(state)
