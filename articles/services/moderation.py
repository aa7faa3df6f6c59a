"""Moderation: hiding and unhiding annotations and replies, and flags for staff."""

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Annotation, Article
from articles.models.annotations import FLAG_REASON_MAX_CHARS, Flag, Reply, Visibility


class ModerationError(Exception):
    """Something that cannot be moderated or flagged; the message is for the user."""


class AlreadyFlagged(ModerationError):
    """The user has flagged this annotation before."""


def article_of(item: Annotation | Reply) -> Article:
    return item.article if isinstance(item, Annotation) else item.annotation.article


def root_of(item: Annotation | Reply) -> Annotation:
    return item if isinstance(item, Annotation) else item.annotation


@transaction.atomic
def hide(*, item: Annotation | Reply, moderator) -> bool:
    """Hide an annotation or a reply: others see that a moderator hid it, not what it says.
    False if it was hidden already."""
    if root_of(item).visibility == Visibility.PRIVATE:
        raise ModerationError("Private annotations and their replies are never moderated.")
    if item.hidden_at is not None:
        return False
    item.hidden_at, item.hidden_by = timezone.now(), moderator
    item.save(update_fields=["hidden_at", "hidden_by", "updated_at"])
    article_of(item).touch_annotations()
    return True


@transaction.atomic
def unhide(*, item: Annotation | Reply) -> bool:
    """Show a hidden annotation or reply again to all who read its thread. False if it was not hidden."""
    if item.hidden_at is None:
        return False
    item.hidden_at, item.hidden_by = None, None
    item.save(update_fields=["hidden_at", "hidden_by", "updated_at"])
    article_of(item).touch_annotations()
    return True


def check_reason(reason: str) -> None:
    if not reason.strip():
        raise ModerationError("Say what is wrong with this annotation: staff need a reason.")
    if len(reason) > FLAG_REASON_MAX_CHARS:
        raise ModerationError(
            f"A reason can have at most {FLAG_REASON_MAX_CHARS} characters; this one has {len(reason)}."
        )


@transaction.atomic
def flag_annotation(*, annotation: Annotation, user, reason: str) -> Flag:
    """Report a public annotation to staff, with a reason. Nothing that pages show changes, so the
    cached fragments stay."""
    check_reason(reason)
    if annotation.visibility != Visibility.PUBLIC or annotation.deleted_at is not None:
        raise ModerationError("Only public annotations are flagged; groups moderate their own.")
    flag = Flag(annotation=annotation, user=user, reason=reason)
    flag.full_clean(exclude=["annotation", "user"])  # the pair's uniqueness is the database's to hold
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise AlreadyFlagged("You have flagged this annotation already; staff will look at it.") from None
    return flag


class Resolution(NamedTuple):
    flags: int  # closed
    hidden: int  # annotations hidden


@transaction.atomic
def resolve_flags(*, flags, resolver, hide_annotations: bool = False) -> Resolution:
    """Staff close flags (a queryset). With hide_annotations, the flagged annotations that are still
    public are hidden first, and every open flag on them is closed too."""
    hidden = 0
    if hide_annotations:
        annotations = list(
            Annotation.objects.filter(
                pk__in=flags.values("annotation"), visibility=Visibility.PUBLIC
            ).select_related("article")
        )
        hidden = sum(hide(item=annotation, moderator=resolver) for annotation in annotations)
        flags = Flag.objects.filter(Q(pk__in=flags.values("pk")) | Q(annotation__in=annotations))
    closed = flags.unresolved().update(resolved_at=timezone.now(), resolved_by=resolver)
    return Resolution(closed, hidden)
