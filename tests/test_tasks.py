"""Background work: each kind goes through a task run by django_tasks_db's worker, its page says
it is being computed and then shows the result; failures are tried again, then shown to staff; the
tasks of a dead worker are run again, once in effect. (test_tasks_worker.py: real worker processes.)"""

import io
import json
import stat
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import jobs as article_jobs
from articles.models import Annotation, Article, Story, StoryComparison
from articles.services import articles as article_services
from articles.services.articles import update_article_text, update_article_text_later
from articles.services.coverage import compare_later
from newsroom.api.export import ExportFilters, background, csv_chunks
from newsroom.jobs.models import Job, Worker
from newsroom.jobs.services import LOST_AFTER, MAX_ATTEMPTS, RETRY_DELAYS, requeue_lost_tasks, start_job
from newsroom.search import index
from tests.base import FIXTURES, annotate, make_article, make_story
from tests.tasking import run_queued_tasks

pytestmark = pytest.mark.django_db

BODY = (
    "Microsoft employees protested the contract.\n\n"
    "The letter said the company must cancel it.\n\n"
    "Nadella answered in an email to all staff."
)


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "jobs"},
        },
    }


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", password="pw")


@pytest.fixture
def story():
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    return Story.objects.get()


def status_of(client, job) -> dict:
    response = client.get(reverse("jobs:status", args=[job.pk]))
    return response.json() if response.status_code == 200 else {"status_code": response.status_code}


def article_form(article, **changes) -> dict:
    fields = {"title": article.title, "slug": article.slug, "body": article.body, "source_url": ""}
    fields |= {"outlet": article.outlet_id or "", "story": article.story_id or ""}
    return fields | changes


# Story comparisons


def test_an_edit_in_the_admin_has_the_story_compared_by_the_worker_and_the_page_says_so(
    client, story, editor
):
    article = story.articles.first()
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    assert client.post(change_url, article_form(article, title="A new title")).status_code == 302

    job = Job.objects.get(kind=Job.Kind.COMPARE_STORY)
    reader = Client()
    page = reader.get(reverse("articles:story_coverage", args=[story.slug])).text
    assert "The comparison is being computed" in page or "the comparison is being computed" in page
    assert f'data-job-status="{reverse("jobs:status", args=[job.pk])}"' in page
    assert "js/job-status.js" in page
    assert status_of(reader, job) == {"status": "queued", "finished": False}
    assert StoryComparison.objects.get(story=story).is_stale

    run_queued_tasks()

    assert status_of(reader, job) == {"status": "done", "finished": True}
    page = reader.get(reverse("articles:story_coverage", args=[story.slug])).text
    assert "being computed" not in page and "data-job-status" not in page
    comparison = StoryComparison.objects.get(story=story)
    assert not comparison.is_stale and "A new title" in json.dumps(comparison.data)


def test_edits_made_while_a_comparison_waits_share_it(story):
    compare_later([story.pk])
    compare_later([story.pk])

    assert Job.objects.filter(kind=Job.Kind.COMPARE_STORY).count() == 1
    run_queued_tasks()
    compare_later([story.pk])  # the first has run: a new one reads the new text
    assert Job.objects.filter(kind=Job.Kind.COMPARE_STORY).count() == 2


# Re-anchoring after a big edit


def test_a_small_edit_is_placed_again_in_the_request(client, editor, alice):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "the company must cancel it")
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, body="A.\n\n" + BODY),
    )

    annotation.refresh_from_db()
    assert annotation.start == BODY.index("the company") + len("A.\n\n")
    assert not Job.objects.filter(kind=Job.Kind.ARTICLE_TEXT).exists()


def test_a_big_edit_is_saved_by_the_worker_with_its_annotations_placed_again(
    client, editor, alice, monkeypatch
):
    monkeypatch.setattr(article_services, "REANCHOR_IN_REQUEST_UP_TO", 1)
    article = make_article(body=BODY)
    moved = annotate(article, alice, "the company must cancel it")
    annotate(article, alice, "Nadella answered")
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    new_body = "A new first paragraph.\n\n" + BODY

    response = client.post(change_url, article_form(article, title="Retitled", body=new_body), follow=True)

    assert "it is being saved in the background" in response.text
    article.refresh_from_db()
    assert (article.title, article.body) == ("Retitled", BODY)  # the rest now, the text with its annotations
    job = Job.objects.get(kind=Job.Kind.ARTICLE_TEXT)
    assert job.owner == editor
    job_page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).text
    assert f'data-job-status="{reverse("jobs:status", args=[job.pk])}"' in job_page
    # Another new text waits for this one.
    again = client.post(change_url, article_form(article, body=BODY + "\n\nMore."))
    assert again.status_code == 200 and "still being saved" in again.text

    run_queued_tasks()

    article.refresh_from_db()
    moved.refresh_from_db()
    assert article.body == new_body
    assert article.body[moved.start : moved.end] == "the company must cancel it"
    job.refresh_from_db()
    assert (job.status, job.result["moved"], job.result["orphaned"]) == (Job.Status.DONE, 2, 0)
    assert "2 moved, 0 orphaned" in client.get(reverse("admin:jobs_job_change", args=[job.pk])).text


def test_a_big_edit_overtaken_by_another_change_fails_at_once_and_says_why(editor):
    article = make_article(body=BODY)
    job = update_article_text_later(article, "The editor's text.", editor)
    article.body = "A re-import's text."
    update_article_text(article)

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert "changed again meanwhile" in job.error
    article.refresh_from_db()
    assert article.body == "A re-import's text."


# Imports from the admin


def zipped(files: dict[str, bytes], links: dict[str, str] | None = None, name: str = "corpus.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
        for path, target in (links or {}).items():
            info = zipfile.ZipInfo(path)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def fixture_files(folder: str = "corpus/") -> dict[str, bytes]:
    return {f"{folder}{path.name}": path.read_bytes() for path in FIXTURES.iterdir() if path.is_file()}


def upload(client, file):
    return client.post(reverse("admin:articles_article_import"), {"file": file}, follow=True)


def test_staff_import_a_zipped_folder_and_read_the_report_when_it_is_done(client, editor):
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_article_changelist")).text
    assert f'href="{reverse("admin:articles_article_import")}"' in listing

    response = upload(client, zipped(fixture_files()))

    job = Job.objects.get(kind=Job.Kind.IMPORT_ARTICLES)
    assert response.redirect_chain[-1][0] == reverse("admin:jobs_job_change", args=[job.pk])
    assert "“corpus.zip” is being imported" in response.text and "data-job-status" in response.text
    assert not Article.objects.exists()

    run_queued_tasks()

    assert Article.objects.count() == 5
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).text
    assert "Imported: 5 new, 0 changed, 0 unchanged. 1 story to compare again." in page
    assert "data-job-status" not in page
    comparison = StoryComparison.objects.get()  # compared by the job the import queued
    assert comparison.record.passages and not comparison.is_stale


def test_an_import_that_fails_on_a_file_imports_nothing_and_says_why(client, editor):
    client.force_login(editor)
    records = [{"source_file": "a.txt", "title": "A", "body": "Text."}, {"source_file": "b.txt", "title": ""}]
    upload(client, SimpleUploadedFile("bulk.json", json.dumps(records).encode()))

    run_queued_tasks()

    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.result["report"].startswith(
        "Nothing was imported. bulk.json #2"
    )
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "file, problem",
    [
        (zipped(fixture_files(), links={"corpus/evil.txt": "/etc/passwd"}), "evil.txt: a symbolic link"),
        (SimpleUploadedFile("corpus.zip", b"not a zip"), "corpus.zip: not a zip file"),
    ],
)
def test_a_zip_with_a_link_or_no_zip_at_all_imports_nothing(client, editor, file, problem):
    client.force_login(editor)
    upload(client, file)

    run_queued_tasks()

    assert problem in Job.objects.get().result["report"]
    assert not Article.objects.exists()


def test_uploads_too_large_or_of_another_kind_are_refused_at_once(client, editor, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    client.force_login(editor)

    too_large = upload(client, SimpleUploadedFile("bulk.json", b"[" + b" " * 1000 + b"]"))
    other_kind = upload(client, SimpleUploadedFile("notes.txt", b"A title\n\nText."))

    assert "The file is larger than 1000" in too_large.text
    assert "Choose a file of one of these kinds: .csv, .htm, .html, .json, .jsonl, .zip." in other_kind.text
    assert not Job.objects.exists()


def test_staff_who_may_add_articles_follow_their_import_without_rights_over_jobs(client, alice):
    alice.is_staff = True
    alice.save()
    alice.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    client.force_login(alice)
    response = upload(client, zipped(fixture_files()))
    job = Job.objects.get()
    others = start_job(Job.Kind.IMPORT_ARTICLES, owner=User.objects.create_user("other"), name="x.zip")

    run_queued_tasks()

    assert response.status_code == 200 and "“corpus.zip” is being imported" in response.text
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert "Imported: 5 new" in page.text
    assert client.get(reverse("admin:jobs_job_change", args=[others.pk])).status_code == 403
    assert client.get(reverse("admin:jobs_job_changelist")).status_code == 403


def test_only_staff_who_may_add_articles_import(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    assert client.get(reverse("admin:articles_article_import")).status_code == 403
    assert upload(client, zipped(fixture_files())).status_code == 403
    assert not Job.objects.exists()


# Large exports


@pytest.fixture
def annotated(alice):
    article = make_article(body=BODY)
    for text in ["Microsoft employees", "the company must cancel it", "Nadella answered"]:
        annotate(article, alice, text, tags=["contract"], note="=SUM(A1)")
    return article


def test_a_large_export_is_written_by_the_worker_for_who_asked_only(
    client, alice, bob, annotated, monkeypatch
):
    monkeypatch.setattr(background, "STREAMED_UP_TO", 2)
    client.force_login(alice)

    offer = client.get(reverse("export_download"), {"format": "csv", "tag": "contract"})

    assert offer.status_code == 200 and "3 annotations match" in offer.text
    assert not Job.objects.exists()  # a GET changes nothing: the POST below starts it
    response = client.post(reverse("export_prepare"), {"format": "csv", "tag": "contract"})
    job = Job.objects.get(kind=Job.Kind.EXPORT_ANNOTATIONS)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    page = client.get(response.url).text
    assert "Being prepared in the background" in page and "js/job-status.js" in page
    assert status_of(client, job)["finished"] is False

    run_queued_tasks()

    page = client.get(response.url).text
    download_url = reverse("jobs:download", args=[job.pk])
    assert f'href="{download_url}"' in page and "ready to download" in page
    download = client.get(download_url)
    assert download["Content-Disposition"].startswith('attachment; filename="newsroom-annotations-')
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    written = b"".join(download.streaming_content).decode()
    streamed = "".join(csv_chunks("http://testserver", alice, ExportFilters(tag="contract")))
    assert written == streamed and written.count("'=SUM(A1)") == 3
    # Nobody else gets it, or learns that it exists.
    client.force_login(bob)
    for url in [response.url, download_url, reverse("jobs:status", args=[job.pk])]:
        assert client.get(url).status_code == 404
    assert Client().get(reverse("jobs:status", args=[job.pk])).status_code == 404
    assert Client().get(download_url).status_code == 302  # to the login page


def test_a_large_export_asked_for_signed_out_needs_a_sign_in(client, annotated, monkeypatch):
    monkeypatch.setattr(background, "STREAMED_UP_TO", 2)

    offer = client.get(reverse("export_download"), {"format": "jsonld"})

    assert "sign in</a> to have it prepared" in offer.text
    assert client.post(reverse("export_prepare"), {"format": "jsonld"}).status_code == 302
    assert not Job.objects.exists()


def test_small_exports_still_stream(client, alice, annotated):
    client.force_login(alice)
    response = client.get(reverse("export_download"), {"format": "csv"})
    assert response.streaming and not Job.objects.exists()


# Index rebuilds


def test_the_search_index_is_rebuilt_by_the_worker_when_asked_to(alice):
    make_article(body=BODY)
    out = StringIO()
    call_command("rebuild_search_index", "--background", stdout=out)
    job = Job.objects.get(kind=Job.Kind.REBUILD_SEARCH_INDEX)
    assert str(job.pk) in out.getvalue()

    run_queued_tasks()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["report"].startswith("Search index rebuilt")
    assert index.is_built()


# Retries, failures shown to staff


def test_a_failing_job_is_tried_again_later_then_shown_to_staff_as_failed(client, editor, monkeypatch):
    story = make_story()
    working = article_jobs.compare_story

    def broken(job):
        raise RuntimeError("the comparison broke")

    monkeypatch.setattr(article_jobs, "compare_story", broken)
    compare_later([story.pk])
    job = Job.objects.get()

    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        run_queued_tasks()
        job.refresh_from_db()
        assert (job.status, job.attempts) == (Job.Status.QUEUED, attempt)
        assert "RuntimeError: the comparison broke" in job.error
        retry = DBTaskResult.objects.get(pk=job.task_id)
        assert retry.status == TaskResultStatus.READY
        assert abs(retry.run_after - (timezone.now() + delay)) < timedelta(seconds=10)
        run_queued_tasks()  # not before its time
        assert Job.objects.get().attempts == attempt
        DBTaskResult.objects.filter(pk=job.task_id).update(run_after=timezone.now())  # its time comes
    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 3)
    assert DBTaskResult.objects.failed().count() == 3
    client.force_login(editor)
    failed = client.get(reverse("admin:jobs_job_changelist"), {"status__exact": "failed"}).text
    assert reverse("admin:jobs_job_change", args=[job.pk]) in failed
    assert "0 jobs" in client.get(reverse("admin:jobs_job_changelist"), {"status__exact": "running"}).text
    detail = client.get(reverse("admin:jobs_job_change", args=[job.pk])).text
    assert "RuntimeError: the comparison broke" in detail

    # Fixed, and tried again from the admin.
    monkeypatch.setattr(article_jobs, "compare_story", working)
    changelist = reverse("admin:jobs_job_changelist")
    client.post(changelist, {"action": "try_failed_again", "_selected_action": [job.pk]})
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and StoryComparison.objects.filter(story=story).exists()


# Dead workers


def claimed_by(job: Job, worker_id: str, seen_ago: timedelta, attempts: int = 1) -> None:
    """The job's task as a worker leaves it when it is killed mid-run (its attempts so far)."""
    DBTaskResult.objects.get(pk=job.task_id).claim(worker_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=attempts)
    Worker.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now() - seen_ago})


def test_the_tasks_of_a_worker_not_seen_for_a_while_are_run_again_once():
    dead, busy = make_story(), make_story()
    lost = start_job(Job.Kind.COMPARE_STORY, story_id=dead.pk)
    running = start_job(Job.Kind.COMPARE_STORY, story_id=busy.pk)
    claimed_by(lost, "killed", seen_ago=LOST_AFTER + timedelta(seconds=1))
    claimed_by(running, "alive", seen_ago=timedelta(seconds=5))

    assert requeue_lost_tasks() == 1
    run_queued_tasks()

    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (Job.Status.DONE, 2)
    assert Job.objects.get(pk=running.pk).status == Job.Status.RUNNING  # its worker is alive
    # Its task run once more (queued again by mistake) finds the job done and does nothing.
    DBTaskResult.objects.filter(pk=lost.task_id).update(status=TaskResultStatus.READY)
    StoryComparison.objects.all().delete()
    run_queued_tasks()
    assert Job.objects.get(pk=lost.pk).attempts == 2 and not StoryComparison.objects.exists()


def test_a_job_whose_worker_dies_every_time_fails_instead_of_looping():
    job = start_job(Job.Kind.COMPARE_STORY, story_id=make_story().pk)
    claimed_by(job, "killed", seen_ago=LOST_AFTER * 2, attempts=MAX_ATTEMPTS)

    requeue_lost_tasks()
    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, MAX_ATTEMPTS + 1)
    assert f"The worker stopped during each of the job's {MAX_ATTEMPTS} attempts" in job.error
    assert not StoryComparison.objects.exists()


def test_annotations_stay_where_they_were_while_their_new_text_waits(alice, editor):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered")
    update_article_text_later(article, "Lead.\n\n" + BODY, editor)

    annotation.refresh_from_db()
    article.refresh_from_db()
    assert article.body[annotation.start : annotation.end] == "Nadella answered"
    assert Annotation.objects.get().start == BODY.index("Nadella")
