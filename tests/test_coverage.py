"""Cross-outlet coverage of the real corpus: stored comparisons, pages, JSON, commands."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import jobs as article_jobs
from articles.models import Annotation, Article, Story, StoryComparison
from articles.queries.stories import stories_to_compare
from articles.text.comparison import (
    REPEATS_FROM,
    VERSION,
    ComparedArticle,
    Comparison,
    PassageOccurrence,
    QuotedStatement,
    QuoteOccurrence,
    SharedPassage,
)
from newsroom.jobs.models import Job
from tests.base import FIXTURES, make_article, make_story
from tests.tasking import run_queued_tasks

pytestmark = pytest.mark.django_db

EDGE_DEVICES = "process data on edge devices or utilize deep learning capabilities"


@pytest.fixture
def story():
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    return Story.objects.get()


def occurrences_containing(comparison, phrase):
    for passage in comparison.record.passages:
        if any(phrase in occurrence.text for occurrence in passage.occurrences):
            return passage.occurrences
    return []


def test_it_compares_a_story_when_its_articles_are_imported(story):
    comparison = story.comparison
    bodies = dict(Article.objects.values_list("pk", "body"))
    occurrences = occurrences_containing(comparison, EDGE_DEVICES)
    assert len(occurrences) >= 3
    for occurrence in occurrences:
        assert bodies[occurrence.article][occurrence.start : occurrence.end] == occurrence.text


def test_it_serves_the_comparison_as_json(client, story):
    response = client.get(reverse("articles:story_comparison_json", args=[story.slug]))
    assert response.status_code == 200
    data = response.json()
    assert {"version", "articles", "passages", "quotes", "facts", "computed_at", "is_stale"} <= set(data)
    assert data["version"] == VERSION and len(data["articles"]) == 5
    assert Comparison.from_json(data) == story.comparison.record
    assert client.get(reverse("articles:story_comparison_json", args=["nope"])).status_code == 404


def test_it_shows_the_coverage_tables(client, story):
    response = client.get(reverse("articles:story_coverage", args=[story.slug]))
    assert response.status_code == 200
    text = response.text
    assert "verbatim" in text and "reworded" in text and "absent" in text
    assert "Nadella" in text
    assert "$19.4 million" in text and "About 100" in text
    assert "repeats text found elsewhere" in text


def test_it_flags_the_article_that_copies_sentences_of_another(client, story):
    """002 repeats The Hill's sentences (and Nadella's email) without quotation marks; 003 only quotes."""
    shares = {
        Article.objects.get(pk=article.id).source_file[:3]: article.copied_share
        for article in story.comparison.record.articles
    }
    assert shares["002"] >= REPEATS_FROM > shares["003"]
    page = client.get(reverse("articles:story_coverage", args=[story.slug])).text
    copier = Article.objects.get(source_file__startswith="002")
    assert page.count("repeats text found elsewhere") >= 1
    assert page.index(copier.short_label) < page.index("repeats text found elsewhere")


def test_it_marks_shared_passages_in_the_side_by_side_columns(client, story):
    first, second = (
        occurrence.article for occurrence in occurrences_containing(story.comparison, EDGE_DEVICES)[:2]
    )
    response = client.get(reverse("articles:compare", args=[story.slug]), {"a": [first, second]})
    assert response.status_code == 200
    assert response.text.count('class="shared-marker js-shared-marker"') >= 2
    assert f'id="shared-{first}-' in response.text and f'id="shared-{second}-' in response.text


def test_the_side_by_side_page_says_how_many_shared_passages_it_leaves_unmarked(client, story, monkeypatch):
    ids = list(story.articles.values_list("pk", flat=True))
    url = reverse("articles:compare", args=[story.slug])
    assert "are not." not in client.get(url, {"a": ids}).text
    found = len(story.comparison.record.passages)
    monkeypatch.setattr("articles.text.comparison.MAX_PASSAGES", 2)
    article_jobs.compare_story(Job(arguments={"story_id": story.pk}))

    page = client.get(url, {"a": ids}).text

    assert f"{found - 2} more, each in fewer articles, are not." in page
    assert len(set(re.findall(r'id="shared-\d+-(\d+)', page))) <= 2


def test_it_recomputes_the_comparison_after_an_admin_edit(client, story):
    article = Article.objects.get(pk=occurrences_containing(story.comparison, EDGE_DEVICES)[0].article)
    client.force_login(User.objects.create_superuser("editor", password="pw"))
    body = "A new opening paragraph that nobody else wrote.\n\n" + article.body
    data = {"title": article.title, "slug": article.slug, "story": story.pk, "body": body, "source_url": ""}
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    run_queued_tasks()  # the comparison is the task worker's (test_tasks)

    comparison = StoryComparison.objects.get(story=story)
    article.refresh_from_db()
    moved = [o for o in occurrences_containing(comparison, EDGE_DEVICES) if o.article == article.pk]
    assert moved and article.body[moved[0].start : moved[0].end] == moved[0].text


def cluster_with(story, phrase):
    return next(p for p in story.comparison.record.passages if any(phrase in o.text for o in p.occurrences))


def test_it_turns_a_shared_passage_into_annotations(client, story, alice):
    cluster = cluster_with(story, EDGE_DEVICES)
    client.force_login(alice)
    url = reverse("articles:cluster_annotate", args=[story.slug, cluster.id])

    response = client.post(url, {"tags": "copied, framing", "note": "Same **phrase**"}, follow=True)

    assert "Annotated the passage in" in response.text
    annotations = Annotation.objects.all()
    assert {a.article_id for a in annotations} == {o.article for o in cluster.occurrences}
    for annotation in annotations:
        assert sorted(annotation.tags.names()) == ["copied", "framing"]
        assert annotation.note_html == "<p>Same <strong>phrase</strong></p>"


def test_it_refuses_to_annotate_a_passage_badly(client, story, alice):
    cluster = cluster_with(story, EDGE_DEVICES)
    url = reverse("articles:cluster_annotate", args=[story.slug, cluster.id])
    assert client.post(url, {"tags": "x"}).status_code == 302  # anonymous: to log in
    client.force_login(alice)
    assert client.get(url).status_code == 405
    unknown = reverse("articles:cluster_annotate", args=[story.slug, 9999])
    assert "does not exist" in client.post(unknown, {"tags": "x"}).text
    assert "at most 50" in client.post(url, {"tags": "x" * 51}).text
    # The text changed since the comparison: nothing is annotated, not even the unchanged ones.
    Article.objects.filter(pk=cluster.occurrences[-1].article).update(body="Rewritten.")
    assert "changed since" in client.post(url, {"tags": "x"}).text
    assert not Annotation.objects.exists()


def test_the_api_annotates_every_occurrence_of_a_shared_passage(client, story, alice):
    """As the coverage page's form does when scripts run."""
    cluster = cluster_with(story, EDGE_DEVICES)
    url = reverse("api:cluster_annotate", args=[story.slug, cluster.id])
    body = {
        "body": [{"type": "TextualBody", "value": "copied", "purpose": "tagging"}],
        "visibility": "private",
    }
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(alice)

    response = client.post(url, body, content_type="application/json")

    assert response.status_code == 201 and len(response.json()["items"]) == len(cluster.occurrences)
    annotations = Annotation.objects.all()
    assert {a.article_id for a in annotations} == {o.article for o in cluster.occurrences}
    assert {(a.visibility, tuple(a.tags.names())) for a in annotations} == {("private", ("copied",))}
    unknown = reverse("api:cluster_annotate", args=[story.slug, 9999])
    refused = client.post(unknown, body, content_type="application/json")
    assert refused.status_code == 400 and "does not exist" in refused.json()["error"]
    assert (
        client.post(
            reverse("api:cluster_annotate", args=["nope", 1]), body, content_type="application/json"
        ).status_code
        == 404
    )


def test_it_keeps_what_was_typed_when_it_refuses_to_annotate_a_shared_passage(client, story, alice):
    cluster = cluster_with(story, EDGE_DEVICES)
    client.force_login(alice)
    url = reverse("articles:cluster_annotate", args=[story.slug, cluster.id])

    response = client.post(url, {"tags": "framing, écho", "note": "Mes notes " * 1001})

    assert response.status_code == 400
    assert "at most 10000 characters" in response.text
    assert "framing, écho" in response.text and "Mes notes Mes notes" in response.text
    assert "maxlength" not in response.text
    assert not Annotation.objects.exists()


def test_it_defers_comparisons_of_huge_imports_to_the_worker_or_a_command():
    out = StringIO()
    call_command("import_corpus", FIXTURES, "--defer-comparison", stdout=out)
    assert "Queued for comparison: 1 story\n" in out.getvalue()
    assert not StoryComparison.objects.exists()

    out = StringIO()
    call_command("compare_stories", "--json", stdout=out)
    [data] = json.loads(out.getvalue())
    assert data["story"] == Story.objects.get().slug
    assert StoryComparison.objects.get().is_stale is False


def test_it_names_unknown_stories():
    with pytest.raises(CommandError, match="nope"):
        call_command("compare_stories", "--story", "nope")


def test_it_lists_near_duplicate_articles_across_the_corpus():
    original = "\n\n".join(
        f"Paragraph {n} says the contract with the agency was worth millions." for n in range(20)
    )
    copy = original.replace("Paragraph 3 says", "Paragraph 3 claims")
    first, second = make_article(body=original), make_article(body=copy)
    make_article(body="Something else entirely, about a different story and different people.")
    out = StringIO()
    call_command("find_near_duplicates", "--json", stdout=out)
    [pair] = json.loads(out.getvalue())
    assert (pair["a"], pair["b"]) == (first.pk, second.pk) and pair["similarity"] >= 0.8
    with pytest.raises(CommandError, match="between"):
        call_command("find_near_duplicates", "--threshold", "2")


def test_it_lists_each_quoted_statement_once(client, story):
    table = client.get(reverse("articles:story_coverage", args=[story.slug])).context["table"]
    statements = [row.group.text for row in table.quotes.shown]
    assert len(statements) == len(set(statements))


def test_it_recomputes_a_comparison_stored_by_another_version(client, story):
    StoryComparison.objects.update(data={"version": VERSION - 1, "clusters": []})
    assert list(stories_to_compare()) == [story]
    page = client.get(reverse("articles:story_coverage", args=[story.slug]))
    assert "has not been compared yet" in page.text
    assert client.get(reverse("articles:story_comparison_json", args=[story.slug])).status_code == 404

    call_command("compare_stories", stdout=StringIO())

    assert not stories_to_compare().exists()
    assert StoryComparison.objects.get().record.passages


def test_it_says_how_many_passages_a_large_story_leaves_unlisted(client, story, monkeypatch):
    found = len(story.comparison.record.passages)
    monkeypatch.setattr("articles.text.comparison.MAX_PASSAGES", 2)
    report = article_jobs.compare_story(Job(arguments={"story_id": story.pk}))["report"]

    page = client.get(reverse("articles:story_coverage", args=[story.slug])).text

    assert found > 3
    assert report.startswith(f"Compared: 2 of {found} shared passages listed, ")
    assert (
        f"{found - 2} more passages, each shared by no more articles than those above, are not listed" in page
    )
    assert page.count('class="shared-number"') == 2


# A large story's page: a page of articles as columns, a bounded number of rows.


def paper(n: int) -> str:
    return f"Paper {n:02d}"  # no label is the start of another


def store_comparison(story, articles: int, passages: dict[int, tuple[int, ...]], quoted_in=()):
    """A record of `articles` articles (ids 1...) sharing passage N in the articles passages[N],
    and one quote in the articles quoted_in, stored as the story's comparison."""
    record = Comparison(
        story=story.slug,
        articles=[
            ComparedArticle(n, f"/a/{n}/", paper(n), f"Title {n}", 0.5, 0.1) for n in range(1, articles + 1)
        ],
        passages=[
            SharedPassage(
                number,
                f"Passage {number}.",
                [PassageOccurrence(a, 0, 8, "Passage.", 1.0, True) for a in found],
            )
            for number, found in passages.items()
        ],
        quotes=[
            QuotedStatement(
                "Ms Lee",
                "A quoted statement",
                [QuoteOccurrence(a, 0, 5, "A quoted", "Ms Lee") for a in quoted_in],
            )
        ]
        if quoted_in
        else [],
        facts=[],
    )
    StoryComparison.objects.update_or_create(story=story, defaults={"data": record.to_json()})
    return record


def coverage(client, story, articles=None):
    query = {} if articles is None else {"articles": articles}
    return client.get(reverse("articles:story_coverage", args=[story.slug]), query)


def column_labels(response) -> list[str]:
    return [article.label for article in response.context["table"].articles]


def test_a_story_of_twelve_articles_shows_them_all_without_a_pager(client):
    story = make_story()
    store_comparison(story, 12, {1: (1, 12)})

    page = coverage(client, story).text

    assert "Pages of articles" not in page and "next 12 articles" not in page
    assert all(page.count(paper(n)) == 4 for n in range(1, 13))  # its own text, a column in each table


def test_a_larger_story_shows_twelve_articles_a_page(client):
    story = make_story()
    store_comparison(story, 13, {1: (1, 13)})

    first, second = coverage(client, story), coverage(client, story, "2")

    assert column_labels(first) == [paper(n) for n in range(1, 13)]
    assert (
        "articles 1–12 of 13" in first.text
        and 'href="?articles=2" rel="next">next 12 articles →' in first.text
    )
    assert "previous" not in first.text and paper(13) not in first.text
    assert column_labels(second) == [paper(13)]
    assert "articles 13–13 of 13" in second.text and 'href="?articles=1" rel="prev">← previous' in second.text
    assert "next 12" not in second.text and paper(1) not in second.text  # nor in "Own text per article"


def test_a_thousand_articles_are_counted_with_a_separator(client):
    story = make_story()
    store_comparison(story, 1259, {1: (1, 1259)})
    assert "articles 1,249–1,259 of 1,259" in coverage(client, story, "105").text


def test_it_shows_the_rows_found_in_the_shown_articles_at_most_a_hundred(client):
    story = make_story()
    shared = {n: (1, 2) for n in range(1, 151)} | {n: (13, 14) for n in range(151, 161)}
    store_comparison(story, 30, shared, quoted_in=(25, 26))

    first, second, third = (coverage(client, story, n) for n in ["1", "2", "3"])

    assert [row.group.id for row in first.context["table"].passages.shown] == list(range(1, 101))
    assert first.text.count('class="shared-number"') == 100
    assert (
        "50 more passages found in these articles are not shown: this table lists the first 100" in first.text
    )
    json_url = reverse("articles:story_comparison_json", args=[story.slug])
    assert f'<a href="{json_url}">The JSON</a> has them all' in first.text
    assert "No quotations found in these articles." in first.text
    assert second.text.count('class="shared-number"') == 10 and "more passages found" not in second.text
    cells = second.context["table"].passages.shown[0].cells
    assert [cell is not None for cell in cells] == [True, True] + [False] * 10
    assert "No passage appears in more than one article among these." in third.text
    assert "A quoted statement" in third.text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("²", 1),
        ("١", 1),  # an Arabic-Indic one
        ("9" * 5000, 1),  # more digits than int() reads
        ("0", 3),
        ("-1", 3),
        ("4", 3),
        ("99999", 3),
        ("3", 3),
    ],
)
def test_it_shows_the_first_or_last_page_of_articles_for_a_bad_number(client, typed, shown):
    story = make_story()
    store_comparison(story, 30, {1: (1, 30)})

    response = coverage(client, story, typed)

    assert response.status_code == 200
    assert response.context["table"].columns.number == shown


def test_a_new_comparison_shows_at_once_on_a_cached_page(client):
    story = make_story()
    store_comparison(story, 2, {1: (1, 2)})
    assert "Passage 1." in coverage(client, story).text
    store_comparison(story, 2, {2: (1, 2)})
    StoryComparison.objects.update(computed_at=StoryComparison.objects.get().computed_at.replace(year=2030))
    assert "Passage 2." in coverage(client, story).text


def test_a_refused_passage_form_comes_back_on_its_page_of_articles(client, alice):
    story = make_story()
    store_comparison(story, 30, {1: (1, 2), 2: (13, 14)})
    client.force_login(alice)
    url = reverse("articles:cluster_annotate", args=[story.slug, 2])
    assert f'action="{url}?articles=2"' in coverage(client, story, "2").text

    response = client.post(f"{url}?articles=2", {"tags": "x" * 51})

    assert response.status_code == 400 and "at most 50" in response.text
    assert column_labels(response) == [paper(n) for n in range(13, 25)]
    assert response.text.count('<details class="cluster-annotate" open>') == 1


def test_an_annotated_passage_comes_back_to_its_page_of_articles(client, story, alice, monkeypatch):
    monkeypatch.setattr("articles.queries.stories.COVERAGE_COLUMNS", 2)
    cluster = cluster_with(story, EDGE_DEVICES)
    client.force_login(alice)

    response = client.post(
        reverse("articles:cluster_annotate", args=[story.slug, cluster.id]) + "?articles=2",
        {"tags": "copied"},
    )

    coverage_url = reverse("articles:story_coverage", args=[story.slug])
    assert response.status_code == 302 and response.url == f"{coverage_url}?articles=2#passage-{cluster.id}"
    assert Annotation.objects.count() == len(cluster.occurrences)


def test_what_a_refused_form_held_is_not_kept_in_the_cached_page(client, alice):
    story = make_story()
    store_comparison(story, 2, {1: (1, 2)})
    client.force_login(alice)
    coverage(client, story)  # cached for alice
    url = reverse("articles:cluster_annotate", args=[story.slug, 1])

    assert "A draft of mine" in client.post(url, {"tags": "x" * 51, "note": "A draft of mine"}).text

    again = coverage(client, story).text
    assert "A draft of mine" not in again and '<details class="cluster-annotate" open>' not in again
