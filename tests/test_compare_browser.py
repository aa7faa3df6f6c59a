"""The side-by-side view in Debian's Chromium."""

import pytest
from django.urls import reverse

from tests.base import make_article, make_outlet, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BODY = "\n\n".join(f"Paragraph {number} of a long article. " * 12 for number in range(60))


def column_state(page, selector):
    return page.eval_on_selector(
        selector,
        """column => {
        const box = column.getBoundingClientRect();
        return {left: box.left, width: box.width, height: box.height, scrollTop: column.scrollTop,
                scrollHeight: column.scrollHeight, visible: box.width > 0 && box.right <= innerWidth + 1};
    }""",
    )


def test_it_shows_two_columns_that_scroll_on_their_own(page):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=LONG_BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body=LONG_BODY)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(story.get_absolute_url())
    page.get_by_label(first.title).check()
    page.get_by_label(second.title).check()
    page.get_by_role("button", name="Read side by side").click()

    assert reverse("articles:compare", args=[story.slug]) in page.url
    left, right = f"#column-{first.pk}", f"#column-{second.pk}"
    page.locator(right).wait_for()  # the URL changes before the new page has loaded
    before_left, before_right = column_state(page, left), column_state(page, right)
    assert before_left["visible"] and before_right["visible"]
    assert before_left["left"] < before_right["left"]
    assert before_left["scrollHeight"] > before_left["height"]  # long enough to scroll

    page.focus(left)
    page.keyboard.press("End")
    page.wait_for_function(f"() => document.querySelector('{left}').scrollTop > 0")

    assert column_state(page, left)["scrollTop"] > 0
    assert column_state(page, right)["scrollTop"] == 0
    assert page.evaluate("window.scrollY") == 0  # the page itself stays put


def test_it_swipes_between_columns_on_a_phone(page):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=LONG_BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body=LONG_BODY)
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")
    assert column_state(page, f"#column-{first.pk}")["visible"]
    assert not column_state(page, f"#column-{second.pk}")["visible"]

    page.get_by_role("navigation", name="Columns").get_by_role("link", name="Second Outlet").click()
    page.wait_for_function(
        f"() => document.querySelector('#column-{second.pk}').getBoundingClientRect().left < 5"
    )
    assert column_state(page, f"#column-{second.pk}")["visible"]
