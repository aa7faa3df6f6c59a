"""Helpers for the browser tests: do what a reader does."""

from urllib.parse import quote

from django.urls import reverse
from playwright.sync_api import expect


def log_in(page, username="alice", password="pw", next_url="/"):
    """Log in through the real form, then land on next_url."""
    page.goto(f"{reverse('login')}?next={quote(next_url)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


def drag_across(page, scope, phrase):
    """Select a phrase the way a reader does: press before its first letter, release after its last."""
    points = page.evaluate(
        """([scope, phrase]) => {
        const walker = document.createTreeWalker(document.querySelector(scope), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(phrase);
            if (at === -1) continue;
            node.parentElement.scrollIntoView({block: "center"});
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + phrase.length);
            const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
            const first = rects[0], last = rects[rects.length - 1];
            return {
                from: [first.left + 1, first.top + first.height / 2],
                to: [last.right - 1, last.top + last.height / 2],
            };
        }
        return null;
    }""",
        [scope, phrase],
    )
    assert points is not None, f"{phrase!r} is not in {scope}"
    page.mouse.move(*points["from"])
    page.mouse.down()
    page.mouse.move(*points["to"], steps=10)
    page.mouse.up()
