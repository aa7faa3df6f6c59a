"""The report: a tag's or a story's passages grouped by outlet, with their notes and replies, as a
page to read and print."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import F

from articles.models import Story, Tag
from articles.permissions import moderated_group_ids
from newsroom.api.export.filters import ExportFilters, exported_annotations
from newsroom.api.export.threads import Thread, threads_of

# A report is a page to read and print; the downloads hold everything.
REPORT_LIMIT = 1000


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
        title = Story.objects.confirmed().filter(slug=filters.story).values_list("title", flat=True).first()
        parts.append(f"{'in' if parts else 'Passages of'} the story “{title or filters.story}”")
    return " ".join(parts)


def outlet_of(thread: Thread) -> str:
    return thread.annotation.article.short_label


def make_report(user, filters: ExportFilters) -> Report:
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
