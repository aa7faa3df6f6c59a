"""Replies: a thread's replies as an AnnotationPage, a reply to an annotation or to a reply in its
thread, and each reply (GET, PUT with If-Match, DELETE), with their moderation."""

from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from ninja import Router

from articles.models import Annotation
from articles.models.annotations import Reply
from articles.permissions import (
    access_reply_for_edit,
    access_reply_for_moderation,
    access_reply_target,
    as_id,
    moderated_group_ids,
    sees_in_full,
)
from articles.services import moderation
from articles.services.annotations import EditConflict
from articles.services.replies import ReplyError, create_reply, delete_reply, update_reply
from newsroom import limits
from newsroom.api.auth import WRITERS
from newsroom.api.errors import ApiError
from newsroom.api.export.threads import with_their_places
from newsroom.api.responses import base_of, edited_version, ld_response, require_object, stale, version_etag
from newsroom.api.routes.annotations import hide
from newsroom.api.schemas import ReplyIn
from newsroom.api.w3c import annotation_iri, context, reply_document

router = Router(tags=["replies"])


def thread_documents(request, annotation: Annotation) -> list[dict]:
    """The thread's replies in order; deleted ones only where answers need their place."""
    user, base = request.user, base_of(request)
    replies = with_their_places(
        list(Reply.objects.in_threads_of([annotation]).select_related("author__profile"))
    )
    moderated = moderated_group_ids(user)
    return [
        reply_document(base, reply, shown_in_full=sees_in_full(user, reply, annotation, moderated))
        for reply in replies
    ]


@router.get("/annotations/{pk}/replies", url_name="replies")
def replies_page(request, pk: int):
    """The replies to an annotation you may see, as one AnnotationPage."""
    annotation = get_object_or_404(Annotation.objects.visible_to(request.user), pk=pk)
    base = base_of(request)
    page = {
        "@context": context(base),
        "id": base + request.path,
        "type": "AnnotationPage",
        "partOf": annotation_iri(base, annotation.pk),
        "startIndex": 0,
        "items": thread_documents(request, annotation),
    }
    return ld_response(request, page)


def answered_reply(request, pk: int, target: str | None) -> str | None:
    """The id of the reply a target IRI names; None for the annotation `pk` itself (or no target).
    Anything else, another annotation or another site's IRI included, is refused."""
    if not target:
        return None
    try:
        parts = urlsplit(target)
        match = resolve(parts.path) if parts.netloc.lower() in {"", request.get_host().lower()} else None
    except (ValueError, Resolver404):  # ValueError: not a URL ("http://[::1")
        match = None
    if match is not None and match.view_name == "api:reply":
        return str(match.kwargs["pk"])
    if match is not None and match.view_name == "api:annotation" and as_id(match.kwargs["pk"]) == pk:
        return None
    raise ApiError(400, "The target is not this annotation or a reply of this API.", "target")


def note_of(request, payload: ReplyIn) -> str:
    """The reply's text; a database stores no NUL character (PostgreSQL refuses it)."""
    require_object(request)
    if "\x00" in payload.body.value:
        raise ApiError(400, "A reply cannot contain a NUL character.", "body")
    return payload.body.value


@router.post("/annotations/{pk}/replies", auth=WRITERS, url_name="reply_create", response={201: dict})
def reply_create(request, pk: int, payload: ReplyIn):
    """Answer the annotation, or (target: its IRI) a reply in its thread."""
    limits.check(request, "write")
    annotation, parent = access_reply_target(request.user, pk, answered_reply(request, pk, payload.target))
    try:
        reply = create_reply(
            annotation=annotation, parent=parent, author=request.user, note=note_of(request, payload)
        )
    except ReplyError as error:
        raise ApiError(400, str(error), "body") from None
    document = reply_document(base_of(request), reply)
    return ld_response(
        request, document, status=201, etag=version_etag(reply), headers={"Location": document["id"]}
    )


def readable(request, pk: int) -> Reply:
    return get_object_or_404(
        Reply.objects.visible_to(request.user).select_related("annotation", "author__profile"), pk=pk
    )


@router.get("/replies/{pk}", url_name="reply")
def reply_read(request, pk: int):
    reply = readable(request, pk)
    document = reply_document(
        base_of(request), reply, shown_in_full=sees_in_full(request.user, reply, reply.annotation)
    )
    return ld_response(request, document, etag=version_etag(reply))


@router.put("/replies/{pk}", auth=WRITERS, url_name="reply_replace")
def reply_replace(request, pk: int, payload: ReplyIn):
    """Rewrite your reply, with If-Match: the ETag you read."""
    limits.check(request, "write")
    reply = access_reply_for_edit(request.user, pk)
    version = edited_version(request, reply, required=True)
    try:
        reply = update_reply(reply=reply, note=note_of(request, payload), version=version)
    except ReplyError as error:
        raise ApiError(400, str(error), "body") from None
    except EditConflict as conflict:
        raise stale(conflict.current) from None
    return reply_read(request, reply.pk)


@router.delete("/replies/{pk}", auth=WRITERS, url_name="reply_delete", response={204: None})
def reply_remove(request, pk: int):
    limits.check(request, "write")
    reply = access_reply_for_edit(request.user, pk)
    edited_version(request, reply, required=False)
    delete_reply(reply=reply)
    return HttpResponse(status=204)


@router.post("/replies/{pk}/hide", auth=WRITERS, url_name="reply_hide")
def reply_hide(request, pk: int):
    limits.check(request, "write")
    hide(request, access_reply_for_moderation(request.user, pk))
    return reply_read(request, pk)


@router.post("/replies/{pk}/unhide", auth=WRITERS, url_name="reply_unhide")
def reply_unhide(request, pk: int):
    limits.check(request, "write")
    moderation.unhide(item=access_reply_for_moderation(request.user, pk))
    return reply_read(request, pk)
