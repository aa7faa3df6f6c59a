"""Exports of the annotations a reader may see, with their replies: W3C JSON-LD, CSV, or a report.

The filters are checked in one place (ExportForm), for the page and for the API alike. Downloads
stream: annotations are read in chunks of CHUNK_SIZE, each chunk with its tags and replies in a
query apiece, and written out as they come, so that memory stays flat whatever their number.
"""

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby, islice
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Annotation, Article, Story, Tag, TaggedAnnotation
from articles.models.annotations import TAG_MAX_CHARS, Reply, normalize_tag
from articles.permissions import moderated_group_ids, sees_in_full
from articles.queries.reading import attach_tag_links
from newsroom.accounts.models import Group, memberships_of
from newsroom.api.w3c import (
    LD_MEDIA_TYPE,
    annotation_document,
    annotation_iri,
    article_source,
    context,
    reply_document,
    reply_iri,
    timestamp,
)

# Rows read per query: large enough to keep queries few, small enough to keep memory flat.
CHUNK_SIZE = 2000
# Pieces of output joined before they are sent: one write per few hundred rows, not per row.
PIECES_PER_WRITE = 500
# A report is a page to read and print; the downloads hold everything.
REPORT_LIMIT = 1000


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


class ExportForm(forms.Form):
    """The export's format and filters, from the page's GET form or the API's query string."""

    format = forms.ChoiceField(choices=FORMATS, required=False)
    story = forms.ModelChoiceField(
        Story.objects.all(), to_field_name="slug", required=False, empty_label="All stories"
    )
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    group = forms.ChoiceField(required=False)
    tag = forms.CharField(required=False, max_length=TAG_MAX_CHARS, help_text="Its name, in any case.")
    author = forms.CharField(required=False, max_length=150, help_text="Their user name.")
    since = forms.DateField(required=False, label="Created from", widget=DATE_INPUT)
    until = forms.DateField(required=False, label="Created until", widget=DATE_INPUT)

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
        annotations = annotations.filter(article__story__slug=filters.story)
    if filters.article:
        annotations = annotations.filter(article_id=filters.article)
    if filters.group:  # visible_to() keeps only the groups of the user's
        annotations = annotations.filter(group__slug=filters.group)
    if filters.tag:
        tagged = TaggedAnnotation.objects.filter(tag__slug=filters.tag).values("content_object")
        annotations = annotations.filter(pk__in=tagged)
    if filters.author:
        annotations = annotations.filter(author__username=filters.author)
    # Whole days in the site's time zone, compared as instants so that the index serves.
    if filters.since:
        annotations = annotations.filter(created_at__gte=start_of(filters.since))
    if filters.until:
        annotations = annotations.filter(created_at__lt=start_of(filters.until + timedelta(days=1)))
    return annotations.order_by("pk")


def exported_replies(user, filters: ExportFilters):
    return Reply.objects.visible_to(user).filter(annotation__in=exported_annotations(user, filters))


# What an export writes of an annotation, with its relations (attach_relations()).
EXPORTED_FIELDS = [
    *["article", "author", "group", "start", "end", "exact", "prefix", "suffix", "note"],
    *["created_at", "edited_at", "visibility", "hidden_at"],
]


def related_rows() -> dict:
    return {
        "article": Article.objects.select_related("story", "outlet").defer("body", "story__summary"),
        "author": get_user_model().objects.select_related("profile"),
        "group": Group.objects.all(),
    }


def attach_relations(items: list, names: list[str], loaded: dict[str, dict]) -> None:
    """Give each annotation or reply these relations (article, author, group), reading only those
    not loaded yet: an export of 100,000 annotations names few articles and people, again and
    again, and building them anew for each row (select_related) would take most of its time."""
    for name in names:
        known = loaded.setdefault(name, {})
        wanted = {getattr(item, f"{name}_id") for item in items} - known.keys() - {None}
        known |= related_rows()[name].in_bulk(wanted)
        for item in items:
            if (pk := getattr(item, f"{name}_id")) is not None:
                setattr(item, name, known[pk])


@dataclass
class Thread:
    """An annotation with its tags' names and its replies, each with whether the reader sees it in
    full: else only that a moderator hid it."""

    annotation: Annotation
    shown: bool
    tags: list[str]
    replies: list[tuple[Reply, bool]]


def threads_of(user, annotations: list[Annotation], moderated: set[int], loaded: dict) -> Iterator[Thread]:
    """The annotations as the user sees them (moderated: the groups they moderate), their tags and
    replies read in a query apiece; loaded: the relations read so far (attach_relations())."""
    attach_relations(annotations, ["article", "author", "group"], loaded)
    attach_tag_links(annotations)
    replies = list(Reply.objects.visible_to(user).filter(annotation__in=annotations))
    attach_relations(replies, ["author"], loaded)
    by_thread = defaultdict(list)
    for reply in replies:
        by_thread[reply.annotation_id].append(reply)
    for root in annotations:
        answers = [(reply, sees_in_full(user, reply, root, moderated)) for reply in by_thread[root.pk]]
        tags = [link.name for link in root.tag_links]
        yield Thread(root, sees_in_full(user, root, root, moderated), tags, answers)


def exported_threads(user, filters: ExportFilters) -> Iterator[Thread]:
    moderated, loaded = moderated_group_ids(user), {}
    rows = exported_annotations(user, filters).only(*EXPORTED_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield from threads_of(user, chunk, moderated, loaded)


def joined(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, a few hundred at a time."""
    pieces = iter(pieces)
    while batch := "".join(islice(pieces, PIECES_PER_WRITE)):
        yield batch


# JSON-LD


def api_export_url(base: str, filters: ExportFilters, format: str) -> str:
    """The same export from the API."""
    return f"{base}{reverse('api:export')}?format={format}&{filters.query()}".rstrip("&")


def jsonld_chunks(base: str, user, filters: ExportFilters) -> Iterator[str]:
    """An AnnotationCollection of the annotations and their replies (motivation "replying") in one
    embedded AnnotationPage. Each item keeps its own @context, so that it stands alone."""
    return joined(jsonld_pieces(base, user, filters))


def jsonld_pieces(base: str, user, filters: ExportFilters) -> Iterator[str]:
    iri = api_export_url(base, filters, "jsonld")
    total = exported_annotations(user, filters).count() + exported_replies(user, filters).count()
    label = "Annotations from Newsroom" + (f" ({filters.description()})" if filters.description() else "")
    collection = {"@context": context(base), "id": iri, "type": "AnnotationCollection", "label": label}
    page = {"id": f"{iri}#items", "type": "AnnotationPage", "startIndex": 0}
    # Both objects are left open, for what follows them: the page inside the collection, the items.
    head = json.dumps(collection | {"total": total}, ensure_ascii=False)[:-1]
    yield f'{head}, "first": {json.dumps(page)[:-1]}, "items": [\n'
    separator = ""
    for thread in exported_threads(user, filters):
        root = annotation_document(base, thread.annotation, tags=thread.tags, shown_in_full=thread.shown)
        documents = [root]
        documents += [reply_document(base, reply, shown_in_full=shown) for reply, shown in thread.replies]
        for document in documents:
            yield separator + json.dumps(document, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}}\n"


# CSV

CSV_COLUMNS = [
    "id",
    "parent",
    "story",
    "outlet",
    "article",
    "article URL",
    "quote",
    "prefix",
    "suffix",
    "start",
    "end",
    "tags",
    "note",
    "author",
    "visibility",
    "group",
    "created",
    "modified",
    "hidden by a moderator",
]
# What a spreadsheet would take for the start of a formula (OWASP's list of CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell) -> str:
    """The cell as text that a spreadsheet shows and never runs: a formula gets a leading quote."""
    text = str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class Line:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(base: str, user, filters: ExportFilters) -> Iterator[str]:
    """A row per annotation and per reply, in UTF-8 with a BOM (so that Excel reads it as such)."""
    return joined(csv_lines(base, user, filters))


def csv_lines(base: str, user, filters: ExportFilters) -> Iterator[str]:
    writer = csv.writer(Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for thread in exported_threads(user, filters):
        yield writer.writerow(map(neutralised, annotation_row(base, thread)))
        for reply, shown in thread.replies:
            yield writer.writerow(map(neutralised, reply_row(base, reply, thread.annotation, shown)))


def thread_cells(base: str, annotation: Annotation) -> list:
    """Where an annotation and its replies are: story, outlet, article and its URL."""
    article = annotation.article
    return [
        article.story.title if article.story else "",
        article.outlet.name if article.outlet else "",
        article.title,
        article_source(base, article),
    ]


def audience_cells(annotation: Annotation) -> list:
    return [annotation.visibility, annotation.group.name if annotation.group else ""]


def annotation_row(base: str, thread: Thread) -> list:
    annotation, shown = thread.annotation, thread.shown
    return [
        annotation_iri(base, annotation.pk),
        "",
        *thread_cells(base, annotation),
        annotation.exact,
        annotation.prefix,
        annotation.suffix,
        annotation.start,
        annotation.end,
        ", ".join(thread.tags) if shown else "",
        annotation.note if shown else "",
        annotation.author.get_username(),
        *audience_cells(annotation),
        timestamp(annotation.created_at),
        timestamp(annotation.edited_at or annotation.created_at),
        "" if shown else "yes",
    ]


def reply_row(base: str, reply: Reply, annotation: Annotation, shown: bool) -> list:
    """A reply has no passage, and the audience of its thread."""
    parent = reply_iri(base, reply.parent_id) if reply.parent_id else annotation_iri(base, annotation.pk)
    return [
        reply_iri(base, reply.pk),
        parent,
        *thread_cells(base, annotation),
        *[""] * 6,  # quote, prefix, suffix, start, end, tags
        reply.note if shown else "",
        reply.author.get_username(),
        *audience_cells(annotation),
        timestamp(reply.created_at),
        timestamp(reply.edited_at or reply.created_at),
        "" if shown else "yes",
    ]


EXPORTS = {
    "jsonld": (jsonld_chunks, LD_MEDIA_TYPE, "jsonld"),
    "csv": (csv_chunks, "text/csv; charset=utf-8", "csv"),
}


def export_response(base: str, user, filters: ExportFilters, format: str) -> StreamingHttpResponse:
    """The export as a download that starts at once and is written as it is read."""
    chunks, media_type, extension = EXPORTS[format or "jsonld"]
    response = StreamingHttpResponse(chunks(base, user, filters), content_type=media_type)
    filename = f"newsroom-annotations-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The report


@dataclass
class Report:
    title: str
    outlets: list[tuple[str, list[Thread]]]
    total: int  # the annotations that match
    shown: int  # the first of them, which the report shows

    @property
    def is_cut(self) -> bool:
        return self.total > self.shown


def report_title(filters: ExportFilters) -> str:
    parts = []
    if filters.tag:
        name = Tag.objects.filter(slug=filters.tag).values_list("name", flat=True).first()
        parts.append(f"Passages tagged “{name or filters.tag}”")
    if filters.story:
        title = Story.objects.filter(slug=filters.story).values_list("title", flat=True).first()
        parts.append(f"{'in' if parts else 'Passages of'} the story “{title or filters.story}”")
    return " ".join(parts)


def outlet_of(thread: Thread) -> str:
    return thread.annotation.article.short_label


def report(user, filters: ExportFilters) -> Report:
    """The passages the filters keep, grouped by outlet, each with its note and replies."""
    annotations = exported_annotations(user, filters).order_by(
        F("article__outlet__name").asc(nulls_last=True),
        "article__outlet_id",
        F("article__story__title").asc(nulls_last=True),
        "article_id",
        "start",
        "pk",
    )
    threads = list(threads_of(user, list(annotations[:REPORT_LIMIT]), moderated_group_ids(user), {}))
    outlets = [(outlet, list(group)) for outlet, group in groupby(threads, key=outlet_of)]
    total = exported_annotations(user, filters).count()
    return Report(title=report_title(filters), outlets=outlets, total=total, shown=len(threads))
