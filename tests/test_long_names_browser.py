"""Layout in Debian's Chromium on a phone: a group's name and a tag as one long word wrap rather
than widen the page past the screen; the sign-up form shows each error with its field."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models.annotations import Visibility
from newsroom.accounts.services import create_group
from tests.base import annotate, make_article, make_outlet
from tests.browser import drag_across, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
GROUP_NAME = "W" * 100  # the longest name a group may have
TAG = "T" * 50
BODY = "Microsoft employees protested against a cloud contract.\n\nNadella answered in a memo."


@pytest.fixture
def long_names(alice):
    """Alice's group with the longest name, and her annotations with a long tag: one public, one
    shared with the group."""
    group = create_group(owner=alice, name=GROUP_NAME, description="D" * 300)
    article = make_article(outlet=make_outlet("Daily"), body=BODY)
    annotate(article, alice, "cloud contract", tags=[TAG], note="About the zeppelin.")
    annotate(article, alice, "Nadella answered", tags=[TAG], visibility=Visibility.GROUP, group=group)
    return group, article


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def boxes_scrolling_sideways(page):
    """Boxes in the page that clip or scroll sideways what is too wide for them: the sidebar on a
    phone, the tags table (with one outlet it has room for its columns)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("main :not(.visually-hidden)")]
        .filter((box) => getComputedStyle(box).overflowX !== "visible" && box.scrollWidth > box.clientWidth)
        .map((box) => `${box.tagName}.${box.className}`)"""
    )


def test_pages_with_a_long_group_name_or_tag_fit_a_phone_screen(page, alice, long_names):
    group, article = long_names
    page.set_viewport_size(PHONE)
    log_in(page)
    urls = [
        article.get_absolute_url(),
        reverse("accounts:group_list"),
        group.get_absolute_url(),
        reverse("accounts:group_members", args=[group.slug]),
        reverse("articles:person_detail", args=["alice"]),
        reverse("articles:tag_index"),
        reverse("search:results") + "?q=zeppelin&kind=annotations",
    ]
    too_wide = {}
    for url in urls:
        page.goto(url)
        long_name = page.get_by_text(GROUP_NAME).or_(page.get_by_text(TAG))
        expect(long_name.filter(visible=True).first).to_be_visible()
        width, boxes = page_width(page), boxes_scrolling_sideways(page)
        if width > PHONE["width"] or boxes:
            too_wide[url] = (width, boxes)
    assert too_wide == {}


def test_the_popovers_audience_menu_fits_in_the_popover_on_a_phone(page, alice, long_names):
    _, article = long_names
    page.set_viewport_size(PHONE)
    log_in(page, next_url=article.get_absolute_url())
    drag_across(page, ".js-annotatable", "protested against")
    menu = page.get_by_label("Visible to")
    menu.select_option(label=f"Group: {GROUP_NAME}")

    popover = page.locator(".js-annotation-form").bounding_box()
    select = menu.bounding_box()
    assert popover["x"] >= 0 and popover["x"] + popover["width"] <= PHONE["width"]
    assert popover["x"] < select["x"] and select["x"] + select["width"] < popover["x"] + popover["width"]
    assert page_width(page) <= PHONE["width"]


def test_the_sign_up_form_shows_a_password_error_with_the_password(page):
    page.set_viewport_size(PHONE)
    page.goto(reverse("account_signup"))
    page.locator("#id_username").fill("carol")
    page.locator("#id_email").fill("carol@example.org")
    page.locator("#id_password1").fill("password")
    page.locator("#id_password2").fill("password")
    page.get_by_role("button", name="Sign Up").click()

    password = page.locator("#id_password1")
    expect(password).to_have_accessible_description(re.compile("This password is too common"))
    error = page.get_by_text("This password is too common.")
    label = page.locator("label[for=id_password1]").bounding_box()
    assert label["y"] < error.bounding_box()["y"] < password.bounding_box()["y"]  # not under the e-mail
    assert error.evaluate("error => getComputedStyle(error).color") == "rgb(164, 38, 44)"  # --error
    # The e-mail input looks like the others.
    username, email = page.locator("#id_username").bounding_box(), page.locator("#id_email").bounding_box()
    assert (email["width"], email["height"]) == (username["width"], username["height"])
