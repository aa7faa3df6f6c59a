"""Reading together in Debian's Chromium: two people in one group, each in their own browser."""

import pytest
from playwright.sync_api import expect

from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo."
)
APPEARS_WITHIN_MS = 5000


@pytest.fixture
def two_readers(browser, live_server, alice, bob):
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    Membership.objects.create(group=group, user=bob)
    contexts = [browser.new_context(base_url=live_server.url) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    yield group, pages
    for context in contexts:
        context.close()


def test_a_group_note_appears_for_the_other_member_and_a_private_one_never(two_readers, alice):
    group, (alices, bobs) = two_readers
    article = make_article(body=BODY)
    log_in(alices, "alice", next_url=article.get_absolute_url())
    log_in(bobs, "bob", next_url=article.get_absolute_url())
    expect(bobs.locator("mark.js-highlight")).to_have_count(0)

    shared = annotate(article, alice, "cloud contract", note="For the group", visibility="group", group=group)
    private = annotate(article, alice, "Nadella", note="Mine alone", visibility="private")

    expect(bobs.locator(f'.js-highlight[data-annotations~="{shared.pk}"]')).to_have_count(
        1, timeout=APPEARS_WITHIN_MS
    )
    expect(bobs.get_by_role("complementary", name="Annotations")).to_contain_text("For the group")
    bobs.wait_for_timeout(3500)  # another poll or more
    expect(bobs.locator(f'.js-highlight[data-annotations~="{private.pk}"]')).to_have_count(0)
    assert "Mine alone" not in bobs.content()

    shared.deleted_at = shared.created_at
    shared.save(update_fields=["deleted_at"])
    shared.article.touch_annotations()
    expect(bobs.locator(f'.js-highlight[data-annotations~="{shared.pk}"]')).to_have_count(
        0, timeout=APPEARS_WITHIN_MS
    )


def test_nothing_is_fetched_while_the_tab_is_hidden(two_readers, alice):
    group, (alices, bobs) = two_readers
    article = make_article(body=BODY)
    log_in(bobs, "bob", next_url=article.get_absolute_url())
    requests = []
    bobs.on("request", lambda request: requests.append(request.url) if "/fragments/" in request.url else None)
    bobs.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    bobs.wait_for_timeout(7000)
    assert requests == []
    bobs.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    bobs.wait_for_timeout(500)
    assert len(requests) == 1


def test_a_reply_and_a_moderators_hiding_reach_the_other_member_live(
    two_readers, alice, bob, django_user_model
):
    group, (alices, bobs) = two_readers
    carol = django_user_model.objects.create_user("carol", password="pw")
    Membership.objects.create(group=group, user=carol)
    article = make_article(body=BODY)
    question = annotate(
        article, alice, "cloud contract", note="Which contract?", visibility="group", group=group
    )
    rude = annotate(article, carol, "Nadella", note="Something rude", visibility="group", group=group)
    log_in(alices, "alice", next_url=article.get_absolute_url())
    log_in(bobs, "bob", next_url=article.get_absolute_url())

    bobs.locator(f".js-annotation-slot #annotation-{question.pk}").get_by_role("link", name="Reply").click()
    bobs.get_by_role("textbox", name="Your reply").fill("The army's cloud.")
    with bobs.expect_request(f"**/api/annotations/{question.pk}/replies"):  # the API's, not a page's
        bobs.get_by_role("textbox", name="Your reply").press("Control+Enter")
    expect(alices.locator(f"#annotation-{question.pk} .replies")).to_contain_text(
        "The army's cloud.", timeout=APPEARS_WITHIN_MS
    )

    alices.locator(f".js-annotation-slot #annotation-{rude.pk}").get_by_role("link", name="Hide").click()
    alices.get_by_role("button", name="Hide").click()
    bob_sees = bobs.locator(f".js-annotation-slot #annotation-{rude.pk}")
    expect(bob_sees).to_contain_text("Hidden by a moderator.", timeout=APPEARS_WITHIN_MS)
    expect(bob_sees).not_to_contain_text("Something rude")
