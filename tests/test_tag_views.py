import pytest
from django.urls import reverse

from articles.services.annotations import delete_annotation
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db


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
