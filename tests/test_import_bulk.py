"""A bulk import: records read aside in a child process, ids set by its own inserts, the search index
kept up in one statement, and the comparisons it defers queued for the task worker."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import importer
from articles.importer import ImportProblem, ImportReport, InvalidRecords, iter_records
from articles.models import Article, Outlet, Story
from articles.services.imports import IMPORT_CACHE_KIB, creating_articles_in_bulk, import_articles
from newsroom.jobs.models import Job

pytestmark = pytest.mark.django_db


def record(number: int, body: str, **fields) -> dict:
    return {
        "source_file": f"bulk-{number}",
        "title": f"Title {number}",
        "subtitle": "",
        "body": body,
        "byline": "",
        "language": "",
        "keywords": [],
        "wire_agencies": [],
        "published_on": None,
        "source_url": "",
        "outlet": None,
        "story": None,
    } | fields


def found_by_search(word: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_article WHERE search_article MATCH %s", [word])
        return {row for (row,) in cursor.fetchall()}


def insert_trigger_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_article_insert'")
        return cursor.fetchone()[0]


def test_imported_articles_get_their_ids_and_each_its_own():
    import_articles(records=[record(n, f"Body number {n} of the batch.") for n in range(5)], batch_size=2)
    articles = Article.objects.order_by("source_file")
    assert [a.source_file for a in articles] == [f"bulk-{n}" for n in range(5)]
    assert [a.body for a in articles] == [f"Body number {n} of the batch." for n in range(5)]
    assert len({a.pk for a in articles}) == 5


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_an_import_indexes_its_articles_for_search_and_keeps_the_trigger():
    before = Article.objects.create(title="Before", slug="before", body="An earlier zebrafish text.")
    import_articles(records=[record(1, "A zebrafish swam."), record(2, "No fish here.")])
    imported = Article.objects.get(source_file="bulk-1")
    assert found_by_search("zebrafish") == {before.pk, imported.pk}
    assert insert_trigger_count() == 1
    later = Article.objects.create(title="After", slug="after", body="A later zebrafish text.")
    assert later.pk in found_by_search("zebrafish")  # the trigger indexes single writes again


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_refused_import_leaves_the_trigger_and_index_as_they_were():
    report = ImportReport()
    report.add(ImportProblem("bad.json", "missing title"))
    with pytest.raises(InvalidRecords):
        import_articles(records=[record(1, "A zebrafish swam.")], report=report)
    assert insert_trigger_count() == 1
    assert not Article.objects.exists()
    assert found_by_search("zebrafish") == set()


def test_new_articles_carry_the_moment_of_their_import_and_their_fields():
    import_articles(
        records=[record(1, "A text.", keywords=["Politics"], published_on=datetime.date(2024, 9, 12))]
    )
    article = Article.objects.get()
    assert article.imported_at == article.updated_at == article.annotations_changed_at
    assert abs(timezone.now() - article.imported_at) < datetime.timedelta(minutes=1)
    assert (article.keywords, article.published_on) == (["Politics"], datetime.date(2024, 9, 12))


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_import_connection_has_a_larger_page_cache_while_it_imports_only():
    usual, during = cache_size(), []

    def note_cache_size(**kwargs):
        during.append(cache_size())

    creating_articles_in_bulk.connect(note_cache_size)
    try:
        import_articles(records=[record(1, "A text.")])
    finally:
        creating_articles_in_bulk.disconnect(note_cache_size)
    assert during == [-IMPORT_CACHE_KIB]
    assert cache_size() == usual != -IMPORT_CACHE_KIB


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_an_import_from_the_command_line_that_defers_comparison_queues_them(tmp_path):
    proposed = Story.objects.create(title="Proposed", slug="proposed", status=Story.Status.PROPOSED)
    articles = [
        {"title": "One", "body": "The first text.", "story": "Confirmed story"},
        {"title": "Two", "body": "The second text.", "story": "Confirmed story"},
        {"title": "Three", "body": "The third text.", "story": "Proposed"},
    ]
    (tmp_path / "bulk.json").write_text(json.dumps(articles))
    out = StringIO()
    call_command("import_corpus", tmp_path / "bulk.json", "--defer-comparison", "--no-grouping", stdout=out)
    confirmed = Story.objects.get(slug="confirmed-story")
    jobs = Job.objects.filter(kind=Job.Kind.COMPARE_STORY)
    assert [(job.arguments["story_id"], job.status) for job in jobs] == [(confirmed.pk, Job.Status.QUEUED)]
    assert proposed.articles.count() == 1
    assert "Queued for comparison: 1 story" in out.getvalue()


def test_outlets_and_stories_named_in_any_script_are_imported_with_pages_of_their_own(tmp_path, client):
    names = ["הארץ", "日本経済新聞", "Ελευθεροτυπία"]
    articles = [
        {"source_file": name, "title": f"Title {n}", "body": f"Text {n}.", "outlet": name, "story": name}
        for n, name in enumerate(names)
    ]
    (tmp_path / "bulk.json").write_text(json.dumps(articles))

    def import_bulk() -> str:
        out = StringIO()
        call_command(
            "import_corpus", tmp_path / "bulk.json", "--defer-comparison", "--no-grouping", stdout=out
        )
        return out.getvalue().splitlines()[0]

    assert import_bulk() == "Imported: 3 new, 0 changed, 0 unchanged"
    outlets, stories = Outlet.objects.all(), Story.objects.all()
    assert sorted(outlets.values_list("name", flat=True)) == sorted(names)
    assert sorted(stories.values_list("title", flat=True)) == sorted(names)
    assert len({row.slug for row in [*outlets, *stories]}) == 6
    for row in [*outlets, *stories]:
        row.full_clean()  # an ASCII slug, as SlugField and the URL want
        assert client.get(row.get_absolute_url()).status_code == 200

    assert import_bulk() == "Imported: 0 new, 0 changed, 3 unchanged"
    assert (Outlet.objects.count(), Story.objects.count()) == (3, 3)


def bulk_file_with_bad_records(folder) -> Path:
    articles = [
        {"title": "One", "body": "The first text."},
        {"title": "", "body": "No title."},
        {"title": "Three", "body": "The third text.", "date": "soon"},
        {"title": "Four", "body": "The fourth text."},
    ]
    (folder / "bulk.json").write_text(json.dumps(articles))
    return folder / "bulk.json"


def test_records_read_aside_are_those_read_here_with_the_same_problems_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_RECORDS", 1)  # several chunks
    path = bulk_file_with_bad_records(tmp_path)
    here, aside = ImportReport(), ImportReport()
    assert list(importer.iter_records_aside([path], None, aside)) == list(iter_records([path], None, here))
    assert [str(problem) for problem in aside.problems] == [str(problem) for problem in here.problems]
    assert [problem.index for problem in aside.problems] == [2, 3]


def test_without_a_report_reading_aside_raises_the_first_problem(tmp_path):
    path = bulk_file_with_bad_records(tmp_path)
    with pytest.raises(ImportProblem) as here:
        list(iter_records([path]))
    with pytest.raises(ImportProblem) as aside:
        list(importer.iter_records_aside([path]))
    assert str(aside.value) == str(here.value)
