"""Imports of real, messy data: every bad record reported, nothing imported by default or the good
records with --skip-invalid, exact duplicates recorded once, the report in the admin."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.importer import ImportReport, InvalidRecords, iter_records
from articles.models import Article, DuplicateArticle, Outlet, Story
from articles.services.imports import import_articles
from newsroom.jobs.models import Job
from tests.tasking import run_queued_tasks
from tests.test_import_command import FIXTURES, row_counts, snapshot, write_corpus
from tests.test_import_formats import PAGE

pytestmark = pytest.mark.django_db


def body(n: int) -> str:
    """A one-line wire body, different for each n."""
    return f"The council voted {n} times on Tuesday to delay the budget, officials said in a statement."


def article(n: int, **fields) -> dict:
    return {"source_file": f"art-{n}", "title": f"Council vote {n}", "body": body(n), **fields}


def run(*args, stdout: StringIO | None = None, stderr: StringIO | None = None) -> str:
    stdout = stdout or StringIO()
    call_command("import_corpus", *map(str, args), stdout=stdout, stderr=stderr or StringIO())
    return stdout.getvalue()


def refusal(*args) -> tuple[str, str]:
    """The command's error and what it wrote to stderr."""
    stderr = StringIO()
    with pytest.raises(CommandError) as caught:
        run(*args, stderr=stderr)
    return str(caught.value), stderr.getvalue()


@pytest.fixture
def messy(tmp_path) -> Path:
    """A folder of good files with three bad records in two formats."""
    return write_corpus(
        tmp_path / "messy",
        {
            "feed.jsonl": "".join(
                json.dumps(item) + "\n"
                for item in [
                    article(1, outlet="The Daily"),
                    article(2, title=""),  # bad: no title
                    article(3, outlet="The Daily", date="2024-03-06"),
                ]
            ),
            "more.json": [article(4), article(5, date="someday"), {**article(6), "body": "{mosads}"}],
            "note.txt": "A text file\nIts body, on one line.",
        },
    )


# Every bad record, then nothing or the good ones ---------------------------------------------------


def test_by_default_every_bad_record_is_reported_and_nothing_imported(messy):
    message, stderr = refusal(messy)

    assert message == (
        "Nothing was imported: 3 bad records (listed above; --skip-invalid imports the others)."
    )
    assert stderr.splitlines()[1:] == [
        "  feed.jsonl #2 (art-2): missing title",
        "  more.json #2 (art-5): date 'someday' is not a date like 2018-06-20",
        "  more.json #3 (art-6): the article has a title but no body text",
    ]
    assert row_counts() == (0, 0, 0)


def test_skip_invalid_imports_the_good_records_and_reports_the_others(messy):
    stderr = StringIO()
    output = run(messy, "--skip-invalid", stderr=stderr)

    assert output.splitlines()[0] == "Imported: 4 new, 0 changed, 0 unchanged, 3 bad records skipped"
    assert "feed.jsonl #2 (art-2): missing title" in stderr.getvalue()
    assert sorted(Article.objects.values_list("source_file", flat=True)) == [
        "art-1",
        "art-3",
        "art-4",
        "note.txt",
    ]
    assert list(Outlet.objects.values_list("name", flat=True)) == ["The Daily"]


def test_a_bad_record_leaves_no_outlet_or_story_behind(tmp_path):
    corpus = write_corpus(
        tmp_path / "c",
        {"a.json": [article(1), article(2, title="", outlet="Ghost Outlet", story="Ghost story")]},
    )

    run(corpus, "--skip-invalid")

    assert Article.objects.count() == 1 and not Outlet.objects.exists() and not Story.objects.exists()


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_the_report_can_be_written_to_a_file(messy, tmp_path, suffix):
    report = tmp_path / f"report{suffix}"

    run(messy, "--skip-invalid", "--report", report)

    if suffix == ".json":
        data = json.loads(report.read_text())
        assert data["bad_records"] == 3
        assert data["listed"][0] == {
            "file": "feed.jsonl",
            "index": 2,
            "name": "art-2",
            "reason": "missing title",
        }
    else:
        rows = list(csv.DictReader(report.open()))
        assert [(row["file"], row["index"], row["reason"]) for row in rows][1] == (
            "more.json",
            "2",
            "date 'someday' is not a date like 2018-06-20",
        )


def test_a_report_file_of_another_kind_is_refused_before_importing(messy, tmp_path):
    message, _ = refusal(messy, "--report", tmp_path / "report.txt")

    assert message == "--report must name a .csv or .json file."
    assert row_counts() == (0, 0, 0)


def test_a_report_file_in_a_missing_folder_is_refused_before_importing(messy, tmp_path):
    message, _ = refusal(messy, "--skip-invalid", "--report", tmp_path / "missing" / "report.csv")

    assert message == f"--report names a file in {tmp_path / 'missing'}, which is no folder."
    assert row_counts() == (0, 0, 0)


def test_one_bad_record_is_named_in_the_error_itself(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.json": [article(1), article(2, url="ftp://x")]})

    message, _ = refusal(corpus)

    assert (
        message
        == "Nothing was imported. a.json #2 (art-2): URL 'ftp://x' must start with http:// or https://"
    )


def test_a_record_refused_by_the_model_is_reported_with_its_place(tmp_path):
    corpus = write_corpus(
        tmp_path / "c", {"a.json": [article(1), article(2, url="https://x.example/" + "p" * 2000)]}
    )

    stderr = StringIO()
    run(corpus, "--skip-invalid", stderr=stderr)

    assert "a.json #2 (art-2): source_url: Ensure this value has at most 2000 characters" in stderr.getvalue()
    assert list(Article.objects.values_list("source_file", flat=True)) == ["art-1"]


def test_the_default_mode_rolls_back_batches_written_before_a_bad_record(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.json": [article(n) for n in range(5)] + [article(9, title="")]})
    report = ImportReport()

    with pytest.raises(InvalidRecords):
        import_articles(records=iter_records([corpus], report=report), batch_size=2, report=report)

    assert row_counts() == (0, 0, 0)


def test_an_earlier_import_stays_as_it_was_when_a_later_one_is_refused(tmp_path):
    run(FIXTURES)
    before = snapshot()
    corpus = write_corpus(tmp_path / "c", {"a.json": [article(1), article(2, title="")]})

    refusal(corpus)

    assert snapshot() == before


# Exact duplicates ------------------------------------------------------------------------------------


def test_duplicates_in_one_import_are_kept_once_and_recorded(tmp_path):
    corpus = write_corpus(
        tmp_path / "c",
        {
            "a.json": [
                article(1, outlet="The Daily"),
                article(2),
                {
                    **article(3, outlet="The Wire", url="https://wire.example/3", date="2024-03-06"),
                    "body": body(1),
                },
            ],
            "b.jsonl": json.dumps({**article(4), "body": body(2)}) + "\n",
        },
    )

    output = run(corpus)

    assert output.splitlines()[0] == "Imported: 2 new, 0 changed, 0 unchanged, 2 duplicates recorded"
    kept = Article.objects.get(source_file="art-1")
    duplicate = kept.duplicates.get()
    assert (duplicate.source_file, duplicate.title, duplicate.outlet_name) == (
        "art-3",
        "Council vote 3",
        "The Wire",
    )
    assert duplicate.source_url == "https://wire.example/3" and str(duplicate.published_on) == "2024-03-06"
    assert Article.objects.get(source_file="art-2").duplicates.get().source_file == "art-4"
    assert not Outlet.objects.filter(name="The Wire").exists()  # only the kept article's outlet


def test_a_duplicate_in_the_same_batch_links_to_its_article_written_with_it(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.json": [article(1), {**article(2), "body": body(1)}]})
    report = ImportReport()

    summary = import_articles(records=iter_records([corpus], report=report), batch_size=10, report=report)

    assert (summary.created, summary.duplicates) == (1, 1)
    assert DuplicateArticle.objects.get().article == Article.objects.get()


def test_a_duplicate_of_an_article_in_the_database_is_recorded(tmp_path):
    run(write_corpus(tmp_path / "first", {"a.json": [article(1)]}))

    output = run(write_corpus(tmp_path / "second", {"b.json": [{**article(7), "body": body(1)}]}))

    assert output.splitlines()[0] == "Imported: 0 new, 0 changed, 0 unchanged, 1 duplicate recorded"
    assert DuplicateArticle.objects.get().article.source_file == "art-1"


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    corpus = write_corpus(
        tmp_path / "c", {"a.json": [article(1), article(2), {**article(3), "body": body(1)}]}
    )
    run(corpus)
    before = snapshot(), list(DuplicateArticle.objects.values_list("pk", "article_id", "recorded_at"))

    output = run(corpus)

    assert output.splitlines()[0] == "Imported: 0 new, 0 changed, 3 unchanged"
    assert (
        snapshot(),
        list(DuplicateArticle.objects.values_list("pk", "article_id", "recorded_at")),
    ) == before


def test_a_recorded_duplicate_whose_text_becomes_its_own_becomes_an_article(tmp_path):
    run(write_corpus(tmp_path / "c", {"a.json": [article(1), {**article(2), "body": body(1)}]}))

    run(write_corpus(tmp_path / "c", {"a.json": [article(1), article(2)]}))

    assert not DuplicateArticle.objects.exists()
    assert Article.objects.get(source_file="art-2").body == body(2)


def test_an_imported_article_cannot_become_a_duplicate(tmp_path):
    run(write_corpus(tmp_path / "c", {"a.json": [article(1), article(2)]}))

    message, _ = refusal(
        write_corpus(tmp_path / "c", {"a.json": [article(1), {**article(2), "body": body(1)}]})
    )

    assert message.startswith(
        "Nothing was imported. a.json #2 (art-2): its new text is exactly the text of art-1"
    )


def test_find_near_duplicates_lists_the_recorded_duplicates(tmp_path):
    run(
        write_corpus(
            tmp_path / "c", {"a.json": [article(1), {**article(2, outlet="The Wire"), "body": body(1)}]}
        )
    )
    kept = Article.objects.get()

    text = StringIO()
    call_command("find_near_duplicates", stdout=text)
    as_json = StringIO()
    call_command("find_near_duplicates", "--json", stdout=as_json)

    assert f"1.00  #{kept.pk} Council vote 1  =  art-2 (The Wire)" in text.getvalue()
    assert text.getvalue().splitlines()[-1] == "Exact duplicates recorded on import: 1"
    assert json.loads(as_json.getvalue()) == [
        {"a": kept.pk, "duplicate": "art-2", "similarity": 1.0, "exact": True}
    ]


# New fields reach the article -----------------------------------------------------------------------


def test_the_new_fields_are_stored(tmp_path):
    fields = {
        "subtitle": "A close vote",
        "language": "en",
        "authors": ["Jane Doe", "Ann Lee"],
        "tags": ["Budget"],
    }
    run(write_corpus(tmp_path / "c", {"a.json": [article(1, **fields)]}))

    stored = Article.objects.get()
    assert (stored.subtitle, stored.language, stored.byline, stored.keywords) == (
        "A close vote",
        "en",
        "Jane Doe and Ann Lee",
        ["Budget"],
    )


def test_a_body_with_lost_characters_is_marked_damaged(tmp_path):
    run(
        write_corpus(
            tmp_path / "c",
            {"a.json": [{**article(1), "body": "The mayor\ufffds office said no."}, article(2)]},
        )
    )

    assert list(Article.objects.filter(text_damaged=True).values_list("source_file", flat=True)) == ["art-1"]


# Story grouping is queued after an import that created articles ---------------------------------------


def grouping_jobs() -> int:
    return Job.objects.filter(kind=Job.Kind.GROUP_STORIES).count()


def test_an_import_that_creates_articles_queues_the_grouping(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.json": [article(1)]})

    output = run(corpus)
    assert grouping_jobs() == 1 and "Grouping of the new articles into proposed stories: queued" in output

    run(corpus)  # nothing new: nothing to group
    assert grouping_jobs() == 1


def test_no_grouping_leaves_it_out(tmp_path):
    run(write_corpus(tmp_path / "c", {"a.json": [article(1)]}), "--no-grouping")

    assert grouping_jobs() == 0


# The admin's upload ----------------------------------------------------------------------------------


@pytest.fixture
def editor(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "jobs"},
        },
    }
    client.force_login(User.objects.create_superuser("editor", password="pw"))
    return client


def upload(client, name: str, content: bytes, **fields):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:articles_article_import"), {"file": file, **fields}, follow=True)


CSV_UPLOAD = (
    b"title,body,outlet\n"
    b'Good one,"First line.\nSecond line.",The Daily\n'
    b",No title here.,The Daily\n"
    b"Second good one,Another body.,The Daily\n"
    b"Bad <b>date</b>,Text.,The Daily,extra\n"
)


def test_the_upload_page_offers_every_format_and_skipping_invalid_records(editor):
    page = editor.get(reverse("admin:articles_article_import")).text

    assert 'type="checkbox" name="skip_invalid"' in page and "Skip invalid records" in page
    assert 'aria-describedby="id_skip_invalid_helptext"' in page


def test_an_upload_with_bad_records_imports_nothing_and_the_job_page_lists_them(editor):
    upload(editor, "export.csv", CSV_UPLOAD)

    run_queued_tasks()

    job = Job.objects.get(kind=Job.Kind.IMPORT_ARTICLES)
    assert job.result["report"].startswith("Nothing was imported: 2 bad records, listed below.")
    assert job.result["bad_records"] == 2
    page = editor.get(reverse("admin:jobs_job_change", args=[job.pk])).text
    assert "<caption>Bad records (2)</caption>" in page
    assert "<td>export.csv</td><td>2</td><td></td><td>missing title</td>" in page
    assert (
        "<td>export.csv</td><td>4</td><td>Bad &lt;b&gt;date&lt;/b&gt;</td>"
        "<td>the row has 4 cells; the header names 3</td>" in page
    )
    assert not Article.objects.exists()


def test_the_job_of_an_upload_names_the_file_on_its_page_and_in_the_job_list(editor):
    upload(editor, "export.csv", CSV_UPLOAD)
    upload(editor, "export.csv", CSV_UPLOAD)  # the same name again: a second import, not the first one

    jobs = Job.objects.filter(kind=Job.Kind.IMPORT_ARTICLES)
    assert [job.subject for job in jobs] == ["export.csv", "export.csv"]
    page = editor.get(reverse("admin:jobs_job_change", args=[jobs[0].pk])).text
    assert '<div class="readonly">export.csv</div>' in page
    assert "article import export.csv" in page
    listing = editor.get(reverse("admin:jobs_job_changelist")).text
    assert listing.count("article import export.csv") >= 2


def test_a_long_upload_name_is_shortened_to_fit_the_subject(editor):
    name = "x" * 150 + ".csv"
    upload(editor, name, CSV_UPLOAD)

    subject = Job.objects.get(kind=Job.Kind.IMPORT_ARTICLES).subject
    assert len(subject) == Job._meta.get_field("subject").max_length and subject.startswith("xxx")


def test_an_upload_with_skip_invalid_imports_the_good_records(editor):
    upload(editor, "export.csv", CSV_UPLOAD, skip_invalid="on")

    run_queued_tasks()

    job = Job.objects.get(kind=Job.Kind.IMPORT_ARTICLES)
    assert job.result["report"].startswith("Imported: 2 new, 0 changed, 0 unchanged, 2 bad records skipped.")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Second good one"]
    assert Job.objects.filter(kind=Job.Kind.GROUP_STORIES).exists()
    page = editor.get(reverse("admin:jobs_job_change", args=[job.pk])).text
    assert "missing title" in page and "Bad <b>" not in page


@pytest.mark.parametrize(
    "name, content",
    [
        ("feed.jsonl", (json.dumps(article(1)) + "\n").encode()),
        ("page.html", PAGE.encode()),
    ],
)
def test_json_lines_and_web_pages_can_be_uploaded(editor, name, content):
    upload(editor, name, content)

    run_queued_tasks()

    assert Job.objects.get(kind=Job.Kind.IMPORT_ARTICLES).result["report"].startswith("Imported: 1 new")
    assert Article.objects.count() == 1


def test_the_article_admin_lists_damaged_texts_and_shows_duplicates(editor, tmp_path):
    run(
        write_corpus(
            tmp_path / "c",
            {
                "a.json": [
                    {**article(1), "body": "Lost \ufffd here."},
                    article(2),
                    {**article(3), "body": body(2)},
                ]
            },
        )
    )
    damaged = editor.get(reverse("admin:articles_article_changelist"), {"text_damaged__exact": "1"})
    kept = Article.objects.get(source_file="art-2")

    assert [row.source_file for row in damaged.context["cl"].result_list] == ["art-1"]
    change = editor.get(reverse("admin:articles_article_change", args=[kept.pk])).text
    assert "art-3" in change and "Duplicate records (the same text, imported under other names)" in change
    listing = editor.get(reverse("admin:articles_duplicatearticle_changelist")).text
    assert "art-3" in listing
