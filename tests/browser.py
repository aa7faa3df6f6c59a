"""Helpers for the browser tests: do what a reader does."""

from urllib.parse import quote

from django.urls import reverse
from playwright.sync_api import expect


def log_in(page, username="alice", password="pw", next_url="/"):
    """Log in through the real form, then land on next_url."""
    page.goto(f"{reverse('account_login')}?next={quote(next_url)}")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The page shows before its ES modules have run (their imports load first): wait for them.
    page.wait_for_load_state()


def follow(link):
    """Click a link to another page and wait for that page to load. Until its ES modules have run,
    a form on it posts to its HTML view, as it does without scripts."""
    with link.page.expect_navigation():
        link.click()


def drag_across(page, scope, phrase, until=None, scroll=True):
    """Select text the way a reader does: press before the phrase's first letter, release after
    the last letter of `until` (by default the phrase itself), which may be paragraphs further on.
    The text is first scrolled to the middle of the window, unless scroll is False."""
    points = page.evaluate(
        """([scope, phrase, until, scroll]) => {
        const walker = document.createTreeWalker(document.querySelector(scope), NodeFilter.SHOW_TEXT);
        const nodes = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
        const first = nodes.findIndex((node) => node.data.includes(phrase));
        const last = nodes.findIndex((node, index) => index >= first && node.data.includes(until));
        if (first === -1 || last === -1) return null;
        const start = nodes[first].data.indexOf(phrase);
        const end = nodes[last].data.indexOf(until, last === first ? start : 0) + until.length;
        if (scroll) nodes[first].parentElement.scrollIntoView({block: "center"});
        const range = document.createRange();
        range.setStart(nodes[first], start);
        range.setEnd(nodes[last], end);
        const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
        const from = rects[0], to = rects[rects.length - 1];
        return {
            from: [from.left + 1, from.top + from.height / 2],
            to: [to.right - 1, to.top + to.height / 2],
        };
    }""",
        [scope, phrase, until or phrase, scroll],
    )
    assert points is not None, f"{phrase!r}…{until!r} is not in {scope}"
    page.mouse.move(*points["from"])
    page.mouse.down()
    page.mouse.move(*points["to"], steps=10)
    page.mouse.up()
