"""Replies in the thread under an annotation: write, edit and delete one's own."""

from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from articles.forms import TypedTextField
from articles.navigation import return_url
from articles.permissions import access_reply_for_edit, access_reply_target, sees_in_full
from articles.sanitize import NOTE_MAX_CHARS
from articles.services.annotations import EditConflict
from articles.services.replies import ReplyError, create_reply, delete_reply, update_reply
from newsroom.limits import rate_limited


class ReplyForm(forms.Form):
    note = TypedTextField(
        label="Your reply",
        max_length=NOTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown: **bold**, *italic*, [links](https://…), lists, > quotes.",
        error_messages={
            "required": "A reply cannot be empty: write something.",
            "max_length": "A reply can have at most %(limit_value)s characters; this one has "
            "%(show_value)s. Shorten it and send again.",
        },
    )

    def clean_note(self):
        if not self.cleaned_data["note"].strip():
            raise ValidationError(self.fields["note"].error_messages["required"])
        return self.cleaned_data["note"]


class ReplyUpdateForm(ReplyForm):
    """An edit of a reply, made against the version its author loaded."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def at_anchor(url: str, anchor: str) -> str:
    """The URL scrolled to an element of the page: "reply-12", "annotation-3"."""
    return urlunsplit(urlsplit(url)._replace(fragment=anchor))


@login_required
@rate_limited("write")
def reply_create(request, pk):
    """Answer an annotation, or with `parent` a reply in its thread (from the query or the form)."""
    annotation, parent = access_reply_target(
        request.user, pk, request.POST.get("parent", request.GET.get("parent"))
    )
    back = return_url(request, annotation.article.get_absolute_url())
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reply = create_reply(
                annotation=annotation, parent=parent, author=request.user, **form.cleaned_data
            )
            return redirect(at_anchor(back, f"reply-{reply.pk}"))
        except ReplyError as error:  # deleted meanwhile
            form.add_error(None, str(error))
    context = {
        "annotation": annotation,
        "shows_annotation": sees_in_full(request.user, annotation, annotation),
        "parent": parent,
        "form": form,
        "back": back,
    }
    return render(request, "articles/reply_create.html", context, status=400 if form.errors else 200)


@login_required
@rate_limited("write")
def reply_update(request, pk):
    reply = access_reply_for_edit(request.user, pk)
    back = return_url(request, reply.annotation.article.get_absolute_url())
    initial = {"note": reply.note, "version": reply.version}
    form = ReplyUpdateForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            update_reply(reply=reply, **form.cleaned_data)
        except EditConflict as conflict:
            return reply_conflict(request, conflict.current, back)
        return redirect(at_anchor(back, f"reply-{reply.pk}"))
    context = {"reply": reply, "form": form, "back": back}
    return render(request, "articles/reply_update.html", context, status=400 if form.errors else 200)


def reply_conflict(request, current, back: str):
    """The edit page again (409): the reply as it is now beside the author's own text, kept in the
    form; saving it again replaces the newer version knowingly."""
    data = request.POST.copy()
    data["version"] = current.version
    context = {"reply": current, "form": ReplyUpdateForm(data), "back": back, "conflict": current}
    return render(request, "articles/reply_update.html", context, status=409)


@login_required
@rate_limited("write")
def reply_delete(request, pk):
    reply = access_reply_for_edit(request.user, pk)
    back = return_url(request, reply.annotation.article.get_absolute_url())
    if request.method == "POST":
        delete_reply(reply=reply)
        return redirect(at_anchor(back, f"annotation-{reply.annotation_id}"))
    return render(request, "articles/reply_delete.html", {"reply": reply, "back": back})
