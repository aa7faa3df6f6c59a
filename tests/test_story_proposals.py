"""Readers see confirmed stories only: proposals (and dismissed stories) are nowhere on their pages,
in the API, search or export; "other coverage" of an article comes from its story, or else from the
articles grouping found most similar."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article, SimilarArticle, Story, StoryComparison
from articles.queries.stories import OTHER_COVERAGE_SHOWN, stories_to_compare
from articles.services.coverage import compare_later, compare_story
from articles.services.imports import import_articles
from articles.services.stories import move_articles
from tests.base import annotate, make_article, make_outlet, make_story
from tests.tasking import run_queued_tasks

pytestmark = pytest.mark.django_db

HIDDEN = [Story.Status.PROPOSED, Story.Status.DISMISSED]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # pages and their blocks are cached for a minute


def story_of(status, title, count=2):
    story = Story.objects.create(title=title, slug=f"s-{status}-{Story.objects.count()}", status=status)
    for number in range(count):
        make_article(
            story=story,
            outlet=make_outlet(),
            title=f"{title}: report {number}",
            body=f"The harbour bridge reopened on Monday, officials said. Report {number} of {title}.",
            published_on=datetime.date(2024, 5, 1 + number),
        )
    compare_story(story)
    return story


@pytest.fixture
def confirmed():
    return story_of(Story.Status.CONFIRMED, "Seen story")


@pytest.fixture(params=HIDDEN)
def hidden(request):
    return story_of(request.param, "Unseen story")


# Pages.


def test_the_home_page_lists_confirmed_stories_only(client, confirmed, hidden):
    page = client.get(reverse("articles:home"))
    assert "Seen story" in page.text and confirmed.get_absolute_url() in page.text
    assert hidden.get_absolute_url() not in page.text
    assert [story.pk for story in page.context["stories"]] == [confirmed.pk]


@pytest.mark.parametrize("name", ["story_detail", "story_coverage", "story_comparison_json"])
def test_a_hidden_storys_pages_are_missing(client, confirmed, hidden, name):
    assert client.get(reverse(f"articles:{name}", args=[confirmed.slug])).status_code == 200
    assert client.get(reverse(f"articles:{name}", args=[hidden.slug])).status_code == 404


def test_a_hidden_story_cannot_be_read_side_by_side(client, hidden):
    ids = list(hidden.articles.values_list("pk", flat=True))
    assert client.get(reverse("articles:compare", args=[hidden.slug]), {"a": ids}).status_code == 404
    article = hidden.articles.first()
    fragments = client.get(reverse("articles:article_fragments", args=[article.pk]), {"columns": ids})
    assert fragments.status_code == 400


def test_staff_too_preview_a_proposal_in_the_admin_only(client, hidden):
    client.force_login(User.objects.create_superuser("alice", "a@example.com", "pw"))
    assert client.get(hidden.get_absolute_url()).status_code == 404
    page = client.get(reverse("admin:articles_story_change", args=[hidden.pk]))
    assert page.status_code == 200 and hidden.title in page.text


def test_an_article_page_names_its_story_only_once_confirmed(client, confirmed, hidden):
    page = client.get(confirmed.articles.first().get_absolute_url())
    assert 'class="kicker"' in page.text and confirmed.get_absolute_url() in page.text
    page = client.get(hidden.articles.first().get_absolute_url())
    assert 'class="kicker"' not in page.text and "Unseen story</a>" not in page.text
    assert hidden.get_absolute_url() not in page.text


def test_a_confirmed_story_shows_on_the_article_page_at_once(client, hidden):
    article = hidden.articles.first()
    assert hidden.get_absolute_url() not in client.get(article.get_absolute_url()).text
    Story.objects.filter(pk=hidden.pk).update(status=Story.Status.CONFIRMED)
    assert hidden.get_absolute_url() in client.get(article.get_absolute_url()).text


def test_the_tag_overview_of_a_hidden_story_is_missing(client, hidden):
    assert client.get(reverse("articles:tag_index"), {"story": hidden.slug}).status_code == 404


def test_only_confirmed_stories_are_compared_by_the_command(confirmed, hidden):
    StoryComparison.objects.update(is_stale=True)
    assert list(stories_to_compare()) == [confirmed]


def test_an_import_compares_the_confirmed_stories_it_changes_only(confirmed, hidden):
    StoryComparison.objects.all().delete()
    records = [
        {**record(story, f"imported-{story.pk}.txt"), "story": {"title": story.title, "slug": story.slug}}
        for story in (confirmed, hidden)
    ]
    summary = import_articles(records=records)
    assert summary.story_ids == {confirmed.pk, hidden.pk}
    assert list(StoryComparison.objects.values_list("story", flat=True)) == [confirmed.pk]


def record(story: Story, source_file: str) -> dict:
    """An imported record of a new article about the story."""
    fields = dict.fromkeys(["subtitle", "byline", "language", "source_url"], "")
    return fields | {
        "source_file": source_file,
        "title": f"More on {story.title}",
        "body": f"The harbour bridge stayed open on Tuesday ({story.title}).",
        "keywords": [],
        "wire_agencies": [],
        "published_on": None,
        "outlet": None,
    }


# The API.


def test_the_api_lists_and_shows_confirmed_stories_only(client, confirmed, hidden):
    listed = client.get(reverse("api:stories")).json()
    assert [item["slug"] for item in listed["items"]] == [confirmed.slug] and listed["count"] == 1
    assert client.get(reverse("api:story", args=[confirmed.slug])).status_code == 200
    assert client.get(reverse("api:story", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("api:story_comparison", args=[hidden.slug])).status_code == 404


def test_the_api_gives_an_articles_story_only_once_confirmed(client, confirmed, hidden):
    seen, unseen = confirmed.articles.first(), hidden.articles.first()
    assert client.get(reverse("api:article", args=[seen.pk])).json()["story"] == confirmed.slug
    assert client.get(reverse("api:article", args=[unseen.pk])).json()["story"] is None
    by_story = client.get(reverse("api:articles"), {"story": hidden.slug}).json()
    assert by_story["count"] == 0
    everything = client.get(reverse("api:articles")).json()["items"]
    assert {item["story"] for item in everything} == {confirmed.slug, None}


# Search and export.


def test_search_neither_filters_by_nor_shows_a_hidden_story(client, confirmed, hidden):
    refused = client.get(reverse("search:results"), {"q": "harbour", "story": hidden.slug})
    assert refused.context["form"].errors["story"]
    page = client.get(reverse("search:results"), {"q": "harbour"})
    assert page.status_code == 200 and "Unseen story: report 0" in page.text  # the articles are found
    assert confirmed.get_absolute_url() in page.text and hidden.get_absolute_url() not in page.text
    narrowed = client.get(reverse("search:results"), {"q": "harbour", "story": confirmed.slug})
    assert "Seen story: report 0" in narrowed.text and "Unseen story: report 0" not in narrowed.text


def test_export_refuses_a_hidden_story_as_its_filter(client, confirmed, hidden):
    user = User.objects.create_user("reader", password="pw")
    annotate(hidden.articles.first(), user, "harbour bridge")
    annotate(confirmed.articles.first(), user, "harbour bridge")
    client.force_login(user)
    page = client.get(reverse("export"), {"story": hidden.slug})
    assert hidden.title not in page.text and "Select a valid choice" in page.text
    assert confirmed.title in page.text  # offered in the story menu


# Other coverage of this event.


def other_coverage(client, article) -> str:
    text = client.get(article.get_absolute_url()).text
    return text.split('id="related-heading"')[1].split("</aside>")[0] if "related-heading" in text else ""


def test_other_coverage_lists_the_other_articles_of_its_story(client, confirmed):
    article, other = confirmed.articles.all()
    listed = other_coverage(client, article)
    assert "Other coverage of this event" in listed and other.get_absolute_url() in listed
    assert article.get_absolute_url() not in listed
    assert confirmed.get_absolute_url() in listed and "found automatically" not in listed


def test_other_coverage_is_bounded_with_a_link_to_the_whole_story(client):
    story = story_of(Story.Status.CONFIRMED, "Big story", count=OTHER_COVERAGE_SHOWN + 5)
    article = story.articles.first()
    listed = other_coverage(client, article)
    assert listed.count('class="article-link"') == OTHER_COVERAGE_SHOWN
    assert "and 4 more in" in listed and story.get_absolute_url() in listed


def test_without_a_confirmed_story_other_coverage_is_the_most_similar_articles(client, hidden):
    article = hidden.articles.first()
    near = make_article(outlet=make_outlet(), title="Bridge reopens, says city")
    nearest = make_article(outlet=make_outlet(), title="Harbour bridge open again")
    unrelated = make_article(outlet=make_outlet(), title="Unrelated sports result")
    SimilarArticle.objects.create(article=article, other=near, similarity=0.41)
    SimilarArticle.objects.create(article=article, other=nearest, similarity=0.73)
    SimilarArticle.objects.create(article=nearest, other=unrelated, similarity=0.5)  # another's
    listed = other_coverage(client, article)
    assert "found automatically" in listed
    assert listed.index(nearest.title) < listed.index(near.title)
    assert unrelated.title not in listed
    # Not the proposal's other article, which readers do not see as a story.
    assert hidden.articles.exclude(pk=article.pk).get().title not in listed
    assert hidden.get_absolute_url() not in listed


def test_similar_articles_are_bounded(client):
    article = make_article(title="Alone")
    for number in range(OTHER_COVERAGE_SHOWN + 3):
        other = make_article(title=f"Similar {number}")
        SimilarArticle.objects.create(article=article, other=other, similarity=0.3 + number / 100)
    listed = other_coverage(client, article)
    assert listed.count('class="article-link"') == OTHER_COVERAGE_SHOWN
    assert "Similar 12" in listed and "Similar 0<" not in listed


def test_an_article_with_neither_shows_no_other_coverage(client):
    assert other_coverage(client, make_article(title="Alone")) == ""


def test_other_coverage_follows_the_article_to_a_new_story(client, confirmed):
    article = confirmed.articles.first()
    assert confirmed.get_absolute_url() in other_coverage(client, article)
    elsewhere = make_story("Elsewhere")
    make_article(story=elsewhere, title="The other article elsewhere")
    move_articles(Article.objects.filter(pk=article.pk), elsewhere)
    assert "The other article elsewhere" in other_coverage(client, Article.objects.get(pk=article.pk))


# Passages of a tag, and their export, name confirmed stories only.


@pytest.fixture
def tagged(confirmed, hidden):
    user = User.objects.create_user("reader", password="pw")
    for story in (confirmed, hidden):
        annotate(story.articles.first(), user, "harbour bridge", tags=["bridges"])
    return user


def test_a_tags_passages_are_grouped_by_confirmed_stories_only(client, tagged, confirmed, hidden):
    page = client.get(reverse("articles:tag_detail", args=["bridges"]))
    assert page.status_code == 200 and page.text.count("harbour bridge") >= 2
    assert confirmed.get_absolute_url() in page.text
    assert hidden.get_absolute_url() not in page.text and "Articles without a story" in page.text


def test_the_csv_export_and_report_name_confirmed_stories_only(client, tagged, confirmed, hidden):
    client.force_login(tagged)
    response = client.get(reverse("api:export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Seen story" in text and "Unseen story," not in text and "Unseen story: report 0" in text
    report = client.get(reverse("export_report"), {"tag": "bridges"}).content.decode()
    assert "(Seen story)" in report and "(Unseen story)" not in report


def test_the_worker_compares_a_story_only_once_confirmed(hidden):
    StoryComparison.objects.all().delete()
    compare_later([hidden.pk])  # as an import of its articles would
    run_queued_tasks()
    assert not StoryComparison.objects.exists()
    Story.objects.filter(pk=hidden.pk).update(status=Story.Status.CONFIRMED)
    compare_later([hidden.pk])
    run_queued_tasks()
    assert StoryComparison.objects.filter(story=hidden).exists()
