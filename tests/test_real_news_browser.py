"""Real news end to end, in Debian's Chromium: an editor uploads a folder with bad records, reads
the report of every one, imports the good records with "Skip invalid records", confirms the story
that grouping proposes, and reads its articles side by side."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Story
from tests.browser import follow, log_in
from tests.tasking import run_queued_tasks
from tests.test_import_formats import PAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENT = (
    "The Harbour Bridge in Aldport partly collapsed on Monday night after a barge struck one of its "
    "piers, sending two cars into the river. Rescue teams pulled four people from the water, the "
    "harbour authority said. The bridge carries 40,000 vehicles a day and will stay closed for repairs."
)


def page_of(outlet: str, title: str, lede: str) -> str:
    """A saved article page, as a browser's "Save page" writes it."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-05-06T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1><p>{lede}</p><p>{EVENT}</p></article>
<footer>Subscribe to our newsletter.</footer></body></html>"""


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


def news_zip(tmp_path):
    """Two outlets' pages about the same collapse, a third outlet's feed with the same event, a
    broken line and a record without a title."""
    feed = [
        {
            "title": "Barge hits Aldport's Harbour Bridge, cars fall into river",
            "body": f"ALDPORT (Reuters) - {EVENT} READ MORE: Bridges at risk",
            "outlet": "Wire Daily",
            "date": "2024-05-07",
        },
        {"title": "", "body": "A record without its title.", "outlet": "Wire Daily"},
    ]
    lines = [json.dumps(feed[0]), '{"title": "Broken', json.dumps(feed[1])]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "news/aldport-herald.html",
            page_of("Aldport Herald", "Harbour Bridge collapses after barge strike", "A night of chaos."),
        )
        archive.writestr(
            "news/coast-times.html",
            page_of("Coast Times", "Aldport's Harbour Bridge partly collapses", "A barge struck the bridge."),
        )
        archive.writestr("news/feed.jsonl", "\n".join(lines) + "\n")
    path = tmp_path / "news.zip"
    path.write_bytes(buffer.getvalue())
    return path


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


def upload(page, path, *, skip_invalid: bool):
    page.goto(reverse("admin:articles_article_import"))
    page.get_by_label("File:").set_input_files(path)
    page.get_by_label("Skip invalid records").set_checked(skip_invalid)
    follow(page.get_by_role("button", name="Import"))
    expect(page.get_by_role("status")).to_contain_text("this page updates when it is done")
    run_queued_tasks()  # the import, then the story grouping it queues


def test_an_editor_imports_real_news_confirms_its_story_and_reads_it_side_by_side(page, editor, tmp_path):
    zipped = news_zip(tmp_path)

    upload(page, zipped, skip_invalid=False)
    report = page.get_by_role("table", name="Bad records (2)")
    expect(report).to_be_visible(timeout=20_000)
    expect(report).to_contain_text("the line is not valid JSON")
    expect(report).to_contain_text("missing title")
    assert not Article.objects.exists()

    upload(page, zipped, skip_invalid=True)
    expect(page.get_by_text("3 new")).to_be_visible(timeout=20_000)
    wire = Article.objects.get(outlet__name="Wire Daily")
    assert "READ MORE" not in wire.body and "(Reuters)" not in wire.body
    assert wire.wire_agencies == ["Reuters"]

    (story,) = Story.objects.filter(status=Story.Status.PROPOSED)
    assert story.articles.count() == 3
    assert page.goto(story.get_absolute_url()).status == 404  # readers wait for an editor

    page.goto(reverse("admin:articles_story_changelist"))
    page.get_by_role("checkbox", name=f"Select this object for an action - {story.title}").check()
    confirm = "Confirm: readers see the selected stories"
    page.get_by_role("combobox", name="Action").select_option(label=confirm)
    follow(page.get_by_role("button", name="Go"))
    expect(page.get_by_text("1 story confirmed.")).to_be_visible()

    page.goto(story.get_absolute_url())
    articles = list(story.articles.all())
    for article in articles:
        page.get_by_label(article.title).check()
    follow(page.get_by_role("button", name="Read side by side"))
    for article in articles:
        expect(page.locator(f"#column-{article.pk}")).to_contain_text("sending two cars into the river")


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
