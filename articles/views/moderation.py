"""Moderation from the reading pages: moderators hide and unhide, readers flag public annotations."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from articles.forms import TypedTextField
from articles.models.annotations import FLAG_REASON_MAX_CHARS
from articles.navigation import return_url
from articles.permissions import (
    access_annotation_for_moderation,
    access_annotation_to_flag,
    access_reply_for_moderation,
)
from articles.services.moderation import ModerationError, article_of, flag_annotation, hide, unhide
from articles.views.replies import at_anchor
from newsroom.limits import rate_limited


class FlagForm(forms.Form):
    reason = TypedTextField(
        label="What is wrong with it?",
        max_length=FLAG_REASON_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Staff read this: say which rule it breaks, or what makes it harmful.",
        error_messages={
            "required": "Say what is wrong with this annotation: staff need a reason.",
            "max_length": "A reason can have at most %(limit_value)s characters; this one has "
            "%(show_value)s.",
        },
    )

    def clean_reason(self):
        if not self.cleaned_data["reason"].strip():
            raise ValidationError(self.fields["reason"].error_messages["required"])
        return self.cleaned_data["reason"]


def moderate(request, item, *, kind: str, hiding: bool):
    """Confirm, then hide or unhide an annotation or a reply (`kind`) the user moderates."""
    anchor = f"{kind}-{item.pk}"
    back = return_url(request, article_of(item).get_absolute_url())
    if request.method == "POST":
        if hiding:
            hide(item=item, moderator=request.user)
        else:
            unhide(item=item)
        return redirect(at_anchor(back, anchor))
    context = {"item": item, "kind": kind, "hiding": hiding, "back": back, "anchor": anchor}
    return render(request, "articles/moderation_confirm.html", context)


@login_required
@rate_limited("write")
def annotation_hide(request, pk):
    annotation = access_annotation_for_moderation(request.user, pk)
    return moderate(request, annotation, kind="annotation", hiding=True)


@login_required
@rate_limited("write")
def annotation_unhide(request, pk):
    annotation = access_annotation_for_moderation(request.user, pk)
    return moderate(request, annotation, kind="annotation", hiding=False)


@login_required
@rate_limited("write")
def reply_hide(request, pk):
    reply = access_reply_for_moderation(request.user, pk)
    return moderate(request, reply, kind="reply", hiding=True)


@login_required
@rate_limited("write")
def reply_unhide(request, pk):
    reply = access_reply_for_moderation(request.user, pk)
    return moderate(request, reply, kind="reply", hiding=False)


@login_required
@rate_limited("write")
def annotation_flag(request, pk):
    annotation = access_annotation_to_flag(request.user, pk)
    back = return_url(request, annotation.article.get_absolute_url())
    form = FlagForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            flag_annotation(annotation=annotation, user=request.user, **form.cleaned_data)
            messages.success(request, "Thank you: staff will look at this annotation.")
            return redirect(at_anchor(back, f"annotation-{annotation.pk}"))
        except ModerationError as error:  # flagged already
            form.add_error(None, str(error))
    context = {"annotation": annotation, "form": form, "back": back}
    return render(request, "articles/annotation_flag.html", context, status=400 if form.errors else 200)
