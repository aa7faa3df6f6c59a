"""The Content Security Policy in Debian's Chromium: reading, side by side, annotating, the admin
and the API docs run without one refused script, style or connection."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Annotation
from tests.base import annotate, make_article, make_outlet, make_story
from tests.browser import drag_across, follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo."
)

# Playwright runs this in every document before the page's own scripts, and past the policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    """What the policy refused on any page this test opens (Chromium also says "Refused to ...")."""
    refused = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if message.text.startswith(("CSP violation", "Refused to")) else None
        ),
    )
    return refused


def two_articles():
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body=BODY)
    return story, first, second


def test_reading_and_annotating_an_article_break_no_rule(page, violations, alice, bob):
    _, article, _ = two_articles()
    annotate(article, bob, "Nadella answered", tags=["framing"], note="A *memo*, not a letter.")
    page.goto(article.get_absolute_url())  # as an anonymous reader first
    expect(page.get_by_role("complementary", name="Annotations")).to_contain_text("A memo, not a letter.")

    log_in(page, next_url=article.get_absolute_url())
    drag_across(page, ".js-annotatable", "the contract must end")
    page.keyboard.type("deadline")
    page.get_by_role("textbox", name="Note").fill("By **when** exactly?")
    page.get_by_role("textbox", name="Note").press("Control+Enter")

    expect(page.get_by_role("complementary", name="Annotations")).to_contain_text("By when exactly?")
    assert Annotation.objects.filter(author=alice, note="By **when** exactly?").exists()
    page.get_by_role("link", name="framing").first.click()  # a tag filter, fetched in place
    page.wait_for_load_state()
    assert violations == []


def test_reading_side_by_side_breaks_no_rule(page, violations, alice):
    story, first, second = two_articles()
    annotate(first, alice, "the contract must end", tags=["deadline"])
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=story.get_absolute_url())

    page.get_by_label(first.title).check()
    page.get_by_label(second.title).check()
    follow(page.get_by_role("button", name="Read side by side"))
    page.locator(f"#column-{first.pk} .js-highlight").first.hover()  # the shared-passage tooltip
    page.set_viewport_size({"width": 390, "height": 800})  # the phone's column switcher
    page.wait_for_load_state()

    assert violations == []


def test_the_admin_breaks_no_rule(page, violations, django_user_model):
    django_user_model.objects.create_superuser("editor", password="pw")
    article = make_article(body=BODY)

    log_in(page, "editor")  # staff sign in through the site's form
    page.goto(reverse("admin:index"))
    follow(page.locator("#articles-article").get_by_role("link", name="Articles"))
    follow(page.get_by_role("link", name=article.title))
    expect(page.get_by_role("heading", name="Change article")).to_be_visible()
    page.goto(reverse("admin:articles_story_add"))  # inlines, with their "add another" script
    page.wait_for_load_state()

    assert violations == []


def test_the_policy_is_enforced_and_what_it_refuses_is_seen(page, violations):
    """The check the tests above rely on: a style attribute set by a script is refused, and said."""
    page.goto(reverse("articles:home"))

    page.evaluate("document.body.setAttribute('style', 'background: red')")

    expect(page.locator("body")).not_to_have_css("background-color", "rgb(255, 0, 0)")
    assert len(violations) >= 1 and "style-src" in violations[0]


def test_the_api_docs_break_no_rule(page, violations):
    page.goto(reverse("api:openapi-view"))

    expect(page.get_by_role("heading", name="Newsroom API")).to_be_visible()
    assert violations == []


def test_a_note_saves_after_signing_in_again_in_another_tab(page, alice):
    """The CSRF cookie is out of scripts' reach, and signing in again renews it: the page's token
    is stale, so api.js takes the new one from a fresh copy of the page and sends the note again."""
    article = make_article(body=BODY)
    log_in(page, next_url=article.get_absolute_url())
    other_tab = page.context.new_page()
    other_tab.goto(article.get_absolute_url())
    follow(other_tab.get_by_role("button", name="Sign out"))
    log_in(other_tab, next_url=article.get_absolute_url())

    drag_across(page, ".js-annotatable", "the contract must end")
    page.get_by_role("textbox", name="Note").fill("Written before signing in again")
    page.get_by_role("textbox", name="Note").press("Control+Enter")

    expect(page.get_by_role("complementary", name="Annotations")).to_contain_text("Written before")
    assert Annotation.objects.filter(author=alice, note="Written before signing in again").exists()


def test_a_note_is_not_saved_for_someone_who_signed_in_in_another_tab(page, alice, bob):
    """A fresh copy of the page belonging to another reader gives no token: bob must not write
    what alice's page holds."""
    article = make_article(body=BODY)
    log_in(page, next_url=article.get_absolute_url())
    other_tab = page.context.new_page()
    other_tab.goto(article.get_absolute_url())
    follow(other_tab.get_by_role("button", name="Sign out"))
    log_in(other_tab, username="bob", next_url=article.get_absolute_url())

    drag_across(page, ".js-annotatable", "the contract must end")
    page.get_by_role("textbox", name="Note").fill("Written as alice")
    page.get_by_role("textbox", name="Note").press("Control+Enter")

    expect(page.get_by_text("signed in as someone else in another tab")).to_be_visible()
    assert not Annotation.objects.filter(note="Written as alice").exists()
