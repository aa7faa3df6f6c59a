"""Layout of the side-by-side view in Debian's Chromium: phones, laptops, tooltips at the edge."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Story
from tests.base import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the columns start: everything above them is the page's chrome.
CHROME_HEIGHT = "document.querySelector('.compare-columns').getBoundingClientRect().top"


def compare_url(story, articles):
    return reverse("articles:compare", args=[story.slug]) + "?" + "&".join(f"a={a.pk}" for a in articles)


@pytest.fixture
def corpus_story():
    """The five articles of the corpus, one story, with its shared passages."""
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    return story, list(story.articles.order_by("pk"))


def switcher_link(page, article):
    return page.get_by_role("navigation", name="Columns").get_by_role("link", name=article.short_label)


def box(page, selector):
    return page.eval_on_selector(
        selector,
        """element => {
        const {left, right, top, bottom, width, height} = element.getBoundingClientRect();
        return {left, right, top, bottom, width, height};
    }""",
    )


@pytest.mark.parametrize("width, height", [(390, 844), (375, 667)])
def test_the_chrome_leaves_a_phone_screen_to_the_text_and_folds_while_reading_down(
    page, corpus_story, width, height
):
    story, articles = corpus_story
    page.set_viewport_size({"width": width, "height": height})
    page.goto(compare_url(story, articles))
    unfolded = page.evaluate(CHROME_HEIGHT)
    assert unfolded <= 0.2 * height

    column = box(page, f"#column-{articles[0].pk}")
    page.mouse.move(column["left"] + column["width"] / 2, column["top"] + column["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_function(f"{CHROME_HEIGHT} < {unfolded / 2}")
    expect(page.get_by_role("navigation", name="Columns")).to_be_visible()  # still at hand

    page.mouse.wheel(0, -100)
    page.wait_for_function(f"{CHROME_HEIGHT} === {unfolded}")
    assert page.eval_on_selector(f"#column-{articles[0].pk}", "column => column.scrollTop") > 0


def test_the_switcher_marks_the_column_in_view_on_a_phone(page, corpus_story):
    story, articles = corpus_story
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(compare_url(story, articles))
    expect(switcher_link(page, articles[0])).to_have_attribute("aria-current", "true")

    switcher_link(page, articles[2]).click()
    expect(switcher_link(page, articles[2])).to_have_attribute("aria-current", "true")
    expect(switcher_link(page, articles[0])).not_to_have_attribute("aria-current", "true")

    # A swipe to the last column: the columns scroll sideways.
    page.eval_on_selector(".compare-columns", "columns => columns.scrollTo({left: columns.scrollWidth})")
    expect(switcher_link(page, articles[-1])).to_have_attribute("aria-current", "true")
    expect(page.locator(".column-switcher [aria-current]")).to_have_count(1)


def test_five_columns_fit_a_laptop_screen(page, corpus_story):
    story, articles = corpus_story
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(compare_url(story, articles))

    for article in articles:
        column = box(page, f"#column-{article.pk}")
        assert column["left"] >= 0 and column["right"] <= 1366, article.short_label
        assert column["width"] >= 240  # about 30 characters a line at least
    font_size = page.eval_on_selector(
        ".compare-column .article-body", "text => getComputedStyle(text).fontSize"
    )
    assert float(font_size.removesuffix("px")) >= 16
    expect(page.get_by_role("navigation", name="Columns")).to_be_hidden()  # nothing to switch to


def test_columns_out_of_view_are_listed_in_the_switcher(page, corpus_story):
    story, articles = corpus_story
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(compare_url(story, articles))
    assert box(page, f"#column-{articles[-1].pk}")["right"] > 1024  # five don't fit here
    expect(page.get_by_role("navigation", name="Columns")).to_be_visible()
    expect(switcher_link(page, articles[-1])).not_to_have_attribute("aria-current", "true")

    switcher_link(page, articles[-1]).click()
    page.wait_for_function(
        f"document.querySelector('#column-{articles[-1].pk}').getBoundingClientRect().right <= innerWidth"
    )
    expect(switcher_link(page, articles[-1])).to_have_class(re.compile(r"\bis-in-view\b"))


def test_the_also_in_tooltip_stays_on_screen_at_the_right_edge(page, corpus_story):
    story, articles = corpus_story
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(compare_url(story, articles))
    # The marker furthest to the right in the last column, scrolled into view.
    marker_id = page.evaluate(
        """() => {
        const columns = document.querySelectorAll('.js-compare-column');
        const markers = [...columns[columns.length - 1].querySelectorAll('.js-shared-marker')];
        const right = (marker) => marker.getBoundingClientRect().right;
        const rightmost = markers.reduce((a, b) => (right(b) > right(a) ? b : a));
        rightmost.scrollIntoView({block: 'center'});
        return rightmost.id;
    }"""
    )
    marker = page.locator(f"#{marker_id}")
    assert marker.bounding_box()["x"] > 1366 * 0.8

    marker.hover()
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Also in:")
    expect(marker).to_have_attribute("aria-describedby", tooltip.get_attribute("id"))
    expect(marker).to_have_attribute("aria-label", re.compile(r"\S"))  # its own name stays
    tip = tooltip.bounding_box()
    assert tip["x"] >= 0 and tip["x"] + tip["width"] <= 1366
    assert tip["y"] >= 0 and tip["y"] + tip["height"] <= 768
    on_top = page.evaluate(
        f"document.elementFromPoint({tip['x'] + tip['width'] - 2}, {tip['y'] + tip['height'] / 2})"
        "?.closest('[role=tooltip]') !== null"
    )
    assert on_top  # nothing covers or clips its far end

    page.mouse.move(5, 5)
    expect(tooltip).to_be_hidden()
    marker.focus()
    expect(tooltip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()
