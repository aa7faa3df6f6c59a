"""Importing articles: validated, batched writes of parsed records, all or nothing by default.

Every bad record of a run goes to its report (importer.ImportReport). By default a run with any
imports nothing (InvalidRecords); with skip_invalid it imports the good records. A record with
exactly the text of an article kept before (in this import or the database) is not a second
article: it is recorded as a DuplicateArticle of that one.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from articles.importer import ImportProblem, ImportReport, InvalidRecords
from articles.models import Article, DuplicateArticle, Outlet, Story
from articles.services.articles import update_article_text
from articles.services.coverage import compare_story, mark_stale
from articles.text.canonical import content_hash
from newsroom.database import one_at_a_time, sqlite_pragma

ARTICLE_FIELDS = [
    "title",
    "subtitle",
    "body",
    "byline",
    "language",
    "keywords",
    "wire_agencies",
    "published_on",
    "source_url",
]
# Fields the importer learnt later: left out of a record's fingerprint while empty, so that files
# imported before them are still unchanged when imported again.
LATER_FIELDS = {"subtitle", "language", "keywords", "wire_agencies"}
# Where the record was read (file, number): not part of the article.
NOT_HASHED = {"origin"}
# An import holds its lock throughout (all or nothing), for minutes when huge: another one waits
# that long for its turn rather than failing with "database is locked" (SQLite).
WAIT_FOR_OTHER_IMPORTS_SECONDS = 30 * 60


# SQLite's page cache for the import's connection while it writes, in KiB (its default: 2 MB). The
# article table's ten indexes then stay in memory, rather than being read back from the file for
# each insert: 100,000 articles took half the system time. Restored once the import is done.
IMPORT_CACHE_KIB = 64 * 1024

# Sent in an import's transaction before its first write and after its last (first_id: the id of
# its first new article; ids only grow, and the transaction keeps other writers out), so that a
# full-text index can index the new articles in one statement rather than one trigger call per
# article (newsroom.search does on SQLite).
creating_articles_in_bulk = Signal()
articles_created_in_bulk = Signal()

# An article's timestamps: on a new article, the moment it was imported.
TIMESTAMPS = [
    Article._meta.get_field(name) for name in ["imported_at", "updated_at", "annotations_changed_at"]
]

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
    duplicates: int = 0  # duplicate records newly recorded (or whose facts changed)
    skipped: int = 0  # bad records left out (skip_invalid)
    story_ids: set = field(default_factory=set)  # stories whose articles were added or changed

    def __str__(self):
        counts = [f"{self.created} new, {self.changed} changed, {self.unchanged} unchanged"]
        if self.duplicates:
            counts.append(f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''} recorded")
        if self.skipped:
            counts.append(f"{self.skipped} bad record{'s' if self.skipped != 1 else ''} skipped")
        return ", ".join(counts)


def record_hash(record: dict, body_hash: str) -> str:
    """A fingerprint of everything imported for an article (the body by its own hash)."""
    fields = {
        name: value
        for name, value in {**record, "body": body_hash}.items()
        if name not in NOT_HASHED and (value or name not in LATER_FIELDS)
    }
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
    """Outlets or stories by slug: found by any of their unique fields, or new. A new row is checked
    when a record names it, and saved only once an article that passed its checks uses it."""

    def __init__(self, model, unique_fields: list[str]):
        self.model = model
        self.unique_fields = unique_fields
        self.by_slug = {}
        self.problems: dict[str, ImportProblem | None] = {}  # of new rows, by slug, once checked

    def add_batch(self, records: list[dict | None]) -> None:
        """Find (or prepare) every row that the batch's records name."""
        missing = {
            record["slug"]: record for record in records if record and record["slug"] not in self.by_slug
        }
        found = self.existing(list(missing.values())) if missing else {}
        for slug, record in missing.items():
            row = next(
                filter(None, (found.get((field, record[field])) for field in self.unique_fields)), None
            )
            self.by_slug[slug] = row if row is not None else self.model(**record)

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

    def get(self, source: str, record: dict | None):
        """The row a record names; raises the problem of a new row that is not valid."""
        if not record:
            return None
        row = self.by_slug[record["slug"]]
        if row.pk is None:
            if record["slug"] not in self.problems:
                try:
                    validated(row, source)
                    self.problems[record["slug"]] = None
                except ImportProblem as problem:
                    self.problems[record["slug"]] = problem
            if problem := self.problems[record["slug"]]:
                raise problem
        return row

    def save_new(self, rows: Iterable) -> None:
        new = {id(row): row for row in rows if row is not None and row.pk is None}
        self.model.objects.bulk_create(new.values())


@dataclass
class Batch:
    """What one batch of records writes."""

    new: list[Article] = field(default_factory=list)
    changed: list[tuple[Article, int | None, int | None]] = field(
        default_factory=list
    )  # with outlet, story before
    duplicates: list[DuplicateArticle] = field(default_factory=list)
    not_duplicates: list[int] = field(default_factory=list)  # recorded duplicates whose text is now their own

    def articles(self) -> list[Article]:
        return self.new + [article for article, _, _ in self.changed]


class ArticleImport:
    """One import: checks every record, then writes the good ones with their batch."""

    def __init__(self, report: ImportReport | None = None):
        self.summary = ImportSummary()
        self.report = report
        self.outlets = RelatedRows(Outlet, ["slug", "name"])
        self.stories = RelatedRows(Story, ["slug"])
        # The article kept for each text: the Article until it is written, then its pk.
        self.kept: dict[str, Article | int] = {}
        self.seen_sources: set[str] = set()
        self.first_id: int | None = None  # of the articles it created

    def write_batch(self, records: list[dict]) -> None:
        sources = [record["source_file"] for record in records]
        existing = Article.objects.filter(source_file__in=sources).in_bulk(field_name="source_file")
        recorded = DuplicateArticle.objects.filter(source_file__in=sources).in_bulk(field_name="source_file")
        body_hashes = [content_hash(record["body"]) for record in records]
        self.remember_texts_in_database(body_hashes)
        self.outlets.add_batch([record["outlet"] for record in records])
        self.stories.add_batch([record["story"] for record in records])
        batch = Batch()
        for record, body_hash in zip(records, body_hashes, strict=True):
            source = record["source_file"]
            try:
                self.check_record(record, body_hash, existing.get(source), recorded.get(source), batch)
            except ImportProblem as problem:
                self.refuse(record, problem)
        self.write(batch)

    def remember_texts_in_database(self, body_hashes: list[str]) -> None:
        """The articles already imported with the batch's texts (the oldest, where several have one)."""
        unknown = set(body_hashes) - set(self.kept)
        if unknown:
            rows = (
                Article.objects.filter(content_hash__in=unknown)
                .values("content_hash")
                .annotate(first=Min("pk"))
                .values_list("content_hash", "first")
            )
            self.kept.update(rows)

    def refuse(self, record: dict, problem: ImportProblem) -> None:
        """A bad record: to the report, located where it was read; without a report, raised."""
        file, index = record.get("origin") or (record["source_file"], None)
        located = problem.at(file, index, record["source_file"])
        if self.report is None:
            raise located
        self.report.add(located)

    def check_record(
        self,
        record: dict,
        body_hash: str,
        article: Article | None,
        recorded: DuplicateArticle | None,
        batch: Batch,
    ) -> None:
        """Add what a record writes to the batch (nothing if unchanged); raises on bad input."""
        source = record["source_file"]
        if source in self.seen_sources:
            raise ImportProblem(source, "the name appears twice in this import")
        self.seen_sources.add(source)
        kept = self.kept.get(body_hash)
        if kept is not None and (article is None or kept not in (article, article.pk)):
            if article is None:
                return self.check_duplicate(record, kept, recorded, batch)
            if article.source_hash != record_hash(record, body_hash):
                raise ImportProblem(
                    source,
                    f"its new text is exactly the text of {self.label(kept)}: an imported article "
                    "cannot become a duplicate (delete it first)",
                )
        new_hash = record_hash(record, body_hash)
        if article is not None and article.source_hash == new_hash:
            self.kept.setdefault(body_hash, article.pk)
            self.summary.unchanged += 1
            return None
        before = (article.outlet_id, article.story_id) if article else (None, None)
        values = {name: record[name] for name in ARTICLE_FIELDS} | {
            "outlet": self.outlets.get(source, record["outlet"]),
            "story": self.stories.get(source, record["story"]),
            "source_hash": new_hash,
            "content_hash": body_hash,  # the record's body is canonical: see Article.clean()
        }
        if article is None:
            article = Article(source_file=source, slug=slugify(record["title"])[:180] or "article", **values)
        else:
            for name, value in values.items():
                setattr(article, name, value)
        validated(article, source, exclude=NOT_FROM_THE_FILE)
        if article.pk is None:
            batch.new.append(article)
            self.kept[body_hash] = article
        else:
            batch.changed.append((article, *before))
            self.kept.setdefault(body_hash, article.pk)
        if recorded is not None:
            batch.not_duplicates.append(recorded.pk)
        return None

    def check_duplicate(
        self, record: dict, kept: Article | int, recorded: DuplicateArticle | None, batch: Batch
    ) -> None:
        """Record a record whose text an article kept already has (unless recorded so already)."""
        kept_pk = kept if isinstance(kept, int) else kept.pk
        facts = {
            "title": record["title"],
            "outlet_name": record["outlet"]["name"] if record["outlet"] else "",
            "source_url": record["source_url"],
            "published_on": record["published_on"],
        }
        if (
            recorded
            and recorded.article_id == kept_pk
            and all(getattr(recorded, name) == value for name, value in facts.items())
        ):
            self.summary.unchanged += 1
            return
        duplicate = recorded or DuplicateArticle(source_file=record["source_file"])
        for name, value in facts.items():
            setattr(duplicate, name, value)
        if isinstance(kept, int):
            duplicate.article_id = kept
        else:
            duplicate.article = kept  # written just before its duplicates
        batch.duplicates.append(validated(duplicate, record["source_file"], exclude=["article"]))

    def label(self, kept: Article | int) -> str:
        if isinstance(kept, Article):
            return kept.source_file
        source = Article.objects.filter(pk=kept).values_list("source_file", flat=True).first()
        return source or f"article #{kept}"

    def write(self, batch: Batch) -> None:
        articles = batch.articles()
        self.outlets.save_new(article.outlet for article in articles)
        self.stories.save_new(article.story for article in articles)
        for article in articles:
            article.outlet, article.story = article.outlet, article.story  # their ids, now saved
        # A changed article keeps its slug (and URL) unless it moved to another outlet.
        moved = [article for article, outlet_id, _ in batch.changed if article.outlet_id != outlet_id]
        self.assign_unique_slugs(batch.new + moved)
        for article, _, story_id in batch.changed:
            update_article_text(article)
            self.summary.story_ids.update({article.story_id, story_id} - {None})
        insert_new(batch.new)
        if batch.new and self.first_id is None:
            self.first_id = batch.new[0].pk
        self.summary.story_ids.update(article.story_id for article in batch.new if article.story_id)
        DuplicateArticle.objects.filter(pk__in=batch.not_duplicates).delete()
        DuplicateArticle.objects.bulk_create([row for row in batch.duplicates if row.pk is None])
        for duplicate in (row for row in batch.duplicates if row.pk is not None):
            duplicate.save()
        for article in batch.new:
            self.kept[article.content_hash] = article.pk  # no longer the article: memory stays small
        self.summary.created += len(batch.new)
        self.summary.changed += len(batch.changed)
        self.summary.duplicates += len(batch.duplicates)

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


def insert_new(articles: list[Article]) -> None:
    """Insert new articles (which all have a source_file) and set their ids: one executemany, then
    their ids read back by source_file. A third of bulk_create()'s time, which builds the SQL of every
    value of every row in Python (2 s of 10,000 articles' import of 13)."""
    if not articles:
        return
    # The connection itself, not django.db.connection, which looks it up again at each use (once
    # per value: a tenth of the rows' preparation).
    database = transaction.get_connection()
    # Their timestamps (imported, updated, annotations changed) are the batch's moment, prepared
    # for the database once: once per article and field, they took a third of the preparation.
    now = timezone.now()
    for article in articles:
        for timestamp in TIMESTAMPS:
            setattr(article, timestamp.attname, now)
    fields = [field for field in Article._meta.concrete_fields if not field.primary_key]
    others = [field for field in fields if field not in TIMESTAMPS]
    quote = database.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # nosec B608: the model's own names
        quote(Article._meta.db_table),
        ", ".join(quote(field.column) for field in others + TIMESTAMPS),
        ", ".join(["%s"] * len(fields)),
    )
    stamps = [field.get_db_prep_save(now, database) for field in TIMESTAMPS]
    rows = [
        [field.get_db_prep_save(field.pre_save(article, True), database) for field in others] + stamps
        for article in articles
    ]
    with database.cursor() as cursor:
        cursor.executemany(sql, rows)
    ids = dict(
        Article.objects.filter(source_file__in=[article.source_file for article in articles]).values_list(
            "source_file", "pk"
        )
    )
    for article in articles:
        article.pk = ids[article.source_file]
        article._state.adding, article._state.db = False, database.alias


def import_articles(
    *,
    records: Iterable[dict],
    batch_size: int = 1000,
    progress: Callable[[int], object] = lambda n: None,
    compare: bool = True,
    report: ImportReport | None = None,
    skip_invalid: bool = False,
) -> ImportSummary:
    """Write imported records in one transaction.

    Without a report, the first bad record rolls the whole import back (its ImportProblem is
    raised). With one, every bad record goes to it (the importer adds those it could not parse):
    then any rolls the import back (InvalidRecords), unless skip_invalid, which imports the rest.
    Then the confirmed stories that changed are compared again (readers see no others), or with
    compare=False marked stale for `manage.py compare_stories` (comparing thousands of stories
    takes longer than importing).
    """
    run = ArticleImport(report)
    with (
        one_at_a_time("article import", wait_seconds=WAIT_FOR_OTHER_IMPORTS_SECONDS),
        sqlite_pragma("cache_size", -IMPORT_CACHE_KIB),
    ):
        creating_articles_in_bulk.send(ArticleImport)
        for batch in batched(records, batch_size):
            run.write_batch(batch)
            progress(len(batch))
        articles_created_in_bulk.send(ArticleImport, first_id=run.first_id)
        if report and not skip_invalid:
            raise InvalidRecords(report)
        run.summary.skipped = report.count if report else 0
        if compare:
            for story in Story.objects.confirmed().filter(pk__in=run.summary.story_ids):
                compare_story(story)
        else:
            mark_stale(run.summary.story_ids)
    return run.summary
