"""Editing, deleting and restoring annotations from the reading pages (the popover creates them
through the API: newsroom/api)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from articles.forms import AnnotationUpdateForm, audience_of
from articles.navigation import at_highlight, return_url, with_query
from articles.permissions import access_annotation_for_edit, access_deleted_annotation
from articles.services.annotations import (
    EditConflict,
    delete_annotation,
    restore_annotation,
    update_annotation,
)
from newsroom.limits import rate_limited


@login_required
@rate_limited("write")
def annotation_update(request, pk):
    annotation = access_annotation_for_edit(request.user, pk)
    back = return_url(request, annotation.article.get_absolute_url())
    data = request.POST if request.method == "POST" else None
    initial = None  # a bound form shows what was sent: its initial values are not read
    if data is None:
        tags = list(annotation.tags.all())
        initial = {"tags": tags, "note": annotation.note, "version": annotation.version}
    form = AnnotationUpdateForm(data, initial=initial, author=request.user, unchanged=audience_of(annotation))
    if form.is_valid():
        try:
            update_annotation(annotation=annotation, **form.cleaned_data)
        except EditConflict as conflict:
            return edit_conflict(request, conflict.current, back)
        return redirect(at_highlight(back, annotation.pk))
    context = {"annotation": annotation, "form": form, "back": back}
    return render(request, "articles/annotation_update.html", context, status=400 if form.errors else 200)


def edit_conflict(request, current, back: str):
    """The edit page again (409): the annotation as it is now beside the author's own text, which
    is kept in the form; saving it again replaces the newer version knowingly."""
    data = request.POST.copy()
    data["version"] = current.version
    form = AnnotationUpdateForm(data, author=request.user, unchanged=audience_of(current))
    context = {"annotation": current, "form": form, "back": back, "conflict": current}
    return render(request, "articles/annotation_update.html", context, status=409)


@login_required
@rate_limited("write")
def annotation_delete(request, pk):
    annotation = access_annotation_for_edit(request.user, pk)
    back = return_url(request, annotation.article.get_absolute_url())
    if request.method == "POST":
        delete_annotation(annotation)
        return redirect(with_query(back, undo=annotation.pk))
    return render(request, "articles/annotation_delete.html", {"annotation": annotation, "back": back})


@login_required
@require_POST
@rate_limited("write")
def annotation_restore(request, pk):
    annotation = access_deleted_annotation(request.user, pk)
    restore_annotation(annotation)
    messages.success(request, "The annotation is back.")
    return redirect(at_highlight(return_url(request, annotation.article.get_absolute_url()), annotation.pk))
