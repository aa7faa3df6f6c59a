"""The corpus: outlets, stories and their articles, as imported and edited."""

from django.core.cache import cache
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles.text.canonical import canonicalize, content_hash, count_words, split_paragraphs
from articles.text.cleaning import is_damaged


class WebURLField(models.URLField):
    """A link shown to readers: http(s) only, never javascript:, data: or ftp: URLs."""

    default_validators = [URLValidator(schemes=["http", "https"])]  # instead of, not beside, the default


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    homepage_url = WebURLField(max_length=2000, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:outlet_detail", args=[self.slug])


class StoryQuerySet(models.QuerySet):
    def confirmed(self):
        """The stories readers see: not the proposals that editors have yet to confirm or dismissed."""
        return self.filter(status=Story.Status.CONFIRMED)


class Story(models.Model):
    """One news event, covered by several articles."""

    class Status(models.TextChoices):
        # Stories found by grouping articles start as proposals; editors confirm or dismiss them.
        # A dismissed proposal keeps its articles, so that grouping does not propose them again.
        PROPOSED = "proposed"
        CONFIRMED = "confirmed"
        DISMISSED = "dismissed"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.CONFIRMED, db_index=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        # Readers' story lists: confirmed stories, newest first, then by title.
        indexes = [models.Index(fields=["status", "date", "title"], name="story_status_date_title")]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:story_detail", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def for_listing(self):
        """What a list of articles shows, without the (long) body."""
        return self.select_related("outlet").defer("body")


class Article(models.Model):
    # Unknown facts stay empty: outlet, story, byline, date and URL are all optional.
    outlet = models.ForeignKey(Outlet, models.PROTECT, null=True, blank=True, related_name="articles")
    story = models.ForeignKey(Story, models.SET_NULL, null=True, blank=True, related_name="articles")
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=1000, blank=True)
    slug = models.SlugField(max_length=200)
    byline = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="A language tag such as en or pt-BR.")
    # The outlet's own labels for the article, as imported (not the readers' annotation tags).
    keywords = models.JSONField(default=list, blank=True)
    # The news agencies (AP, Reuters...) the article credits, found on import (text.wire): cleaning
    # takes their credits out of the body, and comparisons still tell wire copy from copying.
    wire_agencies = models.JSONField(default=list, blank=True)
    published_on = models.DateField(null=True, blank=True, db_index=True)
    source_url = WebURLField(max_length=2000, blank=True)
    # Canonical plain text (see canonical.py): annotations point at offsets into it.
    body = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # Identifies the article across imports: the file name, or a bulk record's name.
    # NULL (not "") for articles written in the admin, so that uniqueness still holds.
    source_file = models.CharField(max_length=255, unique=True, null=True, blank=True, editable=False)
    # Hash of the record as last imported: a re-import writes only when the file changed,
    # so that editors' fixes in the admin survive re-importing the same files.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # The body holds characters lost before import (U+FFFD...) that could not be repaired.
    text_damaged = models.BooleanField(default=False, editable=False, db_index=True)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every annotation write: part of the cache key of the rendered highlights.
    annotations_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published_on").asc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "slug"], name="unique_slug_per_outlet"),
        ]
        indexes = [
            # An outlet's latest articles (the home page's and the outlet page's).
            models.Index(fields=["outlet", "published_on"], name="article_outlet_published"),
            # Words of text per outlet (the tag index's columns), read from the index, not the rows.
            models.Index(fields=["outlet", "word_count"], name="article_outlet_words"),
            # A story's articles in their order (its page, an article's other coverage): walking the
            # date index instead read every article of those days, from all stories.
            models.Index(fields=["story", "published_on"], name="article_story_published"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(state_key(self.pk))

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.pk, self.slug])

    def clean(self):
        # Every way in (importer, admin) goes through full_clean(), so the body is
        # always canonical and its hash current.
        # content_hash is only ever the hash of a canonical body (set here, or by the importer,
        # whose text is canonical): while it still matches, the body needs no second pass.
        if self.content_hash != content_hash(self.body):
            self.body = canonicalize(self.body)
            self.content_hash = content_hash(self.body)
        self.word_count = count_words(self.body)
        self.text_damaged = is_damaged(self.body)

    @property
    def shown_story(self) -> "Story | None":
        """Its story as readers see it: none while the story is a proposal, or dismissed."""
        story = self.story
        return story if story is not None and story.status == Story.Status.CONFIRMED else None

    @property
    def short_label(self) -> str:
        """Outlet name, or the title's first words where the outlet is not known."""
        return self.outlet.name if self.outlet else Truncator(self.title).words(4)

    def paragraphs(self):
        return split_paragraphs(self.body)

    def touch_annotations(self):
        """Mark the rendered highlights as stale."""
        self.annotations_changed_at = timezone.now()
        Article.objects.filter(pk=self.pk).update(annotations_changed_at=self.annotations_changed_at)
        cache.delete(state_key(self.pk))


class DuplicateArticle(models.Model):
    """A record imported with exactly the text of an article already kept: not a second article."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="duplicates")
    source_file = models.CharField(max_length=255, unique=True)
    title = models.CharField(max_length=500)
    outlet_name = models.CharField(max_length=200, blank=True)
    source_url = WebURLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["source_file"]

    def __str__(self):
        return f"{self.source_file} (the same text as {self.article})"


class SimilarArticle(models.Model):
    """One of an article's most similar articles from other outlets in the days around it, as
    story grouping last found them: "other coverage" for an article that has no story."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="similar")
    other = models.ForeignKey(Article, models.CASCADE, related_name="+")
    similarity = models.FloatField()

    class Meta:
        ordering = ["article", "-similarity"]
        constraints = [models.UniqueConstraint(fields=["article", "other"], name="unique_similar_pair")]

    def __str__(self):
        return f"{self.other} ({self.similarity:.2f} like {self.article})"


def state_key(pk: int) -> str:
    """The cache key of an article's state (queries.reading.article_state): dropped on each write,
    so that this process sees its own writes at once."""
    return f"article-state:{pk}"
