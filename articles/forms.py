import re
from collections import Counter

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy
from django.utils.functional import SimpleLazyObject, cached_property

from articles.models import Article, Tag
from articles.models.annotations import TAG_MAX_CHARS, Visibility, normalize_tag
from articles.sanitize import NOTE_MAX_CHARS
from newsroom.accounts.models import memberships_of

TAGS_PER_ANNOTATION = 20

# Controls, and the bidirectional overrides that can make a tag display as another text.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class TagsField(forms.CharField):
    """Comma-separated tags; trimmed, spaces collapsed, repeats (in any case) dropped."""

    def prepare_value(self, value):
        """Tags given as initial value (a list of tags or names) shown as the user types them."""
        return ", ".join(str(tag) for tag in value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        tags = {}
        for name in map(normalize_tag, (value or "").split(",")):
            if name:
                tags.setdefault(Tag.key_for(name), name)
        return list(tags.values())

    def validate(self, value):
        super().validate(value)
        for name in value:
            if _FORBIDDEN.search(name):
                shown = _FORBIDDEN.sub("\ufffd", name)
                raise ValidationError(f"A tag cannot contain control characters: remove them from “{shown}”.")
            if len(name) > TAG_MAX_CHARS:
                raise ValidationError(
                    f"A tag can have at most {TAG_MAX_CHARS} characters: “{name[:20]}…” has {len(name)}."
                )
        if len(value) > TAGS_PER_ANNOTATION:
            raise ValidationError(
                f"A passage can have at most {TAGS_PER_ANNOTATION} tags; these are {len(value)}."
            )


class TypedTextField(forms.CharField):
    """Text as the user typed it in a browser, which sends each line break as CRLF.

    Line breaks are stored (and counted) as LF, the way the user and the article's text see them.
    There is no maxlength attribute: a browser would cut pasted text silently, so the limit is
    shown by field-limits.js (data-max-chars) and enforced here, keeping the text in the form.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if attrs.pop("maxlength", None):
            attrs["data-max-chars"] = str(self.max_length)
        return attrs


class AudienceSelect(forms.Select):
    """Each group's option also names the group by its slug (data-group), as the API does: the
    popover (annotate.js) sends it there."""

    slugs: dict[str, str] = {}  # by choice

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if slug := self.slugs.get(value):
            option["attrs"]["data-group"] = slug
        return option


class AudienceField(forms.ChoiceField):
    """Who may see an annotation: everyone, one of the author's groups, or the author alone.

    Its choices are the author's own groups, so sharing into another group is refused here,
    as a choice that does not exist.
    """

    # Always choices, whatever the author's groups: choosing one of them loads no group.
    EVERYONE_OR_ME = (Visibility.PUBLIC.value, Visibility.PRIVATE.value)

    def __init__(self, *, groups, **kwargs):
        """`groups`: the author's groups, or a function giving them, called only when the choices
        are shown or a group is chosen (a write for everyone or for the author alone needs no query)."""
        self._groups = groups
        super().__init__(choices=self.group_choices, label="Visible to", widget=AudienceSelect, **kwargs)
        self.widget.slugs = SimpleLazyObject(
            lambda: {value: group.slug for value, group in self.groups.items()}
        )

    @cached_property
    def groups(self) -> dict:
        groups = self._groups() if callable(self._groups) else self._groups
        return {f"group-{group.pk}": group for group in groups}

    def group_choices(self) -> list[tuple[str, str]]:
        # Groups may share a name: those that do are told apart by their address.
        names = Counter(group.name for group in self.groups.values())
        choices = [(Visibility.PUBLIC.value, "Everyone")]
        choices += [
            (value, f"Group: {group.name}" + (f" ({group.slug})" if names[group.name] > 1 else ""))
            for value, group in self.groups.items()
        ]
        return choices + [(Visibility.PRIVATE.value, "Only me")]

    def valid_value(self, value) -> bool:
        return str(value) in self.EVERYONE_OR_ME or super().valid_value(value)

    @property
    def markup_key(self) -> str:
        """Everything its markup shows, to cache it: rendering a select costs as much as the rest
        of a signed-in page built from cached fragments."""
        return repr((self.choices, self.widget.slugs, self.initial))

    def audience(self, value: str) -> dict:
        """The visibility and group that a choice stands for."""
        if value not in self.EVERYONE_OR_ME and (group := self.groups.get(value)):
            return {"visibility": Visibility.GROUP, "group": group}
        return {"visibility": value, "group": None}


def audience_of(annotation) -> str:
    """An annotation's AudienceField choice, to edit it."""
    return f"group-{annotation.group_id}" if annotation.group_id else annotation.visibility


class AnnotationEditForm(forms.Form):
    """What the author says about a passage, and who may see it.

    Left out, the audience stays what it was (`unchanged`: public for a new annotation).
    """

    def __init__(self, *args, author, unchanged: str = Visibility.PUBLIC, **kwargs):
        super().__init__(*args, **kwargs)

        def groups():
            return [membership.group for membership in memberships_of(author)]

        self.fields["audience"] = AudienceField(groups=groups, initial=unchanged, required=False)
        self.order_fields(["audience", "tags", "note"])

    def clean(self):
        cleaned = super().clean()
        if "audience" in cleaned:
            chosen = cleaned.pop("audience") or self.fields["audience"].initial
            if not self.fields["audience"].valid_value(chosen):  # kept, but one has left its group
                self.add_error("audience", "You are no longer in this group: choose who may see it.")
                return cleaned
            cleaned.update(self.fields["audience"].audience(chosen))
        return cleaned

    tags = TagsField(
        required=False,
        help_text=f"Separate with commas; up to {TAGS_PER_ANNOTATION} tags of {TAG_MAX_CHARS} characters.",
        widget=forms.TextInput(
            attrs={
                "class": "js-tag-input",
                "list": "tag-suggestions",
                "autocomplete": "off",
                "data-suggest-url": reverse_lazy("articles:tag_suggestions"),
                "data-max-tags": TAGS_PER_ANNOTATION,
                "data-max-tag-chars": TAG_MAX_CHARS,
            }
        ),
    )
    note = TypedTextField(
        required=False,
        max_length=NOTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: **bold**, *italic*, [links](https://…), lists, > quotes.",
        error_messages={
            "max_length": "A note can have at most %(limit_value)s characters; this one has %(show_value)s. "
            "Shorten it and save again."
        },
    )


class AnnotationUpdateForm(AnnotationEditForm):
    """An edit of an existing annotation, made against the version the author loaded."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class AnnotationForm(AnnotationEditForm):
    """A new annotation: the selected passage and what the user says about it."""

    article = forms.ModelChoiceField(
        queryset=Article.objects.only("pk"),  # create_annotation() reads the body itself, locked
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "This article does not exist (any more)."},
    )
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    exact = TypedTextField(strip=False, widget=forms.HiddenInput)


def error_text(form: forms.Form) -> str:
    """A form's errors as one line for a message or a JSON body: "Note: Ensure ..."."""
    return " ".join(
        f"{form[name].label}: {message}" if name != NON_FIELD_ERRORS else message
        for name, errors in form.errors.items()
        for message in errors
    )
