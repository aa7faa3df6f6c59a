"""Writes that touch several models or have side effects, one function each."""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from articles.canonical import content_hash
from articles.importer import ImportProblem
from articles.models import Article, Outlet, Story

ARTICLE_FIELDS = ["title", "body", "byline", "published_on", "source_url"]


@dataclass
class ImportSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} new, {self.changed} changed, {self.unchanged} unchanged"


def record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


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
    """Outlets and stories by slug, created on first use and remembered for the import."""

    def __init__(self, model):
        self.model = model
        self.by_slug = {}

    def get(self, source: str, record: dict | None):
        if record is None:
            return None
        slug = record["slug"]
        if slug not in self.by_slug:
            row = self.model.objects.filter(slug=slug).first()
            if row is None:
                row = validated(self.model(**record), source)
                row.save()
            self.by_slug[slug] = row
        return self.by_slug[slug]


class ArticleImport:
    """One all-or-nothing import: checks every record, then writes it with its batch."""

    def __init__(self):
        self.summary = ImportSummary()
        self.outlets = RelatedRows(Outlet)
        self.stories = RelatedRows(Story)
        self.source_by_hash: dict[str, str] = {}
        self.seen_sources: set[str] = set()

    def write_batch(self, records: list[dict]) -> None:
        sources = [record["source_file"] for record in records]
        existing = Article.objects.filter(source_file__in=sources).in_bulk(field_name="source_file")
        new_articles = []
        for record in records:
            article = self.check_record(record, existing.get(record["source_file"]))
            if article is None:
                self.summary.unchanged += 1
            elif article.pk is None:
                new_articles.append(article)
            else:
                article.save()
                self.summary.changed += 1
        self.check_not_in_database(records)
        self.assign_unique_slugs(new_articles)
        Article.objects.bulk_create(new_articles)
        self.summary.created += len(new_articles)

    def check_record(self, record: dict, article: Article | None) -> Article | None:
        """The article to write for a record (None if unchanged); raises on bad input."""
        source = record["source_file"]
        if source in self.seen_sources:
            raise ImportProblem(source, "the name appears twice in this import")
        self.seen_sources.add(source)
        first_source = self.source_by_hash.setdefault(content_hash(record["body"]), source)
        if first_source != source:
            raise ImportProblem(source, f"the same text as {first_source}")
        new_hash = record_hash(record)
        if article is not None and article.source_hash == new_hash:
            return None
        article = article or Article(source_file=source, slug=slugify(record["title"])[:180] or "article")
        for name in ARTICLE_FIELDS:
            setattr(article, name, record[name])
        article.outlet = self.outlets.get(source, record["outlet"])
        article.story = self.stories.get(source, record["story"])
        article.source_hash = new_hash
        return validated(article, source, exclude=["outlet", "story"])

    def check_not_in_database(self, records: list[dict]) -> None:
        """A text already imported under another name is a duplicate file."""
        by_hash = {content_hash(record["body"]): record["source_file"] for record in records}
        clashes = (
            Article.objects.filter(content_hash__in=by_hash)
            .exclude(source_file__in=by_hash.values())
            .values_list("content_hash", "source_file")
        )
        for body_hash, other in clashes[:1]:
            raise ImportProblem(by_hash[body_hash], f"the same text as the already imported {other}")

    def assign_unique_slugs(self, articles: list[Article]) -> None:
        taken = set(
            Article.objects.filter(slug__in=[article.slug for article in articles])
            .values_list("outlet_id", "slug")
        )
        for article in articles:
            base, number = article.slug, 1
            while (article.outlet_id, article.slug) in taken:
                number += 1
                article.slug = f"{base}-{number}"
                taken.update(
                    Article.objects.filter(outlet_id=article.outlet_id, slug=article.slug)
                    .values_list("outlet_id", "slug")
                )
            taken.add((article.outlet_id, article.slug))


def import_articles(
    *, records: Iterable[dict], batch_size: int = 1000, progress: Callable[[int], object] = lambda n: None
) -> ImportSummary:
    """Write imported records, all or nothing: any ImportProblem rolls the whole import back."""
    run = ArticleImport()
    with transaction.atomic():
        for batch in batched(records, batch_size):
            run.write_batch(batch)
            progress(len(batch))
    return run.summary
