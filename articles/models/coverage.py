"""What a story's articles share and where they differ, as last computed."""

from functools import cached_property

from django.db import models
from django.utils import timezone

from articles.models.corpus import Story
from articles.text.comparison import VERSION, Comparison, OutdatedComparison


class StoryComparisonQuerySet(models.QuerySet):
    def current(self):
        """Comparisons in the record shape this code reads (text.comparison.VERSION)."""
        return self.filter(data__version=VERSION)


class StoryComparison(models.Model):
    """What a story's articles share and where they differ: computed when its articles change.

    `data` is a text.comparison.Comparison record as JSON, read back through `record`.
    """

    story = models.OneToOneField(Story, models.CASCADE, related_name="comparison")
    computed_at = models.DateTimeField(default=timezone.now)
    is_stale = models.BooleanField(default=False)  # its articles changed since; recompute
    data = models.JSONField(default=dict)

    objects = StoryComparisonQuerySet.as_manager()

    def __str__(self):
        return f"Comparison of {self.story}"

    @cached_property
    def record(self) -> Comparison | None:
        """The comparison, or None if another version of the code stored it (recompute it)."""
        try:
            return Comparison.from_json(self.data)
        except OutdatedComparison:
            return None
