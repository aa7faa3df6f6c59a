"""The export as CSV: a row per annotation and per reply, for a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

from articles.models import Annotation
from articles.models.annotations import Reply
from newsroom.api.export.filters import ExportFilters
from newsroom.api.export.threads import Thread, exported_threads, joined
from newsroom.api.w3c import annotation_iri, article_source, reply_iri, timestamp

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
    "deleted",  # "yes" for a deleted reply kept (without its note or author) for the answers to it
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
    return joined(csv_lines(base, filters, exported_threads(user, filters)))


def csv_lines(base: str, filters: ExportFilters, threads: Iterable[Thread]) -> Iterator[str]:
    writer = csv.writer(Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for thread in threads:
        yield writer.writerow(map(neutralised, annotation_row(base, thread)))
        for reply, shown in thread.replies:
            yield writer.writerow(map(neutralised, reply_row(base, reply, thread.annotation, shown)))


def thread_cells(base: str, annotation: Annotation) -> list:
    """Where an annotation and its replies are: story, outlet, article and its URL."""
    article, story = annotation.article, annotation.article.shown_story
    return [
        story.title if story else "",
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
        "",
    ]


def reply_row(base: str, reply: Reply, annotation: Annotation, shown: bool) -> list:
    """A reply has no passage, and the audience of its thread. A deleted one (kept for its answers)
    has neither note nor author, as in JSON-LD."""
    parent = reply_iri(base, reply.parent_id) if reply.parent_id else annotation_iri(base, annotation.pk)
    deleted = reply.deleted_at is not None
    return [
        reply_iri(base, reply.pk),
        parent,
        *thread_cells(base, annotation),
        *[""] * 6,  # quote, prefix, suffix, start, end, tags
        reply.note if shown and not deleted else "",
        "" if deleted else reply.author.get_username(),
        *audience_cells(annotation),
        timestamp(reply.created_at),
        timestamp(reply.edited_at or reply.created_at),
        "" if shown or deleted else "yes",
        "yes" if deleted else "",
    ]
