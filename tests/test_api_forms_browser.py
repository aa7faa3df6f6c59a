"""The pages' own forms write through the JSON API when scripts run (static/js/api-forms.js), and
lead where their HTML views lead: delete and undo, edit (with a conflict), replies, hide, flag."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Annotation
from articles.models.annotations import Flag, Reply
from articles.services.annotations import update_annotation
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Role
from tests.base import annotate, make_article
from tests.browser import follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo."
)


def api_request(page, path, method):
    return page.expect_request(lambda request: path in request.url and request.method == method)


def highlight(page, annotation_id):
    return page.locator(f'.js-highlight[data-annotations~="{annotation_id}"]')


def entry(page, item):
    return page.locator(f".js-annotation-slot #{item}")


def test_delete_and_undo_go_through_the_api(page, alice):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="Answer")
    log_in(page, next_url=article.get_absolute_url())
    expect(highlight(page, annotation.pk)).to_have_count(1)

    follow(entry(page, f"annotation-{annotation.pk}").get_by_role("link", name="Delete"))
    with api_request(page, f"/api/annotations/{annotation.pk}", "DELETE"):
        page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**{article.get_absolute_url()}?undo={annotation.pk}")
    expect(page.get_by_text("Annotation deleted.")).to_be_visible()
    expect(highlight(page, annotation.pk)).to_have_count(0)
    annotation.refresh_from_db()
    assert annotation.deleted_at is not None

    with api_request(page, f"/api/annotations/{annotation.pk}/restore", "POST"):
        page.get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#hl-{annotation.pk}")
    expect(page.get_by_role("status").get_by_text("The annotation is back.")).to_be_visible()
    expect(highlight(page, annotation.pk)).to_have_count(1)
    annotation.refresh_from_db()
    assert annotation.deleted_at is None


def test_an_edit_goes_through_the_api_with_its_tags_and_audience(page, alice):
    article = make_article(body=BODY)
    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice)
    annotation = annotate(article, alice, "Nadella answered", note="Old note")
    log_in(page, next_url=reverse("articles:annotation_update", args=[annotation.pk]))

    page.get_by_role("textbox", name="Note").fill("A *new* note")
    page.get_by_role("combobox", name="Tags").fill("memo, answer")
    page.get_by_label("Visible to").select_option(label="Group: Team")
    with api_request(page, f"/api/annotations/{annotation.pk}", "PUT") as request:
        page.get_by_role("button", name="Save").click()
    assert request.value.headers["if-match"] == f'"annotation-{annotation.pk}-v1"'
    page.wait_for_url(f"**{article.get_absolute_url()}#hl-{annotation.pk}")

    annotation = Annotation.objects.get(pk=annotation.pk)
    assert (annotation.note, annotation.visibility, annotation.group) == ("A *new* note", "group", group)
    assert sorted(tag.name for tag in annotation.tags.all()) == ["answer", "memo"]
    expect(entry(page, f"annotation-{annotation.pk}").locator("em")).to_have_text("new")


def test_an_edit_made_after_another_shows_the_conflict_page(page, alice):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="First")
    log_in(page, next_url=reverse("articles:annotation_update", args=[annotation.pk]))
    update_annotation(annotation=annotation, note="Changed in another tab", tags=[], version=1)

    page.get_by_role("textbox", name="Note").fill("Mine")
    with api_request(page, f"/api/annotations/{annotation.pk}", "PUT"):
        page.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("alert").filter(has_text="This annotation changed since you opened it")
    expect(conflict).to_contain_text("Changed in another tab")
    expect(page.get_by_role("textbox", name="Note")).to_have_value("Mine")
    assert Annotation.objects.get(pk=annotation.pk).note == "Changed in another tab"

    # Saving again replaces the newer version knowingly: through the API, with its ETag.
    with api_request(page, f"/api/annotations/{annotation.pk}", "PUT") as request:
        page.get_by_role("button", name="Save").click()
    assert request.value.headers["if-match"] == f'"annotation-{annotation.pk}-v2"'
    page.wait_for_url(f"**#hl-{annotation.pk}")
    assert Annotation.objects.get(pk=annotation.pk).note == "Mine"


def test_an_edit_the_api_refuses_keeps_the_text_and_says_why(page, alice):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="Note")
    log_in(page, next_url=reverse("articles:annotation_update", args=[annotation.pk]))

    page.get_by_role("combobox", name="Tags").fill("x" * 200)
    with api_request(page, f"/api/annotations/{annotation.pk}", "PUT"):
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("50 characters")
    expect(page.get_by_role("button", name="Save")).to_be_focused()  # and may be pressed again
    expect(page.get_by_role("button", name="Save")).not_to_have_attribute("aria-disabled", "true")
    expect(page.get_by_role("combobox", name="Tags")).to_have_value("x" * 200)
    assert page.url.endswith(reverse("articles:annotation_update", args=[annotation.pk]))
    assert Annotation.objects.get(pk=annotation.pk).tags.count() == 0


def test_a_reply_is_edited_and_deleted_through_the_api(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="Who?")
    reply = create_reply(annotation=annotation, parent=None, author=bob, note="Its CEO.")
    log_in(page, "bob", next_url=article.get_absolute_url())

    follow(entry(page, f"reply-{reply.pk}").get_by_role("link", name="Edit"))
    page.get_by_role("textbox", name="Your reply").fill("Its **CEO**.")
    with api_request(page, f"/api/replies/{reply.pk}", "PUT") as request:
        page.get_by_role("button", name="Save").click()
    assert request.value.headers["if-match"] == f'"reply-{reply.pk}-v1"'
    page.wait_for_url(f"**{article.get_absolute_url()}#reply-{reply.pk}")
    expect(entry(page, f"reply-{reply.pk}").locator("strong")).to_have_text("CEO")

    follow(entry(page, f"reply-{reply.pk}").get_by_role("link", name="Delete"))
    with api_request(page, f"/api/replies/{reply.pk}", "DELETE"):
        page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#annotation-{annotation.pk}")
    expect(entry(page, f"annotation-{annotation.pk}")).not_to_contain_text("CEO")
    assert Reply.objects.get(pk=reply.pk).deleted_at is not None


def test_a_moderator_hides_and_unhides_through_the_api(page, alice, bob):
    article = make_article(body=BODY)
    group = Group.objects.create(name="Team", slug="team")
    Membership.objects.create(group=group, user=alice)
    Membership.objects.create(group=group, user=bob, role=Role.MODERATOR)
    annotation = annotate(article, alice, "Nadella answered", note="Rude", visibility="group", group=group)
    reply = create_reply(annotation=annotation, parent=None, author=alice, note="Ruder")
    log_in(page, "bob", next_url=article.get_absolute_url())

    for kind, item, path in [
        ("annotation", annotation, f"/api/annotations/{annotation.pk}"),
        ("reply", reply, f"/api/replies/{reply.pk}"),
    ]:
        follow(entry(page, f"{kind}-{item.pk}").get_by_role("link", name="Hide", exact=True).first)
        with api_request(page, f"{path}/hide", "POST"):
            page.get_by_role("button", name="Hide").click()
        page.wait_for_url(f"**{article.get_absolute_url()}#{kind}-{item.pk}")
        item.refresh_from_db()
        assert item.hidden_by == bob

        follow(entry(page, f"{kind}-{item.pk}").get_by_role("link", name="Unhide").first)
        with api_request(page, f"{path}/unhide", "POST"):
            page.get_by_role("button", name="Unhide").click()
        page.wait_for_url(f"**{article.get_absolute_url()}#{kind}-{item.pk}")
        item.refresh_from_db()
        assert item.hidden_at is None


def test_a_flag_goes_through_the_api_and_a_second_one_is_refused(page, alice, bob):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="Spam")
    flag_page = reverse("articles:annotation_flag", args=[annotation.pk])
    log_in(page, "bob", next_url=article.get_absolute_url())

    follow(entry(page, f"annotation-{annotation.pk}").get_by_role("link", name="Flag"))
    page.get_by_role("textbox", name="What is wrong with it?").fill("Advertising.")
    with api_request(page, f"/api/annotations/{annotation.pk}/flags", "POST"):
        page.get_by_role("button", name="Flag").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#annotation-{annotation.pk}")
    expect(page.get_by_text("Thank you: staff will look at this annotation.")).to_be_visible()
    assert Flag.objects.get().reason == "Advertising."

    page.goto(flag_page)
    page.get_by_role("textbox", name="What is wrong with it?").fill("Again.")
    with api_request(page, f"/api/annotations/{annotation.pk}/flags", "POST"):
        page.get_by_role("button", name="Flag").click()
    expect(page.get_by_role("alert")).to_contain_text("already")
    expect(page.get_by_role("textbox", name="What is wrong with it?")).to_have_value("Again.")
    assert Flag.objects.count() == 1
