"""An editor imports a folder with bad records through the admin, in Debian's Chromium: reads the
report of every bad record, then imports the good ones with "Skip invalid records"."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser import follow, log_in
from tests.tasking import run_queued_tasks
from tests.test_import_formats import PAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(django_user_model, page, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "jobs"},
        },
    }
    django_user_model.objects.create_superuser("editor", password="pw")
    log_in(page, "editor")


def folder_zip(tmp_path):
    """A zipped folder: two web pages (one without article text), and a JSON Lines feed with a
    broken line and an article without a title."""
    feed = [
        json.dumps(
            {"title": "Council delays the budget", "body": "The council voted on Tuesday to delay it."}
        ),
        '{"title": "Broken',
        json.dumps({"title": "", "body": "A body without its title."}),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("news/a-bank.html", PAGE)
        archive.writestr("news/b-empty.html", "<html><head><title>Nothing</title></head><body></body></html>")
        archive.writestr("news/feed.jsonl", "\n".join(feed) + "\n")
    path = tmp_path / "news.zip"
    path.write_bytes(buffer.getvalue())
    return path


def upload(page, path, *, skip_invalid: bool):
    page.goto(reverse("admin:articles_article_import"))
    page.get_by_label("File:").set_input_files(path)
    page.get_by_label("Skip invalid records").set_checked(skip_invalid)
    follow(page.get_by_role("button", name="Import"))
    expect(page.get_by_role("status")).to_contain_text("this page updates when it is done")
    run_queued_tasks()


def test_an_editor_reads_the_report_of_every_bad_record_then_imports_the_good_ones(page, editor, tmp_path):
    zipped = folder_zip(tmp_path)

    upload(page, zipped, skip_invalid=False)

    report = page.get_by_role("table", name="Bad records (3)")
    expect(report).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Nothing was imported: 3 bad records, listed below.")).to_be_visible()
    rows = report.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("b-empty.html")
    expect(rows.nth(1)).to_contain_text("no article text found in the page")
    expect(rows.nth(2)).to_contain_text("the line is not valid JSON")
    expect(rows.nth(3)).to_contain_text("missing title")
    assert not Article.objects.exists()

    upload(page, zipped, skip_invalid=True)

    expect(page.get_by_text("Imported: 2 new, 0 changed, 0 unchanged, 3 bad records skipped.")).to_be_visible(
        timeout=20_000
    )
    expect(page.get_by_role("table", name="Bad records (3)")).to_be_visible()
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Bank holds rates",
        "Council delays the budget",
    ]
