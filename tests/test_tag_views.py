import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.queries import tags
from articles.services.annotations import delete_annotation, update_annotation
from articles.services.moderation import hide
from newsroom.accounts.models import Membership
from newsroom.accounts.services import create_group
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db(transaction=True)  # tag pages follow writes once committed


@pytest.fixture
def corpus(alice):
    story = make_story("The contract")
    daily = make_article(
        story=story, outlet=make_outlet("The Daily"), body="One two three four five six seven eight nine ten."
    )
    weekly = make_article(
        story=story, outlet=make_outlet("The Weekly"), body=" ".join(["word"] * 40) + " framing here."
    )
    return alice, story, daily, weekly


def test_it_lists_every_passage_with_a_tag_grouped_by_story_and_outlet(client, corpus):
    alice, story, daily, weekly = corpus
    annotate(daily, alice, "three four", ["framing"])
    annotate(weekly, alice, "framing here", ["Framing"])
    annotate(daily, alice, "nine", ["claim"])

    response = client.get(reverse("articles:tag_detail", args=["framing"]))

    assert response.status_code == 200
    text = response.text
    assert (
        "<mark>three four</mark>" in text
        and "<mark>framing here</mark>" in text
        and "nine</mark>" not in text
    )
    assert (
        text.index("The Daily")
        < text.index("three four")
        < text.index("The Weekly")
        < text.index("framing here")
    )
    assert "One two " in text  # the quote in its context


def test_it_leaves_deleted_annotations_out_of_tag_pages(client, corpus):
    alice, story, daily, weekly = corpus
    delete_annotation(annotate(daily, alice, "three four", ["framing"]))
    response = client.get(reverse("articles:tag_detail", args=["framing"]))
    assert "three four</mark>" not in response.text


def test_it_counts_tags_per_outlet_and_per_thousand_words(client, corpus):
    alice, story, daily, weekly = corpus
    annotate(daily, alice, "three", ["framing"])
    annotate(daily, alice, "five", ["framing"])
    annotate(weekly, alice, "framing", ["framing"])

    response = client.get(reverse("articles:tag_index"), {"story": story.slug})

    overview = response.context["overview"]
    assert [name for name, _ in overview.outlets] == ["The Daily", "The Weekly"]
    assert [words for _, words in overview.outlets] == [10, 42]
    [row] = overview.rows
    assert row.total == 3
    assert row.cells == [(2, 200.0), (1, pytest.approx(1000 / 42))]
    assert "200.00 / 1k" in response.text


def test_it_answers_404_for_unknown_tags_and_stories(client):
    assert client.get(reverse("articles:tag_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("articles:tag_index"), {"story": "nope"}).status_code == 404


def test_it_shows_the_context_without_half_words(client, corpus):
    alice, story, daily, weekly = corpus
    annotate(weekly, alice, "framing here", ["framing"])
    response = client.get(reverse("articles:tag_detail", args=["framing"]))
    # 32 characters before the quote start inside a "word"; the page starts at the next one.
    assert '<span class="context">…word word word word word word ' in response.text
    assert "…ord word" not in response.text


def index_rows(client, **query):
    overview = client.get(reverse("articles:tag_index"), query).context["overview"]
    return {row.tag.name: row.total for row in overview.rows}


def test_the_counts_follow_every_write(client, corpus, bob):
    alice, story, daily, weekly = corpus
    kept = annotate(daily, alice, "three", ["framing"])
    gone = annotate(daily, alice, "five", ["framing"])
    assert index_rows(client) == {"framing": 2}
    delete_annotation(gone)
    assert index_rows(client) == {"framing": 1}
    update_annotation(annotation=kept, tags=["claim"], note="")
    assert index_rows(client) == {"claim": 1}
    hide(item=kept, moderator=bob)
    assert index_rows(client) == {}
    client.force_login(alice)  # the author still sees what a moderator hid
    assert index_rows(client) == {"claim": 1}


def test_a_reader_counts_their_own_layers_and_no_one_elses(client, corpus, bob):
    alice, story, daily, weekly = corpus
    team = create_group(owner=alice, name="Desk")
    annotate(daily, alice, "three", ["shared"], visibility="group", group=team)
    annotate(daily, alice, "five", ["secret"], visibility="private")
    annotate(weekly, alice, "framing", ["shared"])
    assert index_rows(client) == {"shared": 1}
    client.force_login(alice)
    assert index_rows(client) == {"shared": 2, "secret": 1}
    assert index_rows(client, story=story.slug) == {"shared": 2, "secret": 1}
    assert client.get(reverse("articles:tag_detail", args=["secret"])).status_code == 200
    client.force_login(bob)
    assert index_rows(client) == {"shared": 1}
    assert client.get(reverse("articles:tag_detail", args=["secret"])).status_code == 404
    assert "secret" not in client.get(reverse("articles:tag_index")).text


def test_a_deleted_article_takes_its_counts_with_it(client, corpus):
    alice, story, daily, weekly = corpus
    annotate(daily, alice, "three", ["framing"])
    annotate(weekly, alice, "framing", ["framing"])
    assert index_rows(client) == {"framing": 2}
    daily.delete()
    assert index_rows(client) == {"framing": 1}


def test_the_index_shows_a_page_of_tags_and_the_largest_outlets(client, corpus, monkeypatch):
    alice, story, daily, weekly = corpus
    monkeypatch.setattr(tags, "TAGS_PER_PAGE", 1)
    monkeypatch.setattr(tags, "OUTLET_COLUMNS", 1)
    annotate(daily, alice, "three", ["alpha"])
    annotate(weekly, alice, "framing", ["beta"])
    first = client.get(reverse("articles:tag_index"))
    overview = first.context["overview"]
    # The Weekly has more words: its own column; The Daily is among the others.
    assert overview.outlets == [("The Weekly", 42), ("1 other outlets", 10)]
    assert [(row.tag.name, row.cells) for row in overview.rows] == [("alpha", [(0, 0.0), (1, 100.0)])]
    assert 'href="?page=2"' in first.text
    second = client.get(reverse("articles:tag_index"), {"page": 2}).context["overview"]
    assert [row.tag.name for row in second.rows] == ["beta"]


def test_a_tag_page_goes_back_a_page_at_a_time(client, corpus, monkeypatch):
    alice, story, daily, weekly = corpus
    monkeypatch.setattr(tags, "PASSAGES_PER_PAGE", 2)
    for word in ["one", "two", "three"]:
        annotate(daily, alice, word.capitalize() if word == "one" else word, ["framing"])
    first = client.get(reverse("articles:tag_detail", args=["framing"]))
    assert first.context["passages"].count == 3
    marks = [a.exact for a in first.context["passages"].passages]
    assert marks == ["two", "three"]  # the newest two, in the article's order
    after = first.context["passages"].next_after
    assert f'href="?after={after}"' in first.text
    second = client.get(reverse("articles:tag_detail", args=["framing"]), {"after": after})
    assert [a.exact for a in second.context["passages"].passages] == ["One"]
    assert second.context["passages"].next_after is None
    for nonsense in ["x", "²", "9" * 5000]:  # the first page
        page = client.get(reverse("articles:tag_detail", args=["framing"]), {"after": nonsense})
        assert [a.exact for a in page.context["passages"].passages] == ["two", "three"]
        assert "Most recent" not in page.text
    assert "Most recent" in second.text


def test_a_readers_cached_counts_follow_their_groups_and_their_writes(client, corpus, bob):
    alice, story, daily, weekly = corpus
    team = create_group(owner=alice, name="Desk")
    Membership.objects.create(user=bob, group=team)
    annotate(daily, alice, "three", ["shared"], visibility="group", group=team)
    client.force_login(bob)
    assert index_rows(client) == {"shared": 1}
    Membership.objects.filter(user=bob).delete()
    assert index_rows(client) == {}
    assert client.get(reverse("articles:tag_detail", args=["shared"])).status_code == 404
    annotate(weekly, bob, "framing", ["mine"], visibility="private")
    assert index_rows(client) == {"mine": 1}
    assert client.get(reverse("articles:tag_detail", args=["mine"])).context["passages"].count == 1


def test_the_rendered_index_follows_a_write(client, corpus):
    alice, story, daily, weekly = corpus
    gone = annotate(daily, alice, "three", ["framing"])
    assert ">framing</a>" in client.get(reverse("articles:tag_index")).text
    delete_annotation(gone)
    assert ">framing</a>" not in client.get(reverse("articles:tag_index")).text


def test_warm_tag_pages_read_neither_counts_nor_passages(client, corpus):
    alice, story, daily, weekly = corpus
    annotate(daily, alice, "three", ["framing"])
    annotate(weekly, alice, "framing", ["framing"], visibility="private")
    client.force_login(alice)
    pages = [
        (reverse("articles:tag_index"), ">2</td>", 1),  # the tag's total: both passages
        (reverse("articles:tag_detail", args=["framing"]), "<mark>", 2),
    ]
    for path, shown, times in pages:
        client.get(path)
        with CaptureQueriesContext(connection) as warm:
            assert client.get(path).text.count(shown) == times  # from the cache
        read = " ".join(query["sql"] for query in warm.captured_queries)
        assert "articles_annotation" not in read and "GROUP BY" not in read, path
