"""Writes that touch several models or have side effects, one function each."""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.coverage import compare_story, mark_stale
from articles.importer import ImportProblem
from articles.models import Annotation, Article, Outlet, Story, StoryComparison, Tag
from articles.sanitize import render_note
from articles.text.anchoring import TextQuote, quote_at, relocate, trim_selection
from articles.text.canonical import content_hash

ARTICLE_FIELDS = ["title", "body", "byline", "published_on", "source_url"]
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
        if not missing:
            return
        wanted = Q(
            *[
                (f"{field}__in", [record[field] for _, record in missing.values()])
                for field in self.unique_fields
            ],
            _connector=Q.OR,
        )
        found = {
            (field, getattr(row, field)): row
            for row in self.model.objects.filter(wanted)
            for field in self.unique_fields
        }
        new_rows = []
        for slug, (source, record) in missing.items():
            keys = [(field, record[field]) for field in self.unique_fields]
            row = next((found[key] for key in keys if key in found), None)
            if row is None:
                row = validated(self.model(**record), source)
                new_rows.append(row)
            self.by_slug[slug] = row
        self.model.objects.bulk_create(new_rows)

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
        new_articles, changed_articles = [], []
        for record, body_hash in zip(records, body_hashes, strict=True):
            previous = existing.get(record["source_file"])
            previous_outlet_id = previous.outlet_id if previous else None
            previous_story_id = previous.story_id if previous else None
            article = self.check_record(record, body_hash, previous)
            if article is None:
                self.summary.unchanged += 1
            elif article.pk is None:
                new_articles.append(article)
            else:
                changed_articles.append((article, article.outlet_id != previous_outlet_id))
            if article is not None:
                self.summary.story_ids.update({article.story_id, previous_story_id} - {None})
        self.check_not_in_database(dict(zip(body_hashes, sources, strict=True)))
        # A changed article keeps its slug (and URL) unless it moved to another outlet.
        self.assign_unique_slugs(new_articles + [article for article, moved in changed_articles if moved])
        for article, _ in changed_articles:
            article.save()
            reanchor_article(article)
        Article.objects.bulk_create(new_articles)
        self.summary.created += len(new_articles)
        self.summary.changed += len(changed_articles)

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
    with transaction.atomic():
        for batch in batched(records, batch_size):
            run.write_batch(batch)
            progress(len(batch))
        if compare:
            for story in Story.objects.filter(pk__in=run.summary.story_ids):
                compare_story(story)
        else:
            mark_stale(run.summary.story_ids)
    return run.summary


class AnnotationError(Exception):
    """A passage that cannot be annotated; the message is for the user."""


def check_passage(article: Article, start: int, end: int, exact: str) -> tuple[int, int]:
    """The passage's offsets with edge whitespace trimmed; raises if it is not the article's text."""
    if not 0 <= start < end <= len(article.body):
        raise AnnotationError("The selection is outside the article's text.")
    if article.body[start:end] != exact:
        raise AnnotationError(
            "The article's text has changed since this page was loaded, so the passage you selected "
            "is not where it was. Copy your note if you wrote one, reload the page and select the "
            "passage again."
        )
    start, end = trim_selection(article.body, start, end)
    if start == end:
        raise AnnotationError("Select some text, not only spaces.")
    return start, end


@transaction.atomic
def create_annotation(
    *, article: Article, author, start: int, end: int, exact: str, tags: list[str], note: str
) -> Annotation:
    """Annotate a passage of an article with tags and a note."""
    # Check against the body as it is now, locked, so a concurrent edit cannot slip in between.
    article = Article.objects.select_for_update().get(pk=article.pk)
    start, end = check_passage(article, start, end, exact)
    quote = quote_at(article.body, start, end)
    annotation = Annotation(
        article=article,
        author=author,
        start=start,
        end=end,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        note=note,
        note_html=render_note(note),
    )
    annotation.full_clean()
    annotation.save()
    annotation.tags.set(Tag.objects.named(tags))
    article.touch_annotations()
    return annotation


@transaction.atomic
def update_annotation(*, annotation: Annotation, tags: list[str], note: str) -> Annotation:
    """The author changes an annotation's tags and note; a real change shows as "edited"."""
    new_tags = Tag.objects.named(tags)
    if note == annotation.note and set(new_tags) == set(annotation.tags.all()):
        return annotation
    annotation.note, annotation.note_html = note, render_note(note)
    annotation.edited_at = timezone.now()
    annotation.save(update_fields=["note", "note_html", "edited_at", "updated_at"])
    annotation.tags.set(new_tags)
    annotation.article.touch_annotations()
    return annotation


@transaction.atomic
def set_annotation_tags(*, annotation: Annotation, tags: list[str]) -> None:
    """An editor moderates an annotation's tags: not the author's edit, so not marked as one."""
    annotation.tags.set(Tag.objects.named(tags))
    annotation.article.touch_annotations()


@transaction.atomic
def delete_annotation(annotation: Annotation) -> None:
    """Hide an annotation; restore_annotation() undoes it."""
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])
    annotation.article.touch_annotations()


@transaction.atomic
def restore_annotation(annotation: Annotation) -> None:
    annotation.deleted_at = None
    annotation.save(update_fields=["deleted_at", "updated_at"])
    annotation.article.touch_annotations()


@dataclass
class ReanchorSummary:
    kept: int = 0
    moved: int = 0
    orphaned: int = 0


@transaction.atomic
def reanchor_article(article: Article) -> ReanchorSummary:
    """Place every annotation of an edited article again; those not found become orphans."""
    summary = ReanchorSummary()
    changed = []
    for annotation in article.annotations.all():
        quote = TextQuote(annotation.exact, annotation.prefix, annotation.suffix)
        anchor = relocate(article.body, start=annotation.start, end=annotation.end, quote=quote)
        if anchor is None:
            summary.orphaned += 1
            annotation.is_orphan = True
        elif anchor.method == "position" and not annotation.is_orphan:
            summary.kept += 1
            continue
        else:
            summary.moved += 1
            # The selectors follow the text, so the next edit is matched against what is there now.
            new_quote = quote_at(article.body, anchor.start, anchor.end)
            annotation.start, annotation.end, annotation.is_orphan = anchor.start, anchor.end, False
            annotation.exact, annotation.prefix, annotation.suffix = (
                new_quote.exact,
                new_quote.prefix,
                new_quote.suffix,
            )
        changed.append(annotation)
    Annotation.objects.bulk_update(changed, ["start", "end", "exact", "prefix", "suffix", "is_orphan"])
    article.touch_annotations()
    return summary


class ClusterError(Exception):
    """A cluster that cannot be annotated (unknown, or the articles changed since)."""


@transaction.atomic
def annotate_cluster(
    *, story: Story, cluster_id: int, author, tags: list[str], note: str
) -> list[Annotation]:
    """Annotate every occurrence of a shared passage with the same tags and note."""
    comparison = StoryComparison.objects.filter(story=story).first()
    clusters = (
        {cluster["id"]: cluster for cluster in comparison.data.get("clusters", [])} if comparison else {}
    )
    if cluster_id not in clusters:
        raise ClusterError("This shared passage does not exist (any more).")
    occurrences = clusters[cluster_id]["occurrences"]
    articles = Article.objects.in_bulk([occurrence["article"] for occurrence in occurrences])
    annotations = []
    for occurrence in occurrences:
        article = articles.get(occurrence["article"])
        if article is None or article.body[occurrence["start"] : occurrence["end"]] != occurrence["text"]:
            raise ClusterError("The articles changed since the comparison was made; reload the page.")
        annotations.append(
            create_annotation(
                article=article,
                author=author,
                start=occurrence["start"],
                end=occurrence["end"],
                exact=occurrence["text"],
                tags=tags,
                note=note,
            )
        )
    return annotations
