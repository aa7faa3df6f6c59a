import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from articles.models import Article
from articles.sanitize import NOTE_MAX_CHARS

TAG_MAX_CHARS = 50
TAGS_PER_ANNOTATION = 20


def normalize_tag(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


class TagsField(forms.CharField):
    """Comma-separated tags; trimmed, spaces collapsed, repeats (in any case) dropped."""

    def to_python(self, value):
        tags = {}
        for name in map(normalize_tag, (value or "").split(",")):
            if name:
                tags.setdefault(name.casefold(), name)
        return list(tags.values())

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > TAG_MAX_CHARS:
                raise ValidationError(
                    f"A tag can have at most {TAG_MAX_CHARS} characters: “{name[:60]}…” is longer."
                )
        if len(value) > TAGS_PER_ANNOTATION:
            raise ValidationError(f"A passage can have at most {TAGS_PER_ANNOTATION} tags.")


class AnnotationEditForm(forms.Form):
    tags = TagsField(required=False, help_text="Separate tags with commas.")
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea,
        help_text="Markdown: **bold**, *italic*, [links](https://…), lists, > quotes.",
    )


class AnnotationForm(AnnotationEditForm):
    """A new annotation: the selected passage and what the user says about it."""

    article = forms.ModelChoiceField(
        queryset=Article.objects.only("pk"),  # create_annotation() reads the body itself, locked
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "This article does not exist (any more)."},
    )
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    exact = forms.CharField(strip=False, widget=forms.HiddenInput)


def error_text(form: forms.Form) -> str:
    """A form's errors as one line for a message or a JSON body: "Note: Ensure ..."."""
    return " ".join(
        f"{form[name].label}: {message}" if name != NON_FIELD_ERRORS else message
        for name, errors in form.errors.items()
        for message in errors
    )
