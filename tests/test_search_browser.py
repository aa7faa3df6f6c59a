"""Searching in Debian's Chromium: from the header's box to the passage or the annotation found."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.base import annotate, make_article, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = "Reporters waited outside the building while the talks went on. " * 6
# The matched passage is far down: it is in view only if the page took the reader there.
BODY = "\n\n".join(
    [f"Paragraph {number}. {FILLER}" for number in range(25)]
    + ["Employees protested against a cloud contract with the army, and a zeppelin flew over."]
    + [f"Closing paragraph {number}. {FILLER}" for number in range(5)]
)
SMALL_WINDOW = {"width": 1200, "height": 700}


def search_from_the_header(page, text):
    page.goto(reverse("articles:home"))
    box = page.locator("header").get_by_role("searchbox", name="Search articles and annotations")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))


def in_view(page, selector) -> bool:
    return page.evaluate(
        """(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.bottom > 0 && box.top < innerHeight && box.height > 0;
    }""",
        selector,
    )


def test_a_phrase_found_from_the_header_opens_its_article_with_the_passage_selected(page):
    article = make_article(story=make_story(), title="Cloud deal", body=BODY)
    make_article(title="Other news", body="A contract for the navy, stored in the cloud.")
    page.set_viewport_size(SMALL_WINDOW)

    search_from_the_header(page, '"cloud contract"')
    hits = page.locator(".hit-title a")
    expect(hits).to_have_count(1)
    href = hits.first.get_attribute("href")
    start, end = map(int, re.search(r"#passage-(\d+)-(\d+)$", href).groups())
    assert article.body[start:end].lower().startswith("cloud")
    expect(page.locator(".hit-snippet mark").first).to_have_text(re.compile("cloud", re.I))

    hits.first.click()
    page.wait_for_url(re.compile(rf"{re.escape(article.get_absolute_url())}#passage-{start}-{end}$"))
    page.wait_for_load_state()
    page.wait_for_function("() => getSelection().toString().length > 0")
    selected = page.evaluate("() => getSelection().toString()")
    assert selected == article.body[start:end] and "cloud" in selected.lower()
    assert page.evaluate(
        "() => document.querySelector('.js-annotatable').contains(getSelection().anchorNode)"
    )
    assert page.evaluate(
        """() => {
        const box = getSelection().getRangeAt(0).getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight;
    }"""
    )


def test_an_annotation_found_from_the_header_opens_its_article_at_the_annotation(page, alice):
    article = make_article(story=make_story(), title="Cloud deal", body=BODY)
    for number in range(20):  # entries above it in the list of annotations
        annotate(article, alice, f"Paragraph {number}.", note=f"Note number {number}, about the talks.")
    target = annotate(article, alice, "zeppelin", ["Airships"], note="A blimp, not a zeppelin!")
    page.set_viewport_size(SMALL_WINDOW)
    entry = f"#annotation-{target.pk}"
    page.goto(article.get_absolute_url())
    expect(page.locator(entry)).to_be_attached()
    assert not in_view(page, entry)  # without the link, the reader would not see it

    search_from_the_header(page, "blimp")
    page.get_by_role("link", name=re.compile(r"^Annotations")).click()
    quote = page.locator(".hit-quote a")
    expect(quote).to_have_count(1)
    expect(page.locator(".hit-note mark")).to_have_text("blimp")
    quote.click()

    page.wait_for_url(re.compile(rf"{re.escape(article.get_absolute_url())}#annotation-{target.pk}$"))
    page.wait_for_load_state()
    expect(page.locator(entry)).to_be_visible()
    expect(page.locator(entry)).to_contain_text("A blimp, not a zeppelin!")
    expect(page.locator(entry)).to_be_in_viewport()
    assert page.evaluate(f"() => document.querySelector('{entry}').matches(':target')")
