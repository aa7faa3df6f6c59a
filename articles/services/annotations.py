"""Writing annotations: create, edit, retag, delete and restore, one passage or a shared one."""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Annotation, Article, Story, StoryComparison, Tag
from articles.models.annotations import Reply, Visibility, set_tags
from articles.permissions import can_share_with
from articles.sanitize import render_note
from articles.text.anchoring import Anchor, quote_at, trim_selection
from newsroom.accounts.models import Group


class AnnotationError(Exception):
    """A passage that cannot be annotated; the message is for the user."""


def check_passage(article: Article, start: int, end: int, exact: str) -> tuple[int, int]:
    """The passage's offsets with edge whitespace trimmed; raises if it is not the article's text."""
    if not 0 <= start < end <= len(article.body):
        raise AnnotationError("The selection is outside the article's text.")
    if article.body[start:end] != exact:
        raise AnnotationError(
            "The article's text has changed since this page was loaded, so the passage you selected "
            "is not where it was. Copy your note if you wrote one, reload the page and select the "
            "passage again."
        )
    start, end = trim_selection(article.body, start, end)
    if start == end:
        raise AnnotationError("Select some text, not only spaces.")
    return start, end


def check_audience(author, visibility: str, group: Group | None) -> None:
    if visibility == Visibility.GROUP and not is_member(author, group):
        raise AnnotationError("You can share an annotation only with a group you are a member of.")


def is_member(author, group: Group | None) -> bool:
    """can_share_with(), answered from the memberships this request already read (the form's
    choices of groups: accounts.models.memberships_of) when it read them."""
    loaded = getattr(author, "_memberships", None)
    if loaded is None or group is None:
        return can_share_with(author, group)
    return any(membership.group_id == group.pk for membership in loaded)


@transaction.atomic
def create_annotation(
    *,
    article: Article,
    author,
    tags: list[str],
    note: str,
    visibility: str = Visibility.PUBLIC,
    group: Group | None = None,
    start: int = 0,
    end: int = 0,
    exact: str = "",
    locate: Callable[[str], Anchor | None] | None = None,
) -> Annotation:
    """Annotate a passage of an article with tags and a note, for everyone, a group or its author.

    The passage is given by its offsets and text, or found by `locate` in the article's text.
    Raises Article.DoesNotExist for an article that is not there (any more). The annotation comes
    back with .tag_names, its tags' names as stored (an existing tag keeps its own case).
    """
    check_audience(author, visibility, group)
    # Check against the body as it is now, locked, so a concurrent edit cannot slip in between.
    article = Article.objects.select_for_update().get(pk=article.pk)
    if locate is not None:
        if (anchor := locate(article.body)) is None:
            raise AnnotationError("This passage is not in the article's text (any more).")
        start, end, exact = anchor.start, anchor.end, article.body[anchor.start : anchor.end]
    start, end = check_passage(article, start, end, exact)
    quote = quote_at(article.body, start, end)
    annotation = Annotation(
        article=article,
        author=author,
        start=start,
        end=end,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        note=note,
        note_html=render_note(note),
        visibility=visibility,
        group=group,
    )
    # The user's fields are validated; the foreign keys are objects this request loaded (the
    # article locked above), so they are not looked up again, and the constraints are checked
    # here rather than by a query each.
    annotation.full_clean(exclude=["article", "author", "group"], validate_constraints=False)
    check_constraints(annotation)
    annotation.save()
    stored = Tag.objects.named(tags)
    set_tags(annotation, stored, current=[])
    annotation.tag_names = [tag.name for tag in stored]  # as stored, for an answer without a query
    article.touch_annotations()
    return annotation


def check_constraints(annotation: Annotation) -> None:
    """Annotation's check constraints, evaluated in Python: the ValidationError full_clean() raises."""
    by_name = {constraint.name: constraint for constraint in Annotation._meta.constraints}
    broken = []
    if not annotation.end > annotation.start:
        broken.append(by_name["annotation_not_empty"])
    if (annotation.visibility == Visibility.GROUP) != (annotation.group_id is not None):
        broken.append(by_name["annotation_group_when_shared_with_one"])
    if broken:
        messages = [constraint.get_violation_error_message() for constraint in broken]
        raise ValidationError({NON_FIELD_ERRORS: messages})


class EditConflict(Exception):
    """The annotation or reply changed since the editor loaded it; `current` is what it is now."""

    def __init__(self, current):
        super().__init__(f"This {current._meta.verbose_name} was changed since you opened it.")
        self.current = current


def update_annotation(
    *,
    annotation: Annotation,
    tags: list[str],
    note: str,
    visibility: str = Visibility.PUBLIC,
    group: Group | None = None,
    version: int | None = None,
) -> Annotation:
    """The author changes an annotation's tags, note or audience; a real change shows as "edited".

    `version` is the one the author edited: if the annotation has changed since, nothing is
    written and EditConflict says so. It is checked in the UPDATE itself, so two concurrent
    edits cannot both pass.
    """
    if visibility == Visibility.GROUP:  # (the author is loaded only then)
        check_audience(annotation.author, visibility, group)
    edited = version or annotation.version
    with transaction.atomic():
        current, new_tags = Tag.objects.for_edit(annotation, tags)
        audience = (visibility, group.pk if group else None)
        unchanged = (note, *audience) == (annotation.note, annotation.visibility, annotation.group_id)
        if unchanged and set(new_tags) == set(current):
            return annotation
        now = timezone.now()
        fields = {"note": note, "note_html": render_note(note), "visibility": visibility, "group": group}
        written = Annotation.objects.filter(pk=annotation.pk, version=edited).update(
            **fields, edited_at=now, updated_at=now, version=F("version") + 1
        )
        if written:
            set_tags(annotation, new_tags, current)
            annotation.article.touch_annotations()
    if not written:
        raise EditConflict(Annotation.objects.get(pk=annotation.pk))
    # What the UPDATE wrote, without reading it back; the tags are read again when asked for.
    for name, value in (fields | {"edited_at": now, "updated_at": now, "version": edited + 1}).items():
        setattr(annotation, name, value)
    annotation._prefetched_objects_cache = {}
    return annotation


@transaction.atomic
def set_annotation_tags(*, annotation: Annotation, tags: list[str]) -> None:
    """An editor moderates an annotation's tags: not the author's edit, so not marked as one, but a
    new version, so that an edit made against the old tags is refused rather than undoing this."""
    set_tags(annotation, Tag.objects.named(tags))
    Annotation.objects.filter(pk=annotation.pk).update(version=F("version") + 1)
    annotation.article.touch_annotations()


@transaction.atomic
def delete_annotation(annotation: Annotation) -> None:
    """Hide an annotation; restore_annotation() undoes it."""
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])
    annotation.article.touch_annotations()


@transaction.atomic
def restore_annotation(annotation: Annotation) -> None:
    annotation.deleted_at = None
    annotation.save(update_fields=["deleted_at", "updated_at"])
    annotation.article.touch_annotations()


def touch_articles_of_author(user_id: int) -> None:
    """Mark stale every article the user annotated or replied on: they show the author's name."""
    # One statement, however many articles, each subquery walking its author index. Pages see the
    # new stamp at once; a poll's copy of it is kept ARTICLE_STATE_SECONDS at most.
    notes = Annotation.objects.filter(author_id=user_id).values("article_id")
    replies = Reply.objects.filter(author_id=user_id).values("annotation__article_id")
    stale = Article.objects.filter(Q(pk__in=notes) | Q(pk__in=replies))
    stale.update(annotations_changed_at=timezone.now())


class ClusterError(Exception):
    """A cluster that cannot be annotated (unknown, or the articles changed since)."""


@transaction.atomic
def annotate_cluster(*, story: Story, cluster_id: int, author, **what) -> list[Annotation]:
    """Annotate every occurrence of a shared passage with the same tags, note and audience
    (`what`: create_annotation's tags, note, visibility and group)."""
    comparison = StoryComparison.objects.filter(story=story).first()
    record = comparison.record if comparison else None
    passage = next((p for p in record.passages if p.id == cluster_id), None) if record else None
    if passage is None:
        raise ClusterError("This shared passage does not exist (any more).")
    articles = Article.objects.in_bulk([occurrence.article for occurrence in passage.occurrences])
    annotations = []
    for occurrence in passage.occurrences:
        article = articles.get(occurrence.article)
        if article is None or article.body[occurrence.start : occurrence.end] != occurrence.text:
            raise ClusterError("The articles changed since the comparison was made; reload the page.")
        passage_at = {"start": occurrence.start, "end": occurrence.end, "exact": occurrence.text}
        annotations.append(create_annotation(article=article, author=author, **passage_at, **what))
    return annotations
