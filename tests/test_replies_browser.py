"""Replying and moderating in Debian's Chromium: the inline reply form, and the pages without JS."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models.annotations import Reply
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article, make_outlet, make_story
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo."
)


def entry(page, item):
    return page.locator(f".js-annotation-slot #{item}")


def test_it_answers_in_place_two_levels_deep_without_leaving_the_page(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "The letter said", note="Who wrote it?")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "bob", next_url=article.get_absolute_url())

    entry(page, f"annotation-{annotation.pk}").get_by_role("link", name="Reply").click()
    reply_box = page.get_by_role("textbox", name="Your reply")
    expect(reply_box).to_be_focused()
    assert page.url.endswith(article.get_absolute_url())  # the form opened in place
    reply_box.fill("Its *employees*.")
    reply_box.press("Control+Enter")

    page.wait_for_url("**#reply-*")
    first = Reply.objects.get()
    assert (first.author, first.annotation, first.parent) == (bob, annotation, None)
    expect(entry(page, f"reply-{first.pk}").locator("em")).to_have_text("employees")

    entry(page, f"reply-{first.pk}").get_by_role("link", name="Reply").click()
    page.get_by_role("textbox", name="Your reply").fill("And a second level.")
    page.get_by_role("button", name="Reply", exact=True).click()
    page.wait_for_url(f"**#reply-{first.pk + 1}")
    second = Reply.objects.latest("pk")
    assert second.parent == first
    nested = page.locator(
        f"#annotation-{annotation.pk} .replies #reply-{first.pk} .replies #reply-{second.pk}"
    )
    expect(nested).to_contain_text("And a second level.")


def test_escape_closes_the_reply_form_and_gives_the_focus_back(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella")
    log_in(page, "bob", next_url=article.get_absolute_url())
    link = entry(page, f"annotation-{annotation.pk}").get_by_role("link", name="Reply")
    link.click()
    page.keyboard.type("half a thought")
    page.keyboard.press("Escape")
    expect(page.get_by_role("textbox", name="Your reply")).to_have_count(0)
    expect(link).to_be_focused()
    link.click()
    link.click()  # a second press closes it
    expect(page.get_by_role("textbox", name="Your reply")).to_have_count(0)
    assert not Reply.objects.exists()


def test_without_javascript_the_reply_link_opens_a_page_with_the_form(browser, live_server, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella", note="A memo, really?")
    first = create_reply(annotation=annotation, author=alice, note="Yes.")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("account_login") + f"?next={article.get_absolute_url()}")
    page.get_by_label("Username or e-mail").fill("bob")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign In").click()

    page.locator(f"#reply-{first.pk}").get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply", exact=True)).to_be_visible()
    expect(page.locator(".replying-to")).to_contain_text("Yes.")
    page.get_by_label("Your reply").fill("   ")  # blank: the browser lets it through, the server not
    page.get_by_role("button", name="Reply").click()
    expect(page.locator(".errorlist")).to_contain_text("A reply cannot be empty")
    page.get_by_label("Your reply").fill("Without any script.")
    page.get_by_role("button", name="Reply").click()

    answer = Reply.objects.get(note="Without any script.")
    assert page.url.endswith(f"{article.get_absolute_url()}#reply-{answer.pk}")
    expect(page.locator(f"#reply-{first.pk} #reply-{answer.pk}")).to_contain_text("Without any script.")
    context.close()


def test_the_highlight_popover_counts_the_replies_and_links_to_the_thread(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella")
    create_reply(annotation=annotation, author=bob, note="a reply in the thread")
    create_reply(annotation=annotation, author=alice, note="another")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "bob", next_url=article.get_absolute_url())
    page.locator(f'.js-highlight[data-annotations~="{annotation.pk}"]').click()
    popover = page.locator(".js-highlight-popover")
    expect(popover.get_by_role("link", name="2 replies")).to_be_visible()
    expect(popover.get_by_text("a reply in the thread")).to_be_hidden()
    expect(entry(page, f"annotation-{annotation.pk}").get_by_text("a reply in the thread")).to_be_visible()


def test_a_moderator_hides_an_annotation_and_a_member_sees_only_that(page, alice, bob, django_user_model):
    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=bob)
    story = make_story()
    article = make_article(story=story, outlet=make_outlet("The Daily"), body=BODY)
    rude = annotate(article, bob, "Nadella", note="A rude note.", visibility="group", group=group)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "alice", next_url=article.get_absolute_url())
    entry(page, f"annotation-{rude.pk}").get_by_role("link", name="Hide").click()
    page.get_by_role("button", name="Hide").click()
    expect(entry(page, f"annotation-{rude.pk}")).to_contain_text("hidden by a moderator")
    expect(entry(page, f"annotation-{rude.pk}")).to_contain_text("A rude note.")

    carol = django_user_model.objects.create_user("carol", password="pw")
    Membership.objects.create(group=group, user=carol)
    page.get_by_role("button", name="Sign out").click()
    log_in(page, "carol", next_url=article.get_absolute_url())
    expect(entry(page, f"annotation-{rude.pk}")).to_have_text("Hidden by a moderator.")
    expect(page.locator(f'.js-highlight[data-annotations~="{rude.pk}"]')).to_have_count(0)


def test_an_open_reply_keeps_its_text_when_the_list_is_fetched_again(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella")
    log_in(page, "bob", next_url=article.get_absolute_url())
    entry(page, f"annotation-{annotation.pk}").get_by_role("link", name="Reply").click()
    page.keyboard.type("half a thought")
    page.locator("h1").click()  # the focus leaves the list: live.js may refresh it now
    annotate(article, alice, "The letter said", note="Meanwhile, elsewhere.")
    page.evaluate(
        """async (id) => {
        const { refreshArticle } = await import("/static/js/fragments.js");
        await refreshArticle(id);
    }""",
        str(article.pk),
    )
    expect(page.locator(".js-annotation-slot")).to_contain_text("Meanwhile, elsewhere.")
    reply_box = entry(page, f"annotation-{annotation.pk}").get_by_role("textbox", name="Your reply")
    expect(reply_box).to_have_value("half a thought")
