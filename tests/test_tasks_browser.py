"""A page that waits for background work updates itself when the work is done, in Debian's Chromium."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Story
from articles.services.coverage import compare_later
from tests.base import FIXTURES
from tests.tasking import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coverage_page_says_the_comparison_is_being_computed_then_shows_it(page):
    call_command("import_corpus", FIXTURES, "--defer-comparison", stdout=StringIO())
    story = Story.objects.get()
    compare_later([story.pk])
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(reverse("articles:story_coverage", args=[story.slug]))
    expect(page.get_by_role("status")).to_contain_text("The comparison is being computed")
    expect(page.get_by_role("heading", name="Shared passages")).to_have_count(0)

    run_queued_tasks()

    expect(page.get_by_role("heading", name="Shared passages")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("being computed")).to_have_count(0)
    assert not [text for text in console if "Content Security Policy" in text]
