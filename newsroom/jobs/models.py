import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models


def job_files() -> Storage:
    """Where imports' uploads and exports' files are kept (STORAGES["jobs"]): never served as
    static or media files, only by the views that check who asked."""
    return storages["jobs"]


class Job(models.Model):
    """A piece of background work and what became of it across its attempts: what a page shows
    while it is computed, and what staff read when it failed."""

    class Kind(models.TextChoices):
        COMPARE_STORY = "compare_story", "story comparison"
        ARTICLE_TEXT = "article_text", "article text and its annotations"
        IMPORT_ARTICLES = "import_articles", "article import"
        EXPORT_ANNOTATIONS = "export_annotations", "annotation export"
        REBUILD_SEARCH_INDEX = "rebuild_search_index", "search index rebuild"
        GROUP_STORIES = "group_stories", "story grouping"

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    PENDING = [Status.QUEUED, Status.RUNNING]

    # Random, so that a job's URLs cannot be guessed (they still check who asks).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What the job is about ("story:42"), for the page that waits for it.
    subject = models.CharField(max_length=100, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    # Who asked: only they (and staff) follow it. None for public work, such as a comparison.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The upload an import reads, or the file an export wrote: its name in job_files().
    file = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="The last attempt's traceback.")
    # The django-tasks result of its latest attempt (django_tasks_db's DBTaskResult).
    task_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}".strip()

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def is_followed_by(self, user) -> bool:
        """Whether the user may follow this job: anyone a public job, else who asked and staff."""
        return self.owner_id is None or user.is_staff or self.owner_id == user.pk


class Worker(models.Model):
    """A running `manage.py run_worker`, as last seen: a task left running by a worker that has not
    been seen for a while (killed, or its host gone) is queued again."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    seen_at = models.DateTimeField()

    def __str__(self):
        return self.worker_id
