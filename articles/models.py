import unicodedata

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from articles.text.anchoring import CONTEXT_CHARS
from articles.text.canonical import canonicalize, content_hash, count_words, split_paragraphs


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


class Story(models.Model):
    """One news event, covered by several articles."""

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
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
    slug = models.SlugField(max_length=200)
    byline = models.CharField(max_length=300, blank=True)
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

    def __str__(self):
        return self.title

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


class TagQuerySet(models.QuerySet):
    def named(self, names: list[str]) -> list["Tag"]:
        """The tags with these names, in this order, matched ignoring case; missing ones created."""
        by_key = {tag.key: tag for tag in self.filter(key__in=map(Tag.key_for, names))}
        return [
            by_key.get(Tag.key_for(name))
            or self.get_or_create(key=Tag.key_for(name), defaults={"name": name})[0]
            for name in names
        ]

    def in_use(self, annotations):
        """The tags that these annotations carry."""
        tagged = TaggedAnnotation.objects.filter(content_object__in=annotations)
        return self.filter(pk__in=tagged.values("tag"))


class Tag(TagBase):
    """A tag in any script. "Élan" and "élan" are one tag on every database: they share a key.

    Its slug (its URL) is never empty: a name without letters or digits, such as an emoji, is
    slugged by the characters' Unicode names ("🙂" -> "slightly-smiling-face").
    """

    # The name case-folded in Python: SQL's case-insensitive matching differs between databases
    # (SQLite folds only ASCII letters).
    key = models.CharField(max_length=300, unique=True, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    @staticmethod
    def key_for(name: str) -> str:
        return unicodedata.normalize("NFC", name.casefold())

    def save(self, *args, **kwargs):
        self.key = self.key_for(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag: str, i: int | None = None) -> str:
        """Called by TagBase.save() for a new tag, with i = 1, 2, ... after a clash."""
        slug = slugify(tag, allow_unicode=True) or slugify(
            " ".join(unicodedata.name(character, "") for character in tag)
        )
        slug = (slug or "tag")[:90].strip("-")
        return f"{slug}-{i + 1}" if i else slug

    def get_absolute_url(self):
        return reverse("articles:tag_detail", args=[self.slug])


class TaggedAnnotation(ItemBase):
    """Tag through model with real foreign keys (taggit's default is a generic relation)."""

    content_object = models.ForeignKey("Annotation", models.CASCADE, related_name="tagged_items")
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="tagged_annotations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_annotation")
        ]


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides who sees which annotations: for now every live one.

        Private, group and public visibility will be added here, and only here.
        """
        return self.filter(deleted_at=None)

    def for_article(self, article):
        return self.filter(article=article)

    def anchored(self):
        return self.filter(is_orphan=False)


class Annotation(models.Model):
    """A passage of an article, its tags and its note, by one author.

    The passage is stored twice, as W3C selectors: offsets into the article's canonical body
    (TextPositionSelector) and the quote with its context (TextQuoteSelector), so that it can
    be found again after the body is edited.
    """

    article = models.ForeignKey(Article, models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="annotations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)  # Markdown, as written
    note_html = models.TextField(blank=True, editable=False)  # produced by sanitize.render_note()
    is_orphan = models.BooleanField(default=False)  # its text could not be found after an edit
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)  # when its author changed it
    deleted_at = models.DateTimeField(null=True, blank=True)  # kept for a while so delete can be undone

    tags = TaggableManager(through=TaggedAnnotation, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["start", "end", "pk"]
        indexes = [models.Index(fields=["article", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="annotation_not_empty"
            ),
        ]

    def __str__(self):
        return Truncator(self.exact).chars(60)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#annotation-{self.pk}"

    @property
    def short_exact(self) -> str:
        return self.exact if len(self.exact) <= 200 else f"{self.exact[:199]}…"

    @property
    def context_before(self) -> str:
        """The prefix without a word cut in half at its start, to show the quote in context."""
        cut = len(self.prefix) == CONTEXT_CHARS and " " in self.prefix
        return self.prefix.split(" ", 1)[1] if cut else self.prefix

    @property
    def context_after(self) -> str:
        cut = len(self.suffix) == CONTEXT_CHARS and " " in self.suffix
        return self.suffix.rsplit(" ", 1)[0] if cut else self.suffix


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
