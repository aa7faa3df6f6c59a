"""Lining up shared passages in the side-by-side view, in Debian's Chromium."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Annotation, Story
from tests.base import FIXTURES
from tests.browser import drag_across, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How far a marker is from the top of its column's visible area.
OFFSET = "m => m.getBoundingClientRect().top - m.closest('.js-compare-column').getBoundingClientRect().top"


def test_it_scrolls_the_other_column_to_the_shared_passage(page):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    # The passage whose occurrences lie furthest apart: near the top of one article, deep in another.
    cluster = max(
        story.comparison.record.passages,
        key=lambda c: max(o.start for o in c.occurrences) - min(o.start for o in c.occurrences),
    )
    near, deep = sorted(cluster.occurrences, key=lambda o: o.start)[:: len(cluster.occurrences) - 1]
    page.set_viewport_size({"width": 1280, "height": 500})
    page.goto(reverse("articles:compare", args=[story.slug]) + f"?a={near.article}&a={deep.article}")
    here = f"#shared-{near.article}-{cluster.id}"
    there = f"#shared-{deep.article}-{cluster.id}"
    before = page.eval_on_selector(there, OFFSET)

    page.focus(here)
    page.keyboard.press("Enter")

    page.wait_for_function(
        f"""() => {{
            const offset = {OFFSET};
            const [a, b] = [document.querySelector('{here}'), document.querySelector('{there}')];
            return Math.abs(offset(a) - offset(b)) < 4;
        }}"""
    )
    assert page.eval_on_selector(there, OFFSET) < before  # its column scrolled down to it


def test_it_selects_the_passage_a_coverage_link_points_to(page):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    cluster = story.comparison.record.passages[0]
    occurrence = cluster.occurrences[-1]
    page.goto(reverse("articles:story_coverage", args=[story.slug]))

    page.locator(f"#passage-{cluster.id} td a").last.click()

    page.wait_for_function("() => getSelection().toString().length > 0")
    assert page.evaluate("getSelection().toString()") == occurrence.text


def test_it_keeps_the_shared_passages_marked_after_annotating_a_column(page, alice):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    ids = [article.id for article in story.comparison.record.articles[:2]]
    url = reverse("articles:compare", args=[story.slug]) + f"?a={ids[0]}&a={ids[1]}"
    log_in(page, next_url=url)
    column = f"#column-{ids[1]}"
    markers = page.locator(f"{column} .js-shared-marker").count()
    assert markers > 0

    drag_across(page, f"{column} .js-annotatable", "Microsoft")
    page.get_by_role("combobox", name="Tags").fill("framing")
    page.keyboard.press("Control+Enter")

    expect(page.locator(f"{column} .hl")).not_to_have_count(0)
    assert page.locator(f"{column} .js-shared-marker").count() == markers


def test_it_annotates_every_occurrence_through_the_api(page, alice):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    cluster = story.comparison.record.passages[0]
    log_in(page, next_url=reverse("articles:story_coverage", args=[story.slug]))
    passage = page.locator(f"#passage-{cluster.id}")
    passage.get_by_text("Annotate every occurrence").click()
    passage.get_by_label("Tags").fill("copied")

    with page.expect_request(lambda request: "/api/stories/" in request.url and request.method == "POST"):
        passage.get_by_role("button", name=f"Annotate {len(cluster.occurrences)} passages").click()

    expect(page.get_by_text(f"Annotated the passage in {len(cluster.occurrences)} articles.")).to_be_visible()
    assert Annotation.objects.filter(tags__name="copied").count() == len(cluster.occurrences)
