"""Writing replies: answer an annotation or a reply in its thread, edit and delete one's own."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Annotation
from articles.models.annotations import Reply
from articles.sanitize import NOTE_MAX_CHARS, render_note
from articles.services.annotations import EditConflict


class ReplyError(Exception):
    """A reply that cannot be saved; the message is for the user."""


def check_reply_text(note: str) -> None:
    if not note.strip():
        raise ReplyError("A reply cannot be empty: write something.")
    if len(note) > NOTE_MAX_CHARS:
        raise ReplyError(f"A reply can have at most {NOTE_MAX_CHARS} characters; this one has {len(note)}.")


@transaction.atomic
def create_reply(*, annotation: Annotation, author, note: str, parent: Reply | None = None) -> Reply:
    """Answer an annotation (parent None) or a live reply in its thread; the reply is read by whoever
    reads the annotation."""
    check_reply_text(note)
    if not Annotation.objects.filter(pk=annotation.pk, deleted_at=None).exists():
        raise ReplyError("This annotation was deleted: there is nothing to answer any more.")
    if parent is not None and not (
        parent.annotation_id == annotation.pk and Reply.objects.filter(pk=parent.pk, deleted_at=None).exists()
    ):
        raise ReplyError("You can answer only a reply in this annotation's thread that is still there.")
    reply = Reply(annotation=annotation, parent=parent, author=author, note=note, note_html=render_note(note))
    # The foreign keys are objects the request loaded and checked above: not looked up again.
    reply.full_clean(exclude=["annotation", "parent", "author"])
    reply.save()
    annotation.article.touch_annotations()
    return reply


def update_reply(*, reply: Reply, note: str, version: int | None = None) -> Reply:
    """The author rewrites a reply; a real change shows as "edited". Made against an older
    `version` than the reply's (in another tab, say), nothing is written: EditConflict."""
    check_reply_text(note)
    if note == reply.note:
        return reply
    now, edited = timezone.now(), version or reply.version
    fields = {"note": note, "note_html": render_note(note), "edited_at": now, "updated_at": now}
    with transaction.atomic():
        written = Reply.objects.filter(pk=reply.pk, version=edited).update(version=F("version") + 1, **fields)
        if written:
            reply.annotation.article.touch_annotations()
    if not written:
        raise EditConflict(Reply.objects.get(pk=reply.pk))
    for name, value in (fields | {"version": edited + 1}).items():  # what the UPDATE wrote, not read back
        setattr(reply, name, value)
    return reply


@transaction.atomic
def delete_reply(*, reply: Reply) -> None:
    """The author deletes a reply: it is no longer shown, but as "deleted" while it has answers."""
    reply.deleted_at = timezone.now()
    reply.save(update_fields=["deleted_at", "updated_at"])
    reply.annotation.article.touch_annotations()
