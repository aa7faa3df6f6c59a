"""Tags in any script work everywhere, and no tag can take a page down."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from articles.models import Annotation, Tag
from articles.services.annotations import delete_annotation
from tests.base import annotate, make_article, make_outlet, make_story, passage, post_annotation

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."
NAMES = ["réfugiés", "Bürgerrechte", "Ελληνικά", "日本語", "🙂", "C++", "👩‍💻 coding"]


@pytest.fixture
def article():
    story = make_story()
    article = make_article(story=story, outlet=make_outlet("The Daily"), body=BODY)
    make_article(story=story, outlet=make_outlet("The Weekly"), body="Another text about it.")
    return article


def post_tags(client, article, text, tags):
    return post_annotation(client, article, **passage(article, text), tags=tags)


@pytest.mark.parametrize("name", NAMES)
def test_it_shows_a_tag_in_any_script_on_every_page(client, alice, article, name):
    client.force_login(alice)
    assert post_tags(client, article, "The letter", name).status_code == 201
    tag = Tag.objects.get()
    assert tag.name == name and tag.slug
    client.logout()  # what every visitor sees

    article_page = client.get(article.get_absolute_url())
    assert article_page.status_code == 200
    assert f'href="{tag.get_absolute_url()}">{name}</a>' in article_page.text

    tag_page = client.get(tag.get_absolute_url())
    assert tag_page.status_code == 200
    assert "<mark>The letter</mark>" in tag_page.text

    index = client.get(reverse("articles:tag_index"))
    assert index.status_code == 200 and name in index.text

    filtered = client.get(article.get_absolute_url(), {"tag": tag.slug})
    assert 'aria-current="true">' + name in filtered.text

    other = article.story.articles.exclude(pk=article.pk).get()
    compare = client.get(
        reverse("articles:compare", args=[article.story.slug]), {"a": [article.pk, other.pk]}
    )
    assert compare.status_code == 200 and name in compare.text


@pytest.mark.parametrize("name", NAMES)
def test_it_suggests_a_tag_in_any_script_from_its_first_letter_in_either_case(client, alice, article, name):
    annotate(article, alice, "Nadella", [name])
    for prefix in {name[0], name[0].upper(), name[0].lower()}:
        response = client.get(reverse("articles:tag_suggestions"), {"q": prefix})
        assert response.json() == {"tags": [name]}


@pytest.mark.parametrize("first, second", [("Élan", "élan"), ("ΕΛΛΗΝΙΚΆ", "ελληνικά"), ("Straße", "STRASSE")])
def test_it_matches_non_ascii_tags_ignoring_case_on_every_database(client, alice, article, first, second):
    client.force_login(alice)
    post_tags(client, article, "Nadella", first)
    post_tags(client, article, "letter", f"{second}, {first.upper()}")
    assert [list(a.tags.names()) for a in Annotation.objects.all()] == [[first], [first]]


@pytest.mark.parametrize("tags", ["bad\x00tag", "ok, bell\x07", "right\u202eto left"])
def test_it_refuses_a_control_character_in_a_tag_and_saves_nothing(client, alice, article, tags):
    client.force_login(alice)
    response = post_tags(client, article, "Nadella", tags)
    assert response.status_code == 400
    assert "control characters" in response.json()["error"]
    assert not Annotation.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("slug", ["", "a b", "with/slash"])
def test_it_shows_a_tag_that_cannot_be_linked_without_breaking_pages(client, alice, article, slug):
    annotate(article, alice, "Nadella", ["odd"])
    Tag.objects.update(slug=slug)  # as a hand edit in the database might leave it
    other = article.story.articles.exclude(pk=article.pk).get()
    assert client.get("/tags/odd/").status_code == 404  # its name finds it, but it has no address
    pages = [
        client.get(article.get_absolute_url()),
        client.get(reverse("articles:tag_index")),
        client.get(reverse("articles:compare", args=[article.story.slug]), {"a": [article.pk, other.pk]}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert '<span class="tag">odd</span>' in page.text


@pytest.mark.parametrize(
    "name, typed",
    [
        *[("élan", "Élan"), ("élan", "e\u0301lan"), ("🙂", "🙂"), ("Ελληνικά", "ΕΛΛΗΝΙΚΆ")],
        ("loaded language", "Loaded-Language"),
    ],
)
def test_an_address_typed_with_a_tags_name_leads_to_its_page(client, alice, article, name, typed):
    annotate(article, alice, "letter", [name])
    tag = Tag.objects.get()
    response = client.get(f"/tags/{quote(typed)}/", {"after": "5"})
    assert response.status_code == 301 and response["Location"] == f"{tag.get_absolute_url()}?after=5"


def test_an_address_typed_with_the_name_of_a_tag_one_cannot_see_is_missing(client, alice, article):
    annotate(article, alice, "letter", ["Secret"], visibility="private")
    assert client.get("/tags/SECRET/").status_code == 404
    assert client.get("/tags/no such tag/").status_code == 404


def test_it_leaves_no_trace_of_a_tag_used_only_on_deleted_annotations(client, alice, article):
    annotate(article, alice, "letter", ["kept"])
    delete_annotation(annotate(article, alice, "Nadella", ["secret", "kept"]))
    tag = Tag.objects.get(name="secret")

    assert client.get(tag.get_absolute_url()).status_code == 404
    assert "secret" not in client.get(reverse("articles:tag_index")).text
    assert client.get(reverse("articles:tag_suggestions"), {"q": "s"}).json() == {"tags": []}
    page = client.get(article.get_absolute_url(), {"tag": tag.slug}).text
    assert ">secret" not in page and "tag=secret#" not in page  # (log-in links keep the URL typed)
    kept = client.get(Tag.objects.get(name="kept").get_absolute_url()).text
    assert "1 passage " in kept and "Nadella</mark>" not in kept
