"""Editors confirm, dismiss, merge and split stories, and move articles between them, in the admin."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from articles.models import Annotation, Article, Story
from newsroom.jobs.models import Job
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

STORIES = reverse("admin:articles_story_changelist")
ARTICLES = reverse("admin:articles_article_changelist")


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("alice", "alice@example.com", "pw")
    client.force_login(user)
    return user


def staff_with(client, *codenames):
    """Staff with only these permissions, signed in."""
    user = User.objects.create_user("bob", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def proposal(title="A proposal", *, day=1, articles=2):
    story = Story.objects.create(title=title, slug=f"p-{Story.objects.count()}", status=Story.Status.PROPOSED)
    for number in range(articles):
        make_article(
            story=story,
            outlet=make_outlet(),
            title=f"{title}, {number}",
            published_on=datetime.date(2024, 3, day + number),
        )
    return story


def comparisons_queued(*stories):
    subjects = {f"story:{story.pk}" for story in stories}
    return set(Job.objects.filter(kind=Job.Kind.COMPARE_STORY).values_list("subject", flat=True)) & subjects


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The list.


def test_the_list_shows_status_and_article_counts_proposals_first(
    client, editor, django_assert_max_num_queries
):
    confirmed = make_story("Confirmed one")
    make_article(story=confirmed)
    for number in range(5):
        proposal(f"Proposal {number}", articles=3)
    with django_assert_max_num_queries(12):  # not one query per story
        response = client.get(STORIES)
    rows = list(response.context["cl"].result_list)
    assert [story.status for story in rows][:5] == ["proposed"] * 5
    assert rows[-1] == confirmed
    assert [story.article_count for story in rows] == [3] * 5 + [1]
    assert "Proposed" in response.text


def test_the_list_filters_by_status(client, editor):
    make_story("Confirmed one")
    proposal("Waiting one")
    response = client.get(STORIES, {"status__exact": "proposed"})
    assert "Waiting one" in response.text and "Confirmed one" not in response.text


# Confirm and dismiss.


def test_confirming_shows_the_stories_to_readers_and_compares_them(client, editor):
    first, second = proposal("First"), proposal("Second")
    response = client.post(
        STORIES, {"action": "confirm_selected", "_selected_action": [first.pk]}, follow=True
    )
    assert "1 story confirmed." in messages_of(response)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "proposed")
    assert comparisons_queued(first, second) == {f"story:{first.pk}"}
    assert LogEntry.objects.filter(object_id=str(first.pk), change_message="Confirmed.").exists()


def test_dismissing_keeps_the_articles_in_the_story(client, editor):
    story = proposal("Not news")
    response = client.post(
        STORIES, {"action": "dismiss_selected", "_selected_action": [story.pk]}, follow=True
    )
    assert "1 story dismissed." in messages_of(response)
    story.refresh_from_db()
    assert story.status == "dismissed" and story.articles.count() == 2
    assert not comparisons_queued(story)


@pytest.mark.parametrize("action", ["confirm_selected", "dismiss_selected", "merge_selected"])
def test_staff_without_the_story_permissions_change_nothing(client, action):
    staff_with(client, "view_story")
    first, second = proposal("First"), proposal("Second")
    response = client.post(
        STORIES, {"action": action, "_selected_action": [first.pk, second.pk], "keep": first.pk}
    )
    assert response.status_code in (200, 302)
    assert set(Story.objects.values_list("status", flat=True)) == {"proposed"}
    assert Story.objects.count() == 2 and not Job.objects.exists()


def test_merging_needs_the_delete_permission_too(client):
    staff_with(client, "view_story", "change_story")
    first, second = proposal("First"), proposal("Second")
    data = {
        "action": "merge_selected",
        "_selected_action": [first.pk, second.pk],
        "keep": first.pk,
        "apply": "1",
    }
    client.post(STORIES, data)
    assert Story.objects.count() == 2


# Merge.


def test_merge_asks_which_story_stays_then_moves_the_articles_and_keeps_annotations(client, editor):
    first, second = proposal("First", day=1), proposal("Second", day=5)
    confirmed = make_story("Edited title")
    moved = make_article(
        story=confirmed, body="A passage worth a note.", published_on=datetime.date(2024, 2, 1)
    )
    note = annotate(moved, editor, "worth a note")
    selection = [first.pk, second.pk, confirmed.pk]

    page = client.post(STORIES, {"action": "merge_selected", "_selected_action": selection})
    assert page.status_code == 200 and "The story that stays" in page.text
    assert 'name="keep"' in page.text and "Edited title (confirmed, 1 article)" in page.text
    assert Story.objects.count() == 3  # nothing changed yet

    data = {"action": "merge_selected", "_selected_action": selection, "keep": second.pk, "apply": "1"}
    response = client.post(STORIES, data, follow=True)
    assert "3 stories merged into “Second”: 3 articles moved to it; it is confirmed." in messages_of(response)
    assert list(Story.objects.all()) == [second]
    second.refresh_from_db()
    assert second.status == "confirmed"  # one of them was
    assert (second.title, second.date) == ("Second", datetime.date(2024, 2, 1))
    assert second.articles.count() == 5
    assert Annotation.objects.get(pk=note.pk).article == moved and moved in second.articles.all()
    assert comparisons_queued(second) == {f"story:{second.pk}"}


def test_merging_proposals_gives_a_proposal(client, editor):
    first, second = proposal("First"), proposal("Second")
    data = {
        "action": "merge_selected",
        "_selected_action": [first.pk, second.pk],
        "keep": first.pk,
        "apply": "1",
    }
    client.post(STORIES, data)
    first.refresh_from_db()
    assert first.status == "proposed" and first.articles.count() == 4
    assert not Job.objects.exists()


@pytest.mark.parametrize("keep", ["", "999999", "not a number"])
def test_merge_without_a_valid_choice_changes_nothing(client, editor, keep):
    first, second = proposal("First"), proposal("Second")
    other = proposal("Not selected")
    keep = str(other.pk) if keep == "999999" else keep  # a story, but not one of the selection
    data = {"action": "merge_selected", "_selected_action": [first.pk, second.pk], "keep": keep, "apply": "1"}
    response = client.post(STORIES, data)
    assert response.status_code == 200
    assert response.context["form"].errors["keep"]
    assert Story.objects.count() == 3 and first.articles.count() == 2


def test_merge_needs_two_stories(client, editor):
    story = proposal("Alone")
    response = client.post(STORIES, {"action": "merge_selected", "_selected_action": [story.pk]}, follow=True)
    assert "Select two stories or more to merge them." in messages_of(response)
    assert Story.objects.count() == 1


# Rename.


def test_renaming_keeps_the_address(client, editor):
    story = proposal("Old title")
    url = reverse("admin:articles_story_change", args=[story.pk])
    page = client.get(url)
    assert "Pick among its 2 articles" in page.text
    data = {
        "title": "New title",
        "slug": story.slug,
        "status": "confirmed",
        "date": "",
        "summary": "",
        "articles-TOTAL_FORMS": "2",
        "articles-INITIAL_FORMS": "2",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
    }
    for number, article in enumerate(story.articles.all()):
        data |= {f"articles-{number}-id": article.pk, f"articles-{number}-story": story.pk}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert (story.title, story.slug, story.status) == ("New title", story.slug, "confirmed")
    assert comparisons_queued(story)  # just confirmed


# Articles: assign to a story, new story from a selection (a split).


def test_assign_asks_for_the_story_with_an_autocomplete(client, editor):
    articles = proposal("First").articles.all()
    page = client.post(ARTICLES, {"action": "assign_to_story", "_selected_action": [a.pk for a in articles]})
    assert page.status_code == 200
    assert "admin-autocomplete" in page.text and reverse("admin:autocomplete") in page.text
    assert "<option" not in page.text.split('name="story"')[1].split("</select>")[0].replace(
        '<option value="" selected>', ""
    )  # no list of every story


def test_assign_moves_the_articles_and_compares_both_stories(client, editor):
    source = make_story("Source")
    target = make_story("Target")
    stay = make_article(story=source, title="Stays")
    going = [make_article(story=source, title=f"Goes {n}") for n in range(3)]
    note = annotate(going[0], editor, "First paragraph")
    data = {"action": "assign_to_story", "_selected_action": [a.pk for a in going], "story": target.pk}
    response = client.post(ARTICLES, data | {"apply": "1"}, follow=True)
    assert any("3 articles moved to" in message and "Target" in message for message in messages_of(response))
    assert set(target.articles.all()) == set(going) and list(source.articles.all()) == [stay]
    assert Annotation.objects.get(pk=note.pk).article_id == going[0].pk
    assert comparisons_queued(source, target) == {f"story:{source.pk}", f"story:{target.pk}"}


def test_assign_deletes_proposals_it_empties(client, editor):
    emptied = proposal("Emptied")
    target = make_story("Target")
    data = {"action": "assign_to_story", "_selected_action": [a.pk for a in emptied.articles.all()]}
    response = client.post(ARTICLES, data | {"story": target.pk, "apply": "1"}, follow=True)
    assert "Proposals left without articles, and deleted: “Emptied”." in messages_of(response)
    assert not Story.objects.filter(pk=emptied.pk).exists()


@pytest.mark.parametrize("story", ["", "999999", "x", "1" * 30])
def test_assign_without_a_story_changes_nothing(client, editor, story):
    source = proposal("Source")
    data = {"action": "assign_to_story", "_selected_action": [a.pk for a in source.articles.all()]}
    response = client.post(ARTICLES, data | {"story": story, "apply": "1"})
    assert response.status_code == 200 and response.context["form"].errors["story"]
    assert source.articles.count() == 2


def test_new_story_from_selection_proposes_the_first_articles_title(client, editor):
    source = proposal("Source", day=3)
    first = source.articles.order_by("published_on").first()
    data = {"action": "new_story_from_selection", "_selected_action": [a.pk for a in source.articles.all()]}
    page = client.post(ARTICLES, data)
    assert page.status_code == 200 and page.context["form"]["title"].value() == first.title


def test_new_story_from_selection_splits_a_story(client, editor):
    source = make_story("Two events")
    kept = make_article(story=source, title="The first event", published_on=datetime.date(2024, 1, 2))
    split = [
        make_article(story=source, title=f"The second event {n}", published_on=datetime.date(2024, 1, 9 + n))
        for n in range(2)
    ]
    note = annotate(split[1], editor, "Second one")
    data = {"action": "new_story_from_selection", "_selected_action": [a.pk for a in split]}
    response = client.post(ARTICLES, data | {"title": "  The second event  ", "apply": "1"}, follow=True)
    new = Story.objects.get(title="The second event")
    assert any("2 articles moved to" in message for message in messages_of(response))
    assert (
        new.status == "confirmed" and new.slug == "the-second-event" and new.date == datetime.date(2024, 1, 9)
    )
    assert set(new.articles.all()) == set(split) and list(source.articles.all()) == [kept]
    assert Annotation.objects.get(pk=note.pk).article_id == split[1].pk
    assert comparisons_queued(source, new) == {f"story:{source.pk}", f"story:{new.pk}"}


def test_a_story_split_takes_the_date_of_the_articles_it_keeps(client, editor):
    source = make_story("Two events")
    early = make_article(story=source, title="The first event", published_on=datetime.date(2024, 1, 2))
    make_article(story=source, title="The second event", published_on=datetime.date(2024, 1, 9))
    source.date = datetime.date(2024, 1, 2)
    source.save()
    data = {"action": "new_story_from_selection", "_selected_action": [early.pk]}
    client.post(ARTICLES, data | {"title": "The first event", "apply": "1"})
    source.refresh_from_db()
    assert source.date == datetime.date(2024, 1, 9)


@pytest.mark.parametrize("title, error", [("", "Give the new story a title."), ("x" * 2000, "at most 500")])
def test_new_story_with_a_bad_title_changes_nothing(client, editor, title, error):
    source = proposal("Source")
    data = {"action": "new_story_from_selection", "_selected_action": [a.pk for a in source.articles.all()]}
    response = client.post(ARTICLES, data | {"title": title, "apply": "1"})
    assert response.status_code == 200 and error in response.text
    assert Story.objects.count() == 1 and source.articles.count() == 2


def test_new_story_from_articles_deleted_meanwhile_changes_nothing(client, editor):
    data = {"action": "new_story_from_selection", "_selected_action": [999999], "title": "Gone"}
    response = client.post(ARTICLES, data | {"apply": "1"}, follow=True)
    assert "None of the selected articles exists any more." in messages_of(response)
    assert not Story.objects.exists()


def test_a_new_storys_address_is_unique(client, editor):
    make_story("Taken").__class__.objects.filter(title="Taken").update(slug="taken")
    article = make_article()
    data = {"action": "new_story_from_selection", "_selected_action": [article.pk], "title": "Taken"}
    client.post(ARTICLES, data | {"apply": "1"})
    assert Article.objects.get(pk=article.pk).story.slug == "taken-2"


@pytest.mark.parametrize(
    "action, permissions",
    [
        ("assign_to_story", ["view_article", "change_article", "view_story"]),
        ("assign_to_story", ["view_article", "view_story", "change_story"]),
        ("new_story_from_selection", ["view_article", "change_article", "view_story"]),
        ("new_story_from_selection", ["view_article", "add_story", "view_story"]),
    ],
)
def test_article_actions_need_both_permissions(client, action, permissions):
    staff_with(client, *permissions)
    source, target = make_story("Source"), make_story("Target")
    article = make_article(story=source)
    data = {
        "action": action,
        "_selected_action": [article.pk],
        "story": target.pk,
        "title": "New",
        "apply": "1",
    }
    client.post(ARTICLES, data)
    assert Story.objects.count() == 2 and Article.objects.get(pk=article.pk).story == source


def test_the_autocomplete_finds_stories_by_title(client, editor):
    wanted, other = make_story("Harbour bridge reopens"), make_story("Election results")
    params = {"app_label": "articles", "model_name": "article", "field_name": "story", "term": "harbour"}
    found = client.get(reverse("admin:autocomplete"), params).json()["results"]
    assert found == [{"id": str(wanted.pk), "text": "Harbour bridge reopens"}]
    assert other.title not in str(found)


def test_the_article_list_filters_by_story_status_and_lists_one_storys_articles(client, editor):
    waiting = proposal("Waiting")
    confirmed = make_story("Confirmed")
    seen = make_article(story=confirmed, title="Seen article")
    alone = make_article(title="Alone article")
    response = client.get(ARTICLES, {"story__status__exact": "proposed"})
    assert "Waiting, 0" in response.text and "Seen article" not in response.text
    response = client.get(ARTICLES, {"story__isempty": "1"})
    assert "Alone article" in response.text and "Seen article" not in response.text
    response = client.get(ARTICLES, {"story__id__exact": confirmed.pk})  # the story page's link
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [seen]
    assert f"story__id__exact={waiting.pk}" not in response.text  # no filter link per story
    assert alone.title not in response.text


def test_the_merge_page_names_its_choices_for_assistive_technology(client, editor):
    first, second = proposal("First"), proposal("Second")
    page = client.post(STORIES, {"action": "merge_selected", "_selected_action": [first.pk, second.pk]})
    assert "<legend>The story that stays:</legend>" in page.text
    for number, story in enumerate(page.context["form"].fields["keep"].queryset):
        assert (
            f'<label for="id_keep_{number}"><input type="radio" name="keep" value="{story.pk}"' in page.text
        )
