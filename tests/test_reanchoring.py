"""Annotations follow their text when an article is edited in the admin or re-imported."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from articles.models import Annotation, Article, StoryComparison
from articles.services.annotations import create_annotation
from articles.services.articles import update_article_text
from articles.services.coverage import compare_story
from tests.base import make_article, make_story

pytestmark = pytest.mark.django_db

BODY = (
    "Microsoft employees protested the contract.\n\n"
    "The letter said the company must cancel it.\n\n"
    "Nadella answered in an email to all staff."
)


def annotate(article, text):
    start = article.body.index(text)
    author = User.objects.get_or_create(username="alice")[0]
    return create_annotation(
        article=article, author=author, start=start, end=start + len(text), exact=text, tags=[], note=""
    )


def edit_in_admin(client, article, body):
    client.force_login(User.objects.create_superuser("editor", password="pw"))
    data = {"title": article.title, "slug": article.slug, "body": body, "source_url": ""}
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data, follow=True)
    assert response.status_code == 200
    return response


def test_it_moves_annotations_when_text_is_inserted_before_them(client):
    article = make_article(body=BODY)
    annotation = annotate(article, "the company must cancel it")

    edit_in_admin(client, article, "A new first paragraph.\n\n" + BODY)

    annotation.refresh_from_db()
    article.refresh_from_db()
    assert article.body[annotation.start : annotation.end] == "the company must cancel it"
    assert not annotation.is_orphan


def test_it_orphans_annotations_whose_text_was_removed_and_says_so(client):
    article = make_article(body=BODY)
    kept = annotate(article, "Nadella answered")
    lost = annotate(article, "The letter said the company must cancel it.")

    response = edit_in_admin(
        client, article, BODY.replace("The letter said the company must cancel it.", "Zzz.")
    )

    lost.refresh_from_db()
    kept.refresh_from_db()
    assert lost.is_orphan and not kept.is_orphan
    assert "could not be placed" in response.text
    page = client.get(article.get_absolute_url())
    assert "Annotations whose text was edited away" in page.text
    assert f'id="hl-{lost.pk}"' not in page.text and f'id="hl-{kept.pk}"' in page.text


def test_it_reanchors_when_a_changed_file_is_reimported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A title\n" + BODY.replace("\n\n", "\n"))
    call_command("import_corpus", corpus)
    article = Article.objects.get()
    annotation = annotate(article, "Nadella answered")

    (corpus / "a.txt").write_text("A title\nBreaking: a new lead.\n" + BODY.replace("\n\n", "\n"))
    call_command("import_corpus", corpus)

    annotation.refresh_from_db()
    article.refresh_from_db()
    assert article.body[annotation.start : annotation.end] == "Nadella answered"
    assert Annotation.objects.get().pk == annotation.pk


def test_it_keeps_an_updated_text_canonical_and_its_story_to_be_compared_again():
    story = make_story()
    article = make_article(story=story, body=BODY)
    compare_story(story)
    annotation = annotate(article, "Nadella answered")

    article.body = "A  new opening.\r\n\r\n" + BODY
    summary = update_article_text(article)

    article.refresh_from_db()
    annotation.refresh_from_db()
    assert article.body == "A new opening.\n\n" + BODY and article.word_count == 3 + len(BODY.split())
    assert (summary.moved, article.body[annotation.start : annotation.end]) == (1, "Nadella answered")
    assert StoryComparison.objects.get(story=story).is_stale
