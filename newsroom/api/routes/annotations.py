"""Annotations: each article's container (read in pages, POST to create) and each annotation (GET,
PUT with If-Match, DELETE), and their moderation: the Web Annotation Protocol's basics."""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from articles.forms import AnnotationEditForm, AnnotationUpdateForm, audience_of
from articles.models import Annotation, Article, Story
from articles.models.annotations import moderates_public
from articles.permissions import (
    access_annotation_for_edit,
    access_annotation_for_moderation,
    access_annotation_to_flag,
    access_deleted_annotation,
    moderated_group_ids,
    sees_in_full,
)
from articles.queries.reading import article_state, attach_tag_links, recent_roles_of
from articles.services import moderation
from articles.services.annotations import (
    AnnotationError,
    ClusterError,
    EditConflict,
    annotate_cluster,
    create_annotation,
    delete_annotation,
    restore_annotation,
    update_annotation,
)
from newsroom import limits
from newsroom.accounts.models import memberships_of
from newsroom.api.auth import WRITERS
from newsroom.api.errors import ApiError, form_error
from newsroom.api.responses import (
    base_of,
    edited_version,
    encoded,
    encoded_response,
    ld_response,
    require_object,
    stale,
    version_etag,
)
from newsroom.api.schemas import AnnotationIn, FlagIn
from newsroom.api.w3c import annotation_document, annotation_iri, context, group_slug_of, own_context, place

router = Router(tags=["annotations"])

PAGE_SIZE = 100
CONTAINER_SECONDS = 60
# Form fields, and where they are in a W3C annotation: the field named in a 400.
FIELDS = {
    "tags": "body",
    "note": "body",
    "audience": "group",
    "start": "target",
    "end": "target",
    "exact": "target",
}


class PageQuery(Schema):
    page: int | None = None  # none: the collection, which links its pages


@router.get("/context.jsonld", url_name="context", auth=None)
def context_document(request):
    """Our terms beside the W3C's: visibility, group, hidden, deleted."""
    return ld_response(request, own_context(base_of(request)))


def with_details(annotations):
    """What their documents show, loaded with them (but their tags)."""
    return annotations.select_related("article", "author__profile", "group")


def documents(request, annotations) -> list[dict]:
    user, base = request.user, base_of(request)
    annotations = list(with_details(annotations))
    attach_tag_links(annotations)
    moderated = moderated_group_ids(user)
    return [
        annotation_document(
            base,
            annotation,
            tags=[link.name for link in annotation.tag_links],
            shown_in_full=sees_in_full(user, annotation, annotation, moderated),
        )
        for annotation in annotations
    ]


@router.get("/articles/{pk}/annotations", url_name="container")
def container(request, pk: int, query: Query[PageQuery]):
    """The annotations on an article that you may see, as an AnnotationCollection; ?page=0, 1, ...
    gives its AnnotationPages of 100 in text order."""
    # Cached per reader as a poll's answer is: keyed on the article's state and the reader's groups
    # and roles, each cached for 2 s (and the state dropped on this process's writes), so that a
    # page already made costs no query but the token's; names of people may lag by a minute.
    if (state := article_state(pk)) is None:
        raise Http404("No such article.")
    user = request.user
    parts = (
        pk,
        state,
        user.pk,
        recent_roles_of(user.pk or 0),
        moderates_public(user),  # sees hidden ones
        base_of(request),
        query.page,
    )
    key = "api-container:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    if (body_and_etag := cache.get(key)) is None:
        article = get_object_or_404(Article, pk=pk)
        body_and_etag = encoded(container_document(request, article, query.page))
        cache.set(key, body_and_etag, CONTAINER_SECONDS)
    return encoded_response(request, *body_and_etag)


def container_document(request, article: Article, page: int | None) -> dict:
    """The collection (page None) or one of its pages."""
    base = base_of(request)
    iri = base + reverse("api:container", args=[article.pk])
    annotations = Annotation.objects.visible_to(request.user).for_article(article)
    total = annotations.count()
    last = max(0, (total - 1) // PAGE_SIZE)
    if page is None:
        return {
            "@context": context(base),
            "id": iri,
            "type": ["BasicContainer", "AnnotationCollection"],
            "label": f"Annotations on “{article.title}”",
            "total": total,
            "first": f"{iri}?page=0",
            "last": f"{iri}?page={last}",
        }
    if not 0 <= page <= last:
        raise ApiError(404, f"There is no page {page}: pages go from 0 to {last}.", "page")
    start = page * PAGE_SIZE
    document = {
        "@context": context(base),
        "id": f"{iri}?page={page}",
        "type": "AnnotationPage",
        "partOf": {"id": iri, "total": total},
        "startIndex": start,
        "items": documents(request, annotations[start : start + PAGE_SIZE]),
    }
    if page < last:
        document["next"] = f"{iri}?page={page + 1}"
    if page > 0:
        document["prev"] = f"{iri}?page={page - 1}"
    return document


def audience_choice(user, payload: AnnotationIn) -> str:
    """The popover's audience choice that the payload's visibility and group stand for; "" (what
    it was, public for a new one) when it leaves the visibility out."""
    if "visibility" not in payload.model_fields_set and not payload.group:
        return ""
    if payload.visibility != "group":
        if payload.group:
            raise ApiError(400, "Name a group only with visibility “group”.", "group")
        return payload.visibility
    slug = group_slug_of(payload.group or "")
    membership = next((m for m in memberships_of(user) if m.group.slug == slug), None)
    if membership is None:
        raise ApiError(400, "You can share an annotation only with a group you are a member of.", "group")
    return f"group-{membership.group_id}"


def edit_data(user, payload: AnnotationIn) -> dict:
    """The note, tags and audience of a payload, as the annotation forms read them."""
    notes = [body.value for body in payload.body if body.purpose != "tagging"]
    tags = [body.value for body in payload.body if body.purpose == "tagging"]
    if len(notes) > 1:
        raise ApiError(400, "An annotation has one note: send one body without purpose “tagging”.", "body")
    if any("," in tag for tag in tags):
        raise ApiError(400, "A tag cannot contain a comma.", "body")
    return {
        "note": notes[0] if notes else "",
        "tags": ", ".join(tags),
        "audience": audience_choice(user, payload),
    }


def valid(form):
    """The form's cleaned data, or a 400 naming the first field at fault."""
    if not form.is_valid():
        raise form_error(form, FIELDS)
    return form.cleaned_data


@router.post("/articles/{pk}/annotations", auth=WRITERS, url_name="annotation_create", response={201: dict})
def annotation_create(request, pk: int, payload: AnnotationIn):
    """Annotate a passage of the article, placed by its TextPositionSelector and TextQuoteSelector."""
    limits.check(request, "write")
    require_object(request)
    if payload.target is None or not payload.target.selector:
        raise ApiError(
            400,
            "Say which passage: a target with a TextQuoteSelector and/or a TextPositionSelector.",
            "target",
        )
    data = valid(AnnotationEditForm(edit_data(request.user, payload), author=request.user))
    selectors = payload.target.selector
    try:  # placed in the article's text as it is when written, locked
        annotation = create_annotation(
            article=Article(pk=pk), author=request.user, locate=lambda body: place(body, selectors), **data
        )
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    except AnnotationError as error:
        raise ApiError(400, str(error), "target") from None
    document = annotation_document(base_of(request), annotation, tags=annotation.tag_names)
    headers = {"Location": document["id"], "Content-Location": document["id"]}
    return ld_response(request, document, status=201, etag=version_etag(annotation), headers=headers)


@router.post(
    "/stories/{slug}/passages/{cluster_id}/annotations",
    auth=WRITERS,
    url_name="cluster_annotate",
    response={201: dict},
)
def cluster_annotate(request, slug: str, cluster_id: int, payload: AnnotationIn):
    """Annotate every occurrence of a passage the story's articles share (see its comparison's
    passages) with the same note, tags and audience; the passages are the comparison's, so a
    target is not needed. Answers an AnnotationPage of the new annotations."""
    limits.check(request, "write")
    require_object(request)
    story = get_object_or_404(Story.objects.confirmed(), slug=slug)
    data = valid(AnnotationEditForm(edit_data(request.user, payload), author=request.user))
    try:
        annotations = annotate_cluster(story=story, cluster_id=cluster_id, author=request.user, **data)
    except ClusterError as error:
        raise ApiError(400, str(error)) from None
    base = base_of(request)
    items = [annotation_document(base, annotation) for annotation in annotations]
    page = {"@context": context(base), "type": "AnnotationPage", "startIndex": 0, "items": items}
    return ld_response(request, page, status=201)


def readable(request, pk: int) -> Annotation:
    return get_object_or_404(with_details(Annotation.objects.visible_to(request.user)), pk=pk)


@router.get("/annotations/{pk}", url_name="annotation")
def annotation_read(request, pk: int):
    annotation = readable(request, pk)
    document = annotation_document(
        base_of(request), annotation, shown_in_full=sees_in_full(request.user, annotation, annotation)
    )
    return ld_response(request, document, etag=version_etag(annotation))


@router.put("/annotations/{pk}", auth=WRITERS, url_name="annotation_replace")
def annotation_replace(request, pk: int, payload: AnnotationIn):
    """Replace its note, tags and audience (its passage stays), with If-Match: the ETag you read."""
    limits.check(request, "write")
    require_object(request)
    annotation = access_annotation_for_edit(request.user, pk)
    version = edited_version(request, annotation, required=True)
    if payload.target and payload.target.selector:
        anchor = place(annotation.article.body, payload.target.selector)
        if anchor is None or (anchor.start, anchor.end) != (annotation.start, annotation.end):
            raise ApiError(
                400, "An annotation's passage cannot change: annotate the other passage anew.", "target"
            )
    data = edit_data(request.user, payload) | {"version": version}
    form = AnnotationUpdateForm(data, author=request.user, unchanged=audience_of(annotation))
    changes = valid(form)
    if not data["audience"]:  # kept as it is (which the service checks), whatever the form's choices
        changes |= {"visibility": annotation.visibility, "group": annotation.group}
    try:
        annotation = update_annotation(annotation=annotation, **changes)
    except EditConflict as conflict:
        raise stale(conflict.current) from None
    except AnnotationError as error:
        raise ApiError(400, str(error), "group") from None
    document = annotation_document(base_of(request), readable(request, pk))
    return ld_response(request, document, etag=version_etag(annotation))


@router.delete("/annotations/{pk}", auth=WRITERS, url_name="annotation_delete", response={204: None})
def annotation_remove(request, pk: int):
    """Delete it (If-Match, when sent, must be current)."""
    limits.check(request, "write")
    annotation = access_annotation_for_edit(request.user, pk)
    edited_version(request, annotation, required=False)
    delete_annotation(annotation)
    return HttpResponse(status=204)


@router.post("/annotations/{pk}/restore", auth=WRITERS, url_name="annotation_restore")
def annotation_restore(request, pk: int):
    """Undo the deletion of one of your annotations: it is back as it was."""
    limits.check(request, "write")
    restore_annotation(access_deleted_annotation(request.user, pk))
    return annotation_read(request, pk)


@router.post("/annotations/{pk}/hide", auth=WRITERS, url_name="annotation_hide")
def annotation_hide(request, pk: int):
    """A moderator of its group (staff, for a public one) hides it from everyone but its author and
    the moderators."""
    limits.check(request, "write")
    hide(request, access_annotation_for_moderation(request.user, pk))
    return annotation_read(request, pk)


def hide(request, item) -> None:
    """Hide an annotation or a reply for its moderator (never one of a private thread: 403)."""
    try:
        moderation.hide(item=item, moderator=request.user)
    except moderation.ModerationError as error:
        raise ApiError(403, str(error)) from None


@router.post("/annotations/{pk}/unhide", auth=WRITERS, url_name="annotation_unhide")
def annotation_unhide(request, pk: int):
    limits.check(request, "write")
    moderation.unhide(item=access_annotation_for_moderation(request.user, pk))
    return annotation_read(request, pk)


@router.post("/annotations/{pk}/flags", auth=WRITERS, url_name="annotation_flag", response={201: dict})
def annotation_flag(request, pk: int, payload: FlagIn):
    """Flag someone else's public annotation for staff, with a reason."""
    limits.check(request, "write")
    require_object(request)
    annotation = access_annotation_to_flag(request.user, pk)
    if "\x00" in payload.reason:
        raise ApiError(400, "A reason cannot contain a NUL character.", "reason")
    try:
        moderation.flag_annotation(annotation=annotation, user=request.user, reason=payload.reason)
    except moderation.AlreadyFlagged as error:
        raise ApiError(409, str(error)) from None
    except moderation.ModerationError as error:
        raise ApiError(400, str(error), "reason") from None
    return Status(201, {"flagged": annotation_iri(base_of(request), annotation.pk)})
