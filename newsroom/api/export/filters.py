"""Which annotations an export holds: the filters, checked in one place (ExportForm) for the page and
the API alike, and the query that keeps them."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from articles.models import Annotation, Story, Tag, TaggedAnnotation
from articles.models.annotations import TAG_MAX_CHARS, normalize_tag
from newsroom.accounts.models import memberships_of

# The days a filter may name: a day's bounds are instants, and those of the first and last days a
# date can hold (and the day after the last) are out of datetime's range in some time zone.
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=1)
DAY_RANGE = f"Choose a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}."
# The largest id a database's integer holds (SQLite's and PostgreSQL's bigint).
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ExportFilters:
    """Which annotations to export; an empty filter keeps them all."""

    story: str = ""  # slug
    article: int | None = None
    group: str = ""  # slug
    tag: str = ""  # slug
    author: str = ""  # username
    since: date | None = None  # created on this day or later
    until: date | None = None  # created on this day or earlier

    def chosen(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value not in ("", None)}

    def query(self) -> str:
        """The filters as a URL's query string, in the names the page and the API read."""
        return urlencode(self.chosen())

    def description(self) -> str:
        return "; ".join(f"{name}: {value}" for name, value in self.chosen().items())


FORMATS = [("jsonld", "JSON-LD"), ("csv", "CSV")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})  # the browser's date picker


def day_field(label: str) -> forms.DateField:
    bounds = [MinValueValidator(FIRST_DAY, DAY_RANGE), MaxValueValidator(LAST_DAY, DAY_RANGE)]
    return forms.DateField(required=False, label=label, widget=DATE_INPUT, validators=bounds)


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that sends the database no NUL character (PostgreSQL refuses them)."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ExportForm(forms.Form):
    """The export's format and filters, from the page's GET form or the API's query string."""

    format = forms.ChoiceField(choices=FORMATS, required=False, initial="jsonld")
    story = SlugChoiceField(
        Story.objects.confirmed(), to_field_name="slug", required=False, empty_label="All stories"
    )
    article = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "An article is named by its id, a whole number.",
            "min_value": "An article's id is 1 or more.",
            "max_value": "No article has so large an id.",
        },
    )
    group = forms.ChoiceField(required=False)
    tag = forms.CharField(required=False, max_length=TAG_MAX_CHARS, help_text="Its name, in any case.")
    author = forms.CharField(required=False, max_length=150, help_text="Their user name.")
    since = day_field("Created from")
    until = day_field("Created until")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the reader's own groups: naming any other answers as a group that does not exist.
        self.fields["group"].choices = [("", "All I may see")] + [
            (membership.group.slug, membership.group.name) for membership in memberships_of(user)
        ]

    def clean_tag(self) -> str:
        """The slug of the tag named (by its name or its slug); a tag that does not exist matches nothing."""
        name = normalize_tag(self.cleaned_data["tag"])
        if not name:
            return ""
        tag = Tag.objects.filter(Q(slug=name) | Q(key=Tag.key_for(name))).first()
        return tag.slug if tag else name

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date comes before the start date.")
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            story=data["story"].slug if data["story"] else "",
            article=data["article"],
            group=data["group"],
            tag=data["tag"],
            author=data["author"].strip(),
            since=data["since"],
            until=data["until"],
        )


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def exported_annotations(user, filters: ExportFilters):
    """The annotations the user may see that the filters keep, in the order they were made."""
    annotations = Annotation.objects.visible_to(user)
    if filters.story:
        stories = Story.objects.confirmed()
        annotations = annotations.filter(article__story__in=stories, article__story__slug=filters.story)
    if filters.article:
        annotations = annotations.filter(article_id=filters.article)
    if filters.group:  # visible_to() keeps only the groups of the user's
        annotations = annotations.filter(group__slug=filters.group)
    if filters.tag:
        tagged = TaggedAnnotation.objects.filter(tag__slug=filters.tag).values("content_object")
        annotations = annotations.filter(pk__in=tagged)
    if filters.author:
        annotations = annotations.filter(author__username=filters.author)
    # Whole days in the site's time zone, compared as instants so that the index serves. (ExportForm
    # keeps the days within FIRST_DAY and LAST_DAY, whose bounds are instants in any time zone.)
    if filters.since:
        annotations = annotations.filter(created_at__gte=start_of(filters.since))
    if filters.until:
        annotations = annotations.filter(created_at__lt=start_of(filters.until + timedelta(days=1)))
    return annotations.order_by("pk")
