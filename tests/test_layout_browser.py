"""Layout in Debian's Chromium: the side-by-side view on phones and laptops, tooltips at the
screen's edge, printed pages."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Story
from articles.services.annotations import create_annotation
from tests.base import FIXTURES, make_article, make_outlet, make_story
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BODY = "\n\n".join(f"Paragraph {number} of a long article. " * 12 for number in range(60))

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
    page.wait_for_function(f"() => {CHROME_HEIGHT} < {unfolded / 2}")
    expect(page.get_by_role("navigation", name="Columns")).to_be_visible()  # still at hand

    page.mouse.wheel(0, -100)
    page.wait_for_function(f"() => {CHROME_HEIGHT} === {unfolded}")
    assert page.eval_on_selector(f"#column-{articles[0].pk}", "column => column.scrollTop") > 0

    legend = page.get_by_text("Numbered markers")
    expect(legend).to_be_hidden()  # behind its disclosure
    page.get_by_text("Shared passages").click()
    expect(legend).to_be_visible()


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
    expect(page.get_by_text("Numbered markers")).to_be_visible()  # room for the legend


def test_columns_out_of_view_are_listed_in_the_switcher(page, corpus_story):
    story, articles = corpus_story
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(compare_url(story, articles))
    assert box(page, f"#column-{articles[-1].pk}")["right"] > 1024  # five don't fit here
    expect(page.get_by_role("navigation", name="Columns")).to_be_visible()
    expect(switcher_link(page, articles[-1])).not_to_have_attribute("aria-current", "true")

    switcher_link(page, articles[-1]).click()
    page.wait_for_function(
        f"() => document.querySelector('#column-{articles[-1].pk}').getBoundingClientRect().right"
        " <= innerWidth"
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


PRINTED = """() => [...document.querySelectorAll('.js-compare-column')].map(column => {
    const paragraphs = column.querySelectorAll('.article-body p');
    const last = paragraphs[paragraphs.length - 1].getBoundingClientRect();
    const box = column.getBoundingClientRect();
    return {clipped: column.scrollHeight > column.clientHeight + 1, left: box.left, top: box.top,
            bottom: box.bottom, lastLaidOut: last.height > 0 && last.bottom <= box.bottom + 1,
            inDocument: last.bottom + scrollY <= document.documentElement.scrollHeight + 1};
})"""


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_side_by_side_view_prints_every_column_in_full(page, orientation):
    story = make_story()
    articles = [make_article(story=story, outlet=make_outlet(), body=LONG_BODY) for _ in range(3)]
    size = {"width": 800, "height": 1100} if orientation == "portrait" else {"width": 1366, "height": 768}
    page.set_viewport_size(size)
    page.goto(compare_url(story, articles))

    page.emulate_media(media="print")

    columns = page.evaluate(PRINTED)
    for column in columns:
        assert not column["clipped"]
        assert column["lastLaidOut"] and column["inDocument"]
    if orientation == "portrait":  # one after another
        assert columns[0]["bottom"] <= columns[1]["top"] and columns[0]["left"] == columns[1]["left"]
    else:  # side by side
        assert columns[0]["top"] == columns[1]["top"] and columns[0]["left"] < columns[1]["left"]
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".column-switcher")).to_be_hidden()
    expect(page.locator(".compare-legend")).to_be_hidden()


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("landscape", [False, True])
def test_a_long_comparison_prints_on_several_pages(page, landscape):
    story = make_story()
    articles = [make_article(story=story, outlet=make_outlet(), body=LONG_BODY) for _ in range(3)]
    page.goto(compare_url(story, articles))

    pdf = page.pdf(landscape=landscape)

    assert page_count(pdf) > 3


def test_the_article_page_prints_its_text_and_annotations_without_controls(page, alice):
    article = make_article(story=make_story(), outlet=make_outlet(), body=LONG_BODY)
    make_article(story=article.story, outlet=make_outlet())
    quote = "Paragraph 59 of a long article."
    start = article.body.index(quote)
    create_annotation(
        article=article,
        author=alice,
        start=start,
        end=start + len(quote),
        exact=quote,
        tags=["framing"],
        note="A note to keep.",
    )
    log_in(page, next_url=article.get_absolute_url())
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.get_by_text("A note to keep.")).to_be_visible()
    expect(page.locator(".article-body p").last).to_be_visible()
    assert page.eval_on_selector(".sidebar", "aside => aside.scrollHeight <= aside.clientHeight + 1")
    for control in [
        page.locator(".site-header"),
        page.get_by_role("link", name="Edit"),
        page.get_by_role("link", name="Delete"),
        page.get_by_role("navigation", name="Show highlights by tag"),
        page.get_by_role("link", name="Read side by side"),
    ]:
        expect(control).to_be_hidden()


def test_the_article_page_prints_no_log_in_hint(page):
    article = make_article(outlet=make_outlet())
    page.goto(article.get_absolute_url())
    expect(page.get_by_text("to tag passages and write notes")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.get_by_text("to tag passages and write notes")).to_be_hidden()
    expect(page.get_by_role("heading", name=article.title)).to_be_visible()


def test_a_phone_headers_links_signed_in_are_one_line_that_leads_to_ones_own_page(page, django_user_model):
    django_user_model.objects.create_user("maximiliana-rosenkranz", password="pw")
    page.set_viewport_size({"width": 375, "height": 667})
    log_in(page, username="maximiliana-rosenkranz")

    links = page.locator(".site-nav").bounding_box()
    own_page = page.get_by_role("link", name="maximiliana-rosenkranz")
    expect(own_page).to_be_visible()
    assert links["height"] < 40  # one line
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    own_page.click()
    expect(page.get_by_role("link", name="Import annotations")).to_be_visible()
    expect(page.get_by_role("link", name="Export annotations")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Your account").get_by_role("link", name="Groups")
    ).to_be_visible()
