"""Tag counts kept for the tag index: how many passages every reader may see carry each tag.

Only the public layer is counted here (live, anchored, public, not hidden: what an anonymous reader
sees); a signed-in reader's own and group annotations are counted on top when asked, from their
much smaller sets. services.tag_counts.refresh() brings the counts up to date from the articles
whose Article.annotations_changed_at moved, which every annotation write raises.
"""

from django.db import models
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from articles.models.annotations import Annotation, Tag
from articles.models.corpus import Article, Outlet


class TagArticleCount(models.Model):
    """The public passages of one article with one tag (kept only where there are some)."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="+")
    # The article's outlet when counted, so that its share can be taken back from that outlet.
    outlet_key = models.BigIntegerField(null=True)
    passages = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="one_count_per_article_tag")]
        indexes = [models.Index(fields=["tag", "outlet_key", "passages"], name="tag_article_count_by_tag")]

    def __str__(self):
        return f"{self.passages} × tag {self.tag_id} in article {self.article_id}"


class TagOutletCount(models.Model):
    """The public passages of one outlet with one tag: the sum of its articles' TagArticleCounts."""

    tag = models.ForeignKey(Tag, models.CASCADE, related_name="+")
    outlet = models.ForeignKey(Outlet, models.CASCADE, null=True, related_name="+")
    passages = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["tag", "outlet"], name="tag_outlet_count_by_tag")]

    def __str__(self):
        return f"{self.passages} × tag {self.tag_id} in outlet {self.outlet_id}"


class TagCountState(models.Model):
    """One row: every article stamped (Article.annotations_changed_at) before counted_until is counted,
    and so are those in `seen` at the stamp it gives; a version that every change of the counts raises
    (part of the cache keys of what is built from them)."""

    counted_until = models.DateTimeField()
    seen = models.JSONField(default=dict)  # article id (as text) -> its stamp when counted (ISO)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"tag counts version {self.version}, until {self.counted_until}"


@receiver(post_delete, sender=Annotation)
def _annotation_deleted(sender, instance, **kwargs):
    """An annotation deleted for good (with its author's account, say) changes its article's counts."""
    Article.objects.filter(pk=instance.article_id).update(annotations_changed_at=timezone.now())


@receiver(pre_delete, sender=Article)
def _article_deleted(sender, instance, **kwargs):
    """The article's counts go with it: its outlets' sums are then recounted without them."""
    pairs = set(TagArticleCount.objects.filter(article=instance).values_list("tag", "outlet_key"))
    TagArticleCount.objects.filter(article=instance).delete()
    for tag_id, outlet_id in pairs:
        recount_outlet(tag_id, outlet_id)
    if pairs:  # what was built from the counts is stale
        TagCountState.objects.update(version=models.F("version") + 1)


def recount_outlet(tag_id: int, outlet_id: int | None) -> None:
    """Set one tag's count for one outlet to the sum of its articles' counts (none when zero)."""
    total = (
        TagArticleCount.objects.filter(tag_id=tag_id, outlet_key=outlet_id).aggregate(
            total=models.Sum("passages")
        )["total"]
        or 0
    )
    rows = TagOutletCount.objects.filter(tag_id=tag_id, outlet_id=outlet_id)
    if not total:
        rows.delete()
    elif not rows.update(passages=total):
        TagOutletCount.objects.create(tag_id=tag_id, outlet_id=outlet_id, passages=total)
