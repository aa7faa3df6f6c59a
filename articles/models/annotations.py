"""Annotations: passages of articles with tags and notes, by their authors."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from articles.models.corpus import Article
from articles.text.anchoring import CONTEXT_CHARS
from newsroom.accounts.models import Group, Membership, Role

TAG_MAX_CHARS = 50
# Invisible characters that would make two tags look the same; joiners stay (emoji, Persian).
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def normalize_tag(name: str) -> str:
    """NFC, spaces collapsed (tabs and line breaks included), invisible characters dropped."""
    return unicodedata.normalize("NFC", " ".join(_INVISIBLE.sub("", name).split()))


class TagQuerySet(models.QuerySet):
    def named(self, names: list[str], known=()) -> list["Tag"]:
        """The tags with these names, in this order, matched ignoring case; missing ones created.

        `known`: tags already loaded (an annotation's own, say); when they hold every name, no query.
        """
        by_key = {tag.key: tag for tag in known}
        if wanted := {Tag.key_for(name) for name in names} - by_key.keys():
            by_key |= {tag.key: tag for tag in self.filter(key__in=wanted)}
        return [
            by_key.get(Tag.key_for(name))
            or self.get_or_create(key=Tag.key_for(name), defaults={"name": name})[0]
            for name in names
        ]

    def for_edit(self, annotation, names: list[str]) -> tuple[list["Tag"], list["Tag"]]:
        """The annotation's tags now, and named(names), read in one query: an edit needs both."""
        keys, yes, no = {Tag.key_for(name) for name in names}, models.Value(True), models.Value(False)
        linked = self.filter(tagged_annotations__content_object=annotation).annotate(linked=yes)
        named = self.filter(key__in=keys).annotate(linked=no)
        current, by_key = {}, {}
        for tag in linked.order_by().union(named.order_by(), all=True):
            by_key[tag.key] = tag
            if tag.linked:
                current[tag.pk] = tag
        return list(current.values()), self.named(names, known=by_key.values())

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


def set_tags(annotation: "Annotation", tags: list[Tag], current: list[Tag] | None = None) -> None:
    """Make these the annotation's tags: one DELETE of the links it loses and one INSERT of those
    it gains, instead of taggit's query per tag. `current`: its tags now, if loaded (none for a new
    annotation: []); otherwise they are read."""
    if current is None:
        current = list(Tag.objects.filter(tagged_annotations__content_object=annotation))
    kept, wanted = {tag.pk for tag in current}, {tag.pk for tag in tags}
    if gone := kept - wanted:
        TaggedAnnotation.objects.filter(content_object=annotation, tag_id__in=gone).delete()
    # In the tags' order, so that the tag counts' rows these links raise are locked in one order by
    # every write (two writes locking them in opposite orders would deadlock on PostgreSQL).
    if added := sorted(wanted - kept):
        TaggedAnnotation.objects.bulk_create(
            # A link a concurrent write already made is not an error: the annotation has the tag.
            [TaggedAnnotation(content_object=annotation, tag_id=pk) for pk in added],
            ignore_conflicts=True,
        )


def moderates_public(user) -> bool:
    """Staff who may change annotations moderate public ones: they hide them and still see them."""
    return user.is_staff and user.has_perm("articles.change_annotation")


class Visibility(models.TextChoices):
    PRIVATE = "private", "only me"
    GROUP = "group", "my group"
    PUBLIC = "public", "everyone"


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides who sees which annotations (permissions.can_read agrees):
        live ones that are public, the reader's own, and those shared with a group of theirs."""
        live = self.filter(deleted_at=None)
        if not user.is_authenticated:
            return live.filter(visibility=Visibility.PUBLIC)
        their_groups = Membership.objects.filter(user=user).values("group")
        return live.filter(
            models.Q(visibility=Visibility.PUBLIC)
            | models.Q(author=user)
            | models.Q(visibility=Visibility.GROUP, group__in=their_groups)
        )

    def own(self, user):
        """The author's live annotations: the part of what they see that they may change
        (permissions.can_change_annotation's rule, in SQL)."""
        return self.filter(author_id=user.pk, deleted_at=None)

    def shown_in_full_to(self, user):
        """Without what a moderator hid from this reader: hidden items stay visible in full to their
        author and to those who moderate them (permissions.can_hide's rule, in SQL)."""
        if not user.is_authenticated:
            return self.filter(hidden_at=None)
        moderated = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.MODERATOR]).values(
            "group"
        )
        shown = models.Q(hidden_at=None) | models.Q(author=user) | models.Q(group__in=moderated)
        if moderates_public(user):
            shown |= models.Q(visibility=Visibility.PUBLIC)
        return self.filter(shown)

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
    visibility = models.CharField(max_length=7, choices=Visibility.choices, default=Visibility.PUBLIC)
    # The group it is shared with (visibility "group"): deleting a group must not delete notes.
    group = models.ForeignKey(Group, models.PROTECT, null=True, blank=True, related_name="annotations")
    # Raised by every change of its author's: an edit made against an older version is refused (409).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set by a moderator (moderation.hide()): others then see only that it was hidden.
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    tags = TaggableManager(through=TaggedAnnotation, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["start", "end", "pk"]
        indexes = [models.Index(fields=["article", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="annotation_not_empty"
            ),
            # A group exactly when shared with one.
            models.CheckConstraint(
                condition=models.Q(visibility=Visibility.GROUP, group__isnull=False)
                | (~models.Q(visibility=Visibility.GROUP) & models.Q(group__isnull=True)),
                name="annotation_group_when_shared_with_one",
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


class ReplyQuerySet(models.QuerySet):
    def in_threads_of(self, annotations):
        """The replies in these annotations' threads, deleted ones included: they hold a thread's shape."""
        return self.filter(annotation__in=annotations)

    def visible_to(self, user):
        """Live replies the user may read: exactly those whose root Annotation.objects.visible_to(user)
        lets them read. A reply has no audience of its own."""
        return self.in_threads_of(Annotation.objects.visible_to(user)).filter(deleted_at=None)


class Reply(models.Model):
    """An answer in the thread under an annotation: to the annotation itself or to another reply."""

    annotation = models.ForeignKey(Annotation, models.CASCADE, related_name="replies")  # the thread's root
    # The reply it answers; none when it answers the annotation. Always in the same thread.
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="replies")
    note = models.TextField()  # Markdown, as written
    note_html = models.TextField(editable=False)  # produced by sanitize.render_note()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)  # when its author changed it
    version = models.PositiveIntegerField(default=1, editable=False)  # as Annotation.version
    # A deleted reply that has answers stays in its thread as "deleted", so that they still read.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["created_at", "id"], name="reply_created")]  # the admin's list
        verbose_name_plural = "replies"

    def __str__(self):
        return Truncator(self.note).chars(60)

    def get_absolute_url(self):
        return f"{self.annotation.article.get_absolute_url()}#reply-{self.pk}"

    def clean(self):
        if self.parent is not None and self.parent.annotation_id != self.annotation_id:
            raise ValidationError({"parent": "A reply answers only a reply in its own thread."})


FLAG_REASON_MAX_CHARS = 1000


class FlagQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at=None)


class Flag(models.Model):
    """A reader's report that a public annotation needs a moderator: staff resolve it in the admin."""

    annotation = models.ForeignKey(Annotation, models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="flags")
    # A TextField's max_length only sizes its form field; the validator holds it in full_clean().
    reason = models.TextField(
        max_length=FLAG_REASON_MAX_CHARS, validators=[MaxLengthValidator(FLAG_REASON_MAX_CHARS)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at", "id"], name="flag_created")]  # the admin's list
        constraints = [
            # One open report per reader and annotation: flagging again adds nothing for staff.
            models.UniqueConstraint(
                fields=["annotation", "user"],
                condition=models.Q(resolved_at=None),
                name="one_open_flag_per_reader",
            )
        ]

    def __str__(self):
        return f"{self.user} on “{self.annotation}”"
