import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from articles.models import Article, Tag
from articles.services.annotations import create_annotation
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("alice", "alice@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def article():
    return make_article(story=make_story(), outlet=make_outlet("The Daily"))


ADMIN_PAGES = [
    ("admin:articles_article_changelist", False),
    ("admin:articles_article_change", True),
    ("admin:articles_story_changelist", False),
    ("admin:articles_outlet_changelist", False),
    ("admin:articles_article_add", False),
]


@pytest.mark.parametrize("name, with_pk", ADMIN_PAGES)
def test_it_loads_admin_pages_for_staff(client, editor, article, name, with_pk):
    response = client.get(reverse(name, args=[article.pk] if with_pk else []))
    assert response.status_code == 200


def test_it_shows_articles_inline_under_their_story(client, editor, article):
    response = client.get(reverse("admin:articles_story_change", args=[article.story.pk]))
    assert response.status_code == 200
    assert article.title in response.text


def test_it_filters_and_searches_articles(client, editor, article):
    other = make_article(title="Something else")
    response = client.get(
        reverse("admin:articles_article_changelist"), {"outlet__id__exact": article.outlet.pk}
    )
    assert article.title in response.text and other.title not in response.text
    response = client.get(reverse("admin:articles_article_changelist"), {"q": "else"})
    assert other.title in response.text and article.title not in response.text


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: None,
        lambda: User.objects.create_user("bob", password="pw"),
    ],
)
def test_it_refuses_admin_to_anyone_but_staff(client, article, make_user):
    user = make_user()
    if user:
        client.force_login(user)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_it_keeps_an_edited_body_canonical(client, editor, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "title": article.title,
        "slug": article.slug,
        "outlet": article.outlet.pk,
        "story": article.story.pk,
        "byline": "",
        "published_on": "",
        "source_url": "",
        "body": "  First   paragraph.\r\n\r\n\r\nSecond\tone.  \r\nThird\u00a0one. ",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.body == "First paragraph.\n\nSecond one.\n\nThird one."
    assert article.source_file.endswith(".txt")  # import fields are read-only


def test_it_refuses_a_non_http_source_url(client, editor, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "title": article.title,
        "slug": article.slug,
        "body": "Text.",
        "source_url": "javascript:alert(1)",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.source_url == ""


def test_it_lets_an_editor_write_an_article_by_hand(client, editor):
    data = {
        "title": "Written here",
        "slug": "written-here",
        "body": "A  paragraph.\n\n\nAnother.",
        "source_url": "",
    }
    for title in ["Written here", "Written again"]:
        response = client.post(
            reverse("admin:articles_article_add"), {**data, "title": title, "slug": slugify(title)}
        )
        assert response.status_code == 302
    assert sorted(Article.objects.values_list("body", "source_file")) == [
        ("A paragraph.\n\nAnother.", None),
        ("A paragraph.\n\nAnother.", None),
    ]


@pytest.fixture
def annotation(editor, article):
    start = article.body.index("paragraph")
    return create_annotation(
        article=article, author=editor, start=start, end=start + 9, exact="paragraph", tags=["Élan"], note=""
    )


@pytest.mark.parametrize(
    "tags, message",
    [
        ("x" * 150, "at most 50 characters"),
        ("nul\x00here", "control characters"),
        (",".join("abcdefghijklmnopqrstu"), "at most 20 tags"),
    ],
)
def test_it_applies_the_app_tag_limits_in_the_annotation_form(client, annotation, tags, message):
    url = reverse("admin:articles_annotation_change", args=[annotation.pk])
    response = client.post(url, {"tags": tags, "deleted_at_0": "", "deleted_at_1": ""})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert list(annotation.tags.names()) == ["Élan"]


def test_it_matches_tags_ignoring_case_in_the_annotation_form(client, annotation):
    url = reverse("admin:articles_annotation_change", args=[annotation.pk])
    assert "Élan" in client.get(url).text
    response = client.post(url, {"tags": "élan, ÉLAN, Bürger", "deleted_at_0": "", "deleted_at_1": ""})
    assert response.status_code == 302
    assert sorted(annotation.tags.names()) == ["Bürger", "Élan"]
    assert Tag.objects.count() == 2


@pytest.mark.parametrize(
    "name, message",
    [
        ("ÉLAN", "already a tag “ÉLAN”"),
        ("a, b", "cannot hold a comma"),
        ("\u202eevil", "control characters"),
        ("x" * 90, "at most 50"),
    ],
)
def test_it_applies_the_app_tag_rules_when_an_editor_renames_a_tag(client, annotation, name, message):
    other = Tag.objects.named(["other"])[0]
    url = reverse("admin:articles_tag_change", args=[other.pk])
    response = client.post(url, {"name": name, "slug": other.slug})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    other.refresh_from_db()
    assert other.name == "other"


def test_it_lets_an_editor_rename_a_tag(client, annotation):
    tag = annotation.tags.get()
    response = client.post(
        reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "ÉLAN", "slug": tag.slug}
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.key) == ("ÉLAN", "élan")


def test_it_does_not_mark_an_editors_retagging_as_the_authors_edit(client, annotation):
    url = reverse("admin:articles_annotation_change", args=[annotation.pk])
    client.post(url, {"tags": "moderated", "deleted_at_0": "", "deleted_at_1": ""})
    annotation.refresh_from_db()
    assert list(annotation.tags.names()) == ["moderated"] and annotation.edited_at is None


def selected_columns(queries) -> str:
    return " ".join(query["sql"].split(" FROM ")[0] for query in queries)


def test_the_article_list_reads_no_article_body(client, editor, article):
    with CaptureQueriesContext(connection) as listing:
        response = client.get(reverse("admin:articles_article_changelist"))
    assert article.title in response.text
    assert '"articles_article"."title"' in selected_columns(listing.captured_queries)
    assert '"articles_article"."body"' not in selected_columns(listing.captured_queries)


def test_the_annotation_list_is_newest_first_and_reads_no_article_body(client, editor, article):
    first = annotate(article, editor, "First")
    second = annotate(article, editor, "paragraph")  # after it in the text: the text order is first, second

    with CaptureQueriesContext(connection) as listing:
        response = client.get(reverse("admin:articles_annotation_changelist"))

    assert list(response.context["cl"].result_list) == [second, first]
    assert '"articles_article"."title"' in selected_columns(listing.captured_queries)
    assert '"articles_article"."body"' not in selected_columns(listing.captured_queries)
    assert '"articles_annotation"."note_html"' not in selected_columns(listing.captured_queries)


def test_a_storys_page_lists_its_first_articles_and_still_saves(client, editor):
    story = make_story("A large story")
    for number in range(52):
        make_article(story=story, title=f"Piece {number:02}")
    url = reverse("admin:articles_story_change", args=[story.pk])

    page = client.get(url)

    assert page.text.count('name="articles-INITIAL_FORMS" value="50"') == 1
    assert "Pick among its 52 articles" in page.text
    data = {"title": "Renamed", "slug": story.slug, "status": "confirmed", "date": "", "summary": ""}
    data |= {"articles-TOTAL_FORMS": "50", "articles-INITIAL_FORMS": "50", "articles-MIN_NUM_FORMS": "0"}
    data["articles-MAX_NUM_FORMS"] = "1000"
    for number, article in enumerate(page.context["inline_admin_formsets"][0].formset.get_queryset()):
        data |= {f"articles-{number}-id": article.pk, f"articles-{number}-story": story.pk}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.title == "Renamed" and story.articles.count() == 52
