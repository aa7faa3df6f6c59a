"""Importing articles: validated, batched, all-or-nothing writes of parsed records."""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from articles.importer import ImportProblem
from articles.models import Article, Outlet, Story
from articles.services.articles import update_article_text
from articles.services.coverage import compare_story, mark_stale
from articles.text.canonical import content_hash
from newsroom.database import one_at_a_time

ARTICLE_FIELDS = ["title", "body", "byline", "published_on", "source_url"]
# An import holds its lock throughout (all or nothing), for minutes when huge: another one waits
# that long for its turn rather than failing with "database is locked" (SQLite).
WAIT_FOR_OTHER_IMPORTS_SECONDS = 30 * 60


# Fields an import sets itself, with values known to be valid: full_clean() need not check them
# (for outlet and story that would be a query each).
NOT_FROM_THE_FILE = [
    "outlet",
    "story",
    "content_hash",
    "source_file",
    "source_hash",
    "word_count",
    "imported_at",
    "updated_at",
    "annotations_changed_at",
]


@dataclass
class ImportSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    story_ids: set = field(default_factory=set)  # stories whose articles were added or changed

    def __str__(self):
        return f"{self.created} new, {self.changed} changed, {self.unchanged} unchanged"


def record_hash(record: dict, body_hash: str) -> str:
    """A fingerprint of everything imported for an article (the body by its own hash)."""
    fields = {**record, "body": body_hash}
    return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()


def batched(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def validated(instance, source: str, exclude: list[str] | None = None):
    """full_clean() with its errors reported as an ImportProblem for that file."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise ImportProblem(source, problems) from None
    return instance


class RelatedRows:
    """Outlets or stories by slug: found by any of their unique fields, or created, a batch at a time."""

    def __init__(self, model, unique_fields: list[str]):
        self.model = model
        self.unique_fields = unique_fields
        self.by_slug = {}

    def add_batch(self, named: list[tuple[str, dict | None]]) -> None:
        """Load or create every row that the batch's records (source, record) name."""
        missing = {record["slug"]: (source, record) for source, record in named if record}
        missing = {slug: item for slug, item in missing.items() if slug not in self.by_slug}
        found = self.existing([record for _, record in missing.values()]) if missing else {}
        new_rows = []
        for slug, (source, record) in missing.items():
            row = next(
                filter(None, (found.get((field, record[field])) for field in self.unique_fields)), None
            )
            if row is None:
                row = validated(self.model(**record), source)
                new_rows.append(row)
            self.by_slug[slug] = row
        self.model.objects.bulk_create(new_rows)

    def existing(self, records: list[dict]) -> dict:
        """The rows that have any record's value in one of the unique fields, by (field, value)."""
        wanted = Q(
            *[(f"{field}__in", [record[field] for record in records]) for field in self.unique_fields],
            _connector=Q.OR,
        )
        return {
            (field, getattr(row, field)): row
            for row in self.model.objects.filter(wanted)
            for field in self.unique_fields
        }

    def get(self, record: dict | None):
        return self.by_slug[record["slug"]] if record else None


class ArticleImport:
    """One all-or-nothing import: checks every record, then writes it with its batch."""

    def __init__(self):
        self.summary = ImportSummary()
        self.outlets = RelatedRows(Outlet, ["slug", "name"])
        self.stories = RelatedRows(Story, ["slug"])
        self.source_by_hash: dict[str, str] = {}
        self.seen_sources: set[str] = set()

    def write_batch(self, records: list[dict]) -> None:
        sources = [record["source_file"] for record in records]
        existing = Article.objects.filter(source_file__in=sources).in_bulk(field_name="source_file")
        body_hashes = [content_hash(record["body"]) for record in records]
        self.outlets.add_batch([(record["source_file"], record["outlet"]) for record in records])
        self.stories.add_batch([(record["source_file"], record["story"]) for record in records])
        new_articles, changed_articles = self.check_batch(records, body_hashes, existing)
        self.check_not_in_database(dict(zip(body_hashes, sources, strict=True)))
        # A changed article keeps its slug (and URL) unless it moved to another outlet.
        self.assign_unique_slugs(new_articles + [article for article, moved in changed_articles if moved])
        for article, _ in changed_articles:
            update_article_text(article)
        Article.objects.bulk_create(new_articles)
        self.summary.created += len(new_articles)
        self.summary.changed += len(changed_articles)

    def check_batch(self, records: list[dict], body_hashes: list[str], existing: dict) -> tuple[list, list]:
        """The batch's new articles, and its changed ones with whether they moved to another outlet."""
        new_articles, changed_articles = [], []
        for record, body_hash in zip(records, body_hashes, strict=True):
            previous = existing.get(record["source_file"])
            before = (previous.outlet_id, previous.story_id) if previous else (None, None)
            article = self.check_record(record, body_hash, previous)
            if article is None:
                self.summary.unchanged += 1
                continue
            if article.pk is None:
                new_articles.append(article)
            else:
                changed_articles.append((article, article.outlet_id != before[0]))
            self.summary.story_ids.update({article.story_id, before[1]} - {None})
        return new_articles, changed_articles

    def check_record(self, record: dict, body_hash: str, article: Article | None) -> Article | None:
        """The article to write for a record (None if unchanged); raises on bad input."""
        source = record["source_file"]
        if source in self.seen_sources:
            raise ImportProblem(source, "the name appears twice in this import")
        self.seen_sources.add(source)
        first_source = self.source_by_hash.setdefault(body_hash, source)
        if first_source != source:
            raise ImportProblem(source, f"the same text as {first_source}")
        new_hash = record_hash(record, body_hash)
        if article is not None and article.source_hash == new_hash:
            return None
        article = article or Article(source_file=source, slug=slugify(record["title"])[:180] or "article")
        for name in ARTICLE_FIELDS:
            setattr(article, name, record[name])
        article.outlet = self.outlets.get(record["outlet"])
        article.story = self.stories.get(record["story"])
        article.source_hash = new_hash
        article.content_hash = body_hash  # the record's body is canonical: see Article.clean()
        return validated(article, source, exclude=NOT_FROM_THE_FILE)

    def check_not_in_database(self, by_hash: dict[str, str]) -> None:
        """A text already imported under another name (source by body hash) is a duplicate file."""
        clashes = (
            Article.objects.filter(content_hash__in=by_hash)
            .exclude(source_file__in=by_hash.values())
            .values_list("content_hash", "source_file")
        )
        for body_hash, other in clashes[:1]:
            raise ImportProblem(by_hash[body_hash], f"the same text as the already imported {other}")

    def assign_unique_slugs(self, articles: list[Article]) -> None:
        taken = set(
            Article.objects.filter(slug__in=[article.slug for article in articles]).values_list(
                "outlet_id", "slug"
            )
        )
        for article in articles:
            base, number = article.slug, 1
            while (article.outlet_id, article.slug) in taken:
                number += 1
                article.slug = f"{base}-{number}"
                taken.update(
                    Article.objects.filter(outlet_id=article.outlet_id, slug=article.slug).values_list(
                        "outlet_id", "slug"
                    )
                )
            taken.add((article.outlet_id, article.slug))


def import_articles(
    *,
    records: Iterable[dict],
    batch_size: int = 1000,
    progress: Callable[[int], object] = lambda n: None,
    compare: bool = True,
) -> ImportSummary:
    """Write imported records, all or nothing: any ImportProblem rolls the whole import back.

    Then the stories that changed are compared again, or with compare=False marked stale for
    `manage.py compare_stories` (comparing thousands of stories takes longer than importing).
    """
    run = ArticleImport()
    with one_at_a_time("article import", wait_seconds=WAIT_FOR_OTHER_IMPORTS_SECONDS):
        for batch in batched(records, batch_size):
            run.write_batch(batch)
            progress(len(batch))
        if compare:
            for story in Story.objects.filter(pk__in=run.summary.story_ids):
                compare_story(story)
        else:
            mark_stale(run.summary.story_ids)
    return run.summary
