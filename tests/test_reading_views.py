import re
import secrets
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles.models import Story
from articles.views.caching import csrf_stand_in
from tests.base import make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db


def make_story_with_articles(count: int):
    story = make_story("Employees protest a contract")
    for number in range(count):
        make_article(story=story, outlet=make_outlet(), title=f"Report {number}")
    return story


def test_it_lists_stories_with_their_articles_and_outlets(client):
    story = make_story_with_articles(2)
    lonely = make_article(title="Article without outlet")

    response = client.get(reverse("articles:home"))

    assert response.status_code == 200
    for article in story.articles.all():
        assert article.title in response.text and article.outlet.name in response.text
    assert lonely.title in response.text


def test_it_uses_the_same_number_of_queries_however_many_articles(client, django_assert_max_num_queries):
    make_story_with_articles(2)
    # Stories: their count, a page, its first articles, their counts; the latest articles (and
    # undated ones, while fewer than 20 have a date); the outlets and their counts; the articles of
    # no outlet.
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("articles:home"))
    make_story_with_articles(30)
    cache.clear()  # not the page cached for anonymous readers
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("articles:home"))


def test_it_lists_the_latest_articles_and_every_outlet_with_its_article_count(client):
    daily, weekly = make_outlet("The Daily"), make_outlet("The Weekly")
    for day in range(1, 23):
        make_article(outlet=daily, title=f"Daily {day:02}", published_on=date(2025, 3, day))
    make_article(outlet=weekly, title="Weekly undated")

    page = client.get(reverse("articles:home")).text

    latest = page.split('id="latest-heading"')[1].split('id="outlets-heading"')[0]
    assert latest.count('class="article-link"') == 20
    assert latest.index("Daily 22") < latest.index("Daily 21") and "Daily 02" not in latest
    outlets = page.split('id="outlets-heading"')[1]
    assert "The Daily</a>" in outlets and "22 articles" in outlets
    assert "The Weekly</a>" in outlets and "1 article<" in outlets and "Weekly undated" not in outlets


def test_it_fills_the_latest_articles_with_undated_ones_newest_imported_first(client):
    make_article(title="Dated", published_on=date(2025, 3, 1))
    make_article(title="Undated first")
    make_article(title="Undated second")

    page = client.get(reverse("articles:home")).text

    latest = page.split('id="latest-heading"')[1].split('id="outlets-heading"')[0]
    assert latest.index("Dated") < latest.index("Undated second") < latest.index("Undated first")


def test_it_counts_each_listed_storys_articles(client):
    big, small = make_story_with_articles(9), make_story_with_articles(1)
    stories = {story.pk: story for story in client.get(reverse("articles:home")).context["stories"]}
    assert (stories[big.pk].article_count, stories[small.pk].article_count) == (9, 1)
    assert len(stories[big.pk].first_articles) == 8


def test_it_lists_a_storys_articles_in_pages(client):
    story = make_story_with_articles(51)
    first_page = client.get(story.get_absolute_url())
    second_page = client.get(story.get_absolute_url(), {"page": 2})
    assert first_page.text.count('type="checkbox" name="a"') == 50
    assert "51 articles, 1 to 50 listed here." in first_page.text
    assert second_page.text.count('type="checkbox" name="a"') == 1
    listed = {a.pk for page in (first_page, second_page) for a in page.context["articles"]}
    assert listed == set(story.articles.values_list("pk", flat=True))


def test_anonymous_readers_get_a_cached_story_page_but_never_a_dismissed_story(
    client, django_assert_num_queries
):
    story = make_story_with_articles(51)
    client.get(story.get_absolute_url(), {"page": 2})
    with django_assert_num_queries(1):  # the story, whose status is checked on every request
        second_page = client.get(story.get_absolute_url(), {"page": "02"})
    assert second_page.text.count('type="checkbox" name="a"') == 1
    for odd in ["x", "²", "99999"]:
        assert client.get(story.get_absolute_url(), {"page": odd}).status_code == 200
    story.status = Story.Status.DISMISSED
    story.save()
    assert client.get(story.get_absolute_url(), {"page": 2}).status_code == 404


def test_an_editors_fix_to_a_story_shows_at_once_on_its_cached_pages(client, alice):
    story = make_story("Protest at the plant")
    article = make_article(story=story, outlet=make_outlet("Daily"))
    client.force_login(alice)
    for reader in [Client(), client]:  # the copy shared by anonymous readers, and alice's own
        assert "Protest at the plant" in reader.get(story.get_absolute_url()).text
        assert "Protest at the plant" in reader.get(article.get_absolute_url()).text
    story.title, story.summary = "Strike at the plant", "Workers walked out."
    story.save()
    for reader in [Client(), client]:
        story_page, article_page = (
            reader.get(story.get_absolute_url()).text,
            reader.get(article.get_absolute_url()).text,
        )
        assert "Strike at the plant" in story_page and "Workers walked out." in story_page
        assert "Strike at the plant" in article_page and "Protest at the plant" not in article_page


def test_a_bad_selection_in_a_large_story_links_to_all_its_articles(client):
    story = make_story_with_articles(51)
    response = client.get(reverse("articles:compare", args=[story.slug]), {"a": ["x"]})
    assert response.status_code == 400
    assert response.text.count('type="checkbox" name="a"') == 50
    assert f'<a href="{story.get_absolute_url()}">All 51 articles of this story</a>' in response.text
    assert 'rel="next"' not in response.text  # its pages are the story's, not this error's


def test_it_shows_an_article_as_paragraphs_with_their_offsets(client):
    story = make_story()
    article = make_article(
        story=story, outlet=make_outlet("The Daily"), body="One.\n\nTwo <b>bold</b>.", byline="Jane Doe"
    )
    other = make_article(story=story, title="Another take")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert '<p data-start="0">One.</p>' in response.text
    assert '<p data-start="6">Two &lt;b&gt;bold&lt;/b&gt;.</p>' in response.text
    assert "The Daily" in response.text and "Jane Doe" in response.text
    assert other.get_absolute_url() in response.text


def test_it_redirects_an_old_slug_to_the_article(client):
    article = make_article()
    response = client.get(reverse("articles:article_detail", args=[article.pk, "old-title"]))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_it_redirects_an_address_without_its_slug_to_the_article(client):
    article = make_article()
    response = client.get(reverse("articles:article_by_id", args=[article.pk]))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(reverse("articles:article_by_id", args=[article.pk + 1])).status_code == 404


def test_it_keeps_the_filters_asked_for_when_it_redirects(client):
    article = make_article()
    by_id = reverse("articles:article_by_id", args=[article.pk])
    response = client.get(by_id, {"tag": "quote", "author": "é"})
    assert response.status_code == 301
    assert response["Location"] == f"{article.get_absolute_url()}?tag=quote&author=%C3%A9"


def test_it_answers_404_for_unknown_pages(client):
    assert client.get(reverse("articles:article_detail", args=[999, "nope"])).status_code == 404
    assert client.get(reverse("articles:story_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("articles:outlet_detail", args=["nope"])).status_code == 404


def test_it_offers_the_articles_of_a_story_to_compare(client):
    story = make_story_with_articles(3)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('type="checkbox" name="a"') == 3


def test_it_shows_picked_articles_side_by_side_in_the_order_picked(client):
    story = make_story_with_articles(3)
    first, second, third = story.articles.all()

    response = client.get(reverse("articles:compare", args=[story.slug]), {"a": [third.pk, first.pk]})

    assert response.status_code == 200
    assert [column.article.pk for column in response.context["columns"]] == [third.pk, first.pk]
    assert second.title not in response.text


@pytest.mark.parametrize("picked", [[], ["1"], ["x", "y"], ["1", "2", "3", "4", "5", "6"]])
def test_it_refuses_a_bad_selection_with_a_message(client, picked):
    story = make_story_with_articles(6)
    ids = [str(article.pk) for article in story.articles.all()]
    picked = [ids[int(index) - 1] if index.isdigit() else index for index in picked]

    response = client.get(reverse("articles:compare", args=[story.slug]), {"a": picked})

    assert response.status_code == 400
    assert "Pick" in response.text
    ticked = re.findall(r'<input type="checkbox" name="a" value="(\d+)"[^>]* checked>', response.text)
    assert ticked == [pk for pk in ids if pk in picked]  # as the reader left them, to change the choice


def test_it_refuses_articles_of_another_story(client):
    story = make_story_with_articles(2)
    stranger = make_article(story=make_story("Another story"))
    mine = story.articles.first()

    response = client.get(reverse("articles:compare", args=[story.slug]), {"a": [mine.pk, stranger.pk]})

    assert response.status_code == 400
    assert "not part of this story" in response.text


def test_it_compares_with_a_bounded_number_of_queries(client, django_assert_num_queries):
    story = make_story_with_articles(5)
    url = reverse("articles:compare", args=[story.slug])
    ids = list(story.articles.values_list("pk", flat=True))
    # The page's key (the story, its picked articles and when its comparison was made, in one query),
    # then the story, its articles, the comparison and per column its annotations (no tags here).
    with django_assert_num_queries(4 + 2):
        client.get(url, {"a": ids[:2]})
    cache.clear()
    with django_assert_num_queries(4 + 5):
        client.get(url, {"a": ids})
    with django_assert_num_queries(1):
        client.get(url, {"a": ids})  # the page comes from the cache


def test_it_lists_an_outlets_articles_in_pages(client):
    outlet = make_outlet("The Daily")
    for number in range(51):
        make_article(outlet=outlet, title=f"Piece {number:02}")
    first_page = client.get(outlet.get_absolute_url())
    second_page = client.get(outlet.get_absolute_url(), {"page": 2})
    assert first_page.text.count('class="article-link"') == 50
    assert second_page.text.count('class="article-link"') == 1


def test_it_serves_anonymous_readers_a_cached_page_until_the_article_changes(
    client, django_assert_num_queries
):
    story = make_story_with_articles(2)
    article = story.articles.first()
    client.get(article.get_absolute_url())
    with django_assert_num_queries(1):  # the article row, for the cache key
        cached = client.get(article.get_absolute_url())
    assert article.title in cached.text
    assert cached.context is None  # no template was rendered

    article.title = "A corrected title"
    article.save()
    assert "A corrected title" in client.get(article.get_absolute_url()).text


def test_a_signed_in_reader_gets_their_own_cached_page_with_a_csrf_token_that_works(alice, bob):
    article = make_story_with_articles(1).articles.get()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    first = browser.get(article.get_absolute_url())
    second = browser.get(article.get_absolute_url())
    assert first.context is not None and second.context is None  # the second from the cache
    assert ">alice</a>" in second.text and csrf_stand_in() not in second.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.text)[1]
    assert browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302

    browser.force_login(bob)
    page = browser.get(article.get_absolute_url())
    assert page.context is not None and ">bob</a>" in page.text and ">alice</a>" not in page.text


def test_the_csrf_stand_in_of_cached_pages_is_no_text_a_note_could_hold(settings):
    """A note's link holding it would carry its reader's token away: it comes from the secret key."""
    first = csrf_stand_in()
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert csrf_stand_in() != first


def test_a_signed_in_readers_page_from_cached_fragments_costs_four_queries(
    client, alice, django_assert_num_queries
):
    """Session, user, the reader's groups (for the cache keys and the popover's menu, in one
    query) and the article: annotations, related articles and menus come from the cache."""
    article = make_story_with_articles(3).articles.first()
    client.force_login(alice)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(4):
        page = client.get(article.get_absolute_url())
    assert "Other coverage of this event" in page.text and "Report" in page.text


@pytest.mark.parametrize("path", ["/", "/tags/", "/search/?q=protest"])
def test_the_sign_in_link_comes_back_to_the_page(client, path):
    page = client.get(path).text
    next_url = re.search(r'href="/accounts/login/\?next=([^"]*)"', page).group(1)
    assert next_url.startswith("/") and "None" not in next_url


def test_a_cached_list_page_signs_in_back_to_its_page_number(client):
    story = make_story_with_articles(51)
    page = client.get(story.get_absolute_url(), {"page": "0002"}).text
    assert f'next={story.get_absolute_url()}%3Fpage%3D2"' in page
    first = client.get(story.get_absolute_url()).text  # no page number: the page's own address
    assert f'next={story.get_absolute_url()}"' in first
