"""What a story's articles share and where they differ, as last computed."""

from django.db import models
from django.utils import timezone

from articles.models.corpus import Story


class StoryComparison(models.Model):
    """What a story's articles share and where they differ: computed when its articles change.

    `data` is JSON in the shape services.compare_story() writes: articles, clusters of shared
    passages, quote groups and fact groups, all with offsets into the articles' bodies.
    """

    story = models.OneToOneField(Story, models.CASCADE, related_name="comparison")
    computed_at = models.DateTimeField(default=timezone.now)
    is_stale = models.BooleanField(default=False)  # its articles changed since; recompute
    data = models.JSONField(default=dict)

    def __str__(self):
        return f"Comparison of {self.story}"
