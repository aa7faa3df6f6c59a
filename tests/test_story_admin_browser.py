"""An editor's story work in Debian's Chromium: confirm a proposal and read it side by side; move
articles to a story found with the admin's search-as-you-type choice; no script refused."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Story
from tests.base import make_article, make_outlet, make_story
from tests.browser import follow, log_in
from tests.test_csp_browser import violations  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "The harbour bridge reopened on Monday after repairs, the city said.\n\nTraffic was light."


@pytest.fixture
def editor(django_user_model, page):
    django_user_model.objects.create_superuser("editor", password="pw")
    log_in(page, "editor")


def proposal(title):
    story = Story.objects.create(title=title, slug="harbour-bridge", status=Story.Status.PROPOSED)
    for name in ("First Outlet", "Second Outlet"):
        make_article(story=story, outlet=make_outlet(name), title=f"{name}: the bridge reopens", body=BODY)
    return story


def run_action(page, label):
    page.get_by_role("combobox", name="Action").select_option(label=label)
    follow(page.get_by_role("button", name="Go"))


def test_an_editor_confirms_a_proposal_and_reads_it_side_by_side(page, editor, violations):  # noqa: F811
    story = proposal("Harbour bridge reopens")
    assert page.goto(story.get_absolute_url()).status == 404  # not yet

    page.goto(reverse("admin:articles_story_changelist"))
    expect(page.locator("#result_list")).to_contain_text("Proposed")
    page.get_by_role("checkbox", name="Select this object for an action - Harbour bridge reopens").check()
    run_action(page, "Confirm: readers see the selected stories")
    expect(page.get_by_text("1 story confirmed.")).to_be_visible()

    page.goto(story.get_absolute_url())
    for article in story.articles.all():
        page.get_by_label(article.title).check()
    follow(page.get_by_role("button", name="Read side by side"))
    for article in story.articles.all():
        expect(page.locator(f"#column-{article.pk}")).to_contain_text("harbour bridge reopened")
    assert violations == []


def test_an_editor_assigns_articles_to_a_story_found_by_typing(page, editor, violations):  # noqa: F811
    target = make_story("Harbour bridge reopens")
    make_story("Election results")
    moving = [make_article(outlet=make_outlet(f"Outlet {n}"), title=f"Bridge report {n}") for n in range(2)]

    page.goto(reverse("admin:articles_article_changelist"))
    for article in moving:
        page.get_by_role("checkbox", name=f"Select this object for an action - {article.title}").check()
    run_action(page, "Assign to story")
    expect(page.get_by_role("heading", name="The 2 selected articles")).to_be_visible()

    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("harbour")
    page.get_by_role("option", name="Harbour bridge reopens").click()
    follow(page.get_by_role("button", name="Assign to a story"))

    expect(page.locator(".messagelist")).to_contain_text("2 articles moved to “Harbour bridge reopens”.")
    assert set(target.articles.all()) == set(moving)
    assert violations == []
