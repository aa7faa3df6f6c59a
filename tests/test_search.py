"""Full-text search of articles and annotations: matching, filters, snippets, the index following
every write, bad input, who sees what, "more like this", and rebuilding the index."""

import datetime
import html
import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from articles.models import Annotation, Article, Tag
from articles.models.annotations import Reply
from articles.services.annotations import (
    delete_annotation,
    restore_annotation,
    set_annotation_tags,
    update_annotation,
)
from articles.services.moderation import hide, unhide
from articles.services.replies import create_reply, delete_reply, update_reply
from newsroom.accounts.models import Group, Membership, Role
from newsroom.accounts.services import set_display_name
from newsroom.search import index, queries
from newsroom.search.forms import QUERY_MAX_CHARS, SearchForm
from newsroom.search.models import AnnotationEntry, ArticleEntry
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db


# Reading the results page as a reader sees it.


def search(client, q="", **params):
    """The results page for q; `from_` stands for the `from` parameter (a keyword in Python)."""
    params = {name.rstrip("_"): value for name, value in params.items()}
    return client.get(reverse("search:results"), {"q": q, **params})


ARTICLE_HIT = re.compile(r'<h2 class="hit-title"><a href="/articles/(\d+)/[^"]*">')
ANNOTATION_HIT = re.compile(r'<blockquote class="hit-quote"><a href="[^"#]*#annotation-(\d+)">')


def hits(response, kind: str) -> list[int]:
    """The ids of the articles or annotations listed, in page order; as many as the page's hits."""
    assert response.status_code == 200, response.text[:2000]
    ids = [int(pk) for pk in (ARTICLE_HIT if kind == "articles" else ANNOTATION_HIT).findall(response.text)]
    results = response.context.get("results")
    assert len(ids) == (len(results.page.object_list) if results and results.kind == kind else 0)
    return ids


def article_hits(response) -> list[int]:
    return hits(response, "articles")


def annotation_hits(response) -> list[int]:
    return hits(response, "annotations")


def found(client, q, **params) -> set[int]:
    """The ids of what the page lists: articles, or annotations with kind="annotations"."""
    listed = hits(search(client, q, **params), params.get("kind", "articles"))
    assert len(listed) == len(set(listed))
    return set(listed)


def result_count(response) -> int | str:
    """The count the page gives of its results: a number, or "N+" when more match."""
    shown = re.search(r"(\d+) (?:article|annotation)s? found|More than (\d+) ", response.text)
    return int(shown.group(1)) if shown.group(1) else f"{shown.group(2)}+"


def counts(client, q, **params) -> dict[str, int | str]:
    """Each tab's count."""
    return {
        kind: result_count(search(client, q, kind=kind, **params)) for kind in ("articles", "annotations")
    }


def facet(response, heading) -> dict[str, int]:
    """A facet's entries: name -> count."""
    aside = re.search(r'<aside class="facets".*?</aside>', response.text, re.S)
    section = re.search(rf"<h2>{heading}</h2>\s*<ul>(.*?)</ul>", aside.group(0), re.S) if aside else None
    if section is None:
        return {}
    entries = re.findall(
        r'<a href="[^"]*"[^>]*>([^<]*)</a> <span class="count">(\d+)</span>', section.group(1)
    )
    return {html.unescape(name): int(count) for name, count in entries}


def shown(response, css_class) -> list[str]:
    """The inner HTML of each element of this class in the results (snippets, titles)."""
    if css_class == "hit-title":
        return re.findall(r'<h2 class="hit-title"><a [^>]*>(.*?)</a></h2>', response.text, re.S)
    return re.findall(rf'<p class="{css_class}">(.*?)</p>', response.text, re.S)


def marked_words(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def passage_link(response, article) -> tuple[int, int] | None:
    match = re.search(rf'href="/articles/{article.pk}/[^"#]*#passage-(\d+)-(\d+)"', response.text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def refused(response, field: str, message: str = ""):
    """A 400 that names the field and lists no result."""
    assert response.status_code == 400
    errors = re.search(r'<div class="form-error" role="alert">(.*?)</div>', response.text, re.S)
    assert errors, response.text[:2000]
    label = SearchForm({}, user=AnonymousUser())[field].label if field else ""
    assert (f"<li>{label}: " if field else "<li>") in errors.group(1)
    assert message in html.unescape(errors.group(1))
    assert 'class="hit"' not in response.text and response.context.get("results") is None


# People and groups, as in test_visibility.py and test_moderation.py.


@pytest.fixture
def carol(django_user_model):
    """Moderates the group."""
    return django_user_model.objects.create_user("carol", password="pw")


@pytest.fixture
def dave(django_user_model):
    """In no group."""
    return django_user_model.objects.create_user("dave", password="pw")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("sam", "sam@example.com", "pw")


@pytest.fixture
def team(alice, bob, carol):
    """Carol owns it (and so moderates it); Alice and Bob are members."""
    group = Group.objects.create(name="History 101", slug="history-101")
    Membership.objects.create(group=group, user=carol, role=Role.OWNER)
    Membership.objects.create(group=group, user=alice)
    Membership.objects.create(group=group, user=bob)
    return group


def reader(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def log_in(client, user):
    if user is not None:
        client.force_login(user)


# Matching


def test_a_title_match_ranks_above_passing_mentions(client):
    in_title = make_article(
        title="Protests at Microsoft over the army contract",
        body="Employees signed an open letter on Monday asking the company to cancel the contract with "
        "the army, and hundreds more joined them later that week.",
    )
    # Shorter texts, and newer: they would come first if the title counted as much as the body.
    mentions = [
        make_article(title=f"Markets {number}", body="Shares rose. " * number + "A protest was mentioned.")
        for number in range(1, 4)
    ]
    for number in range(3):
        make_article(title=f"Weather {number}", body="Rain, then sunshine.")
    hits = article_hits(search(client, "protest"))
    assert set(hits) == {in_title.pk, *(article.pk for article in mentions)}
    assert hits[0] == in_title.pk


def test_a_phrase_matches_only_its_words_in_that_order(client):
    signed = make_article(body="The cloud contract was signed with the army.")
    stored = make_article(body="A contract for the army, stored in the cloud.")
    assert found(client, "cloud contract") == {signed.pk, stored.pk}
    assert found(client, '"cloud contract"') == {signed.pk}
    assert found(client, '"contract cloud"') == set()
    assert found(client, '"the cloud contract was signed"') == {signed.pk}


def test_an_excluded_word_or_phrase_leaves_out_what_has_it(client):
    signed = make_article(body="The cloud contract was signed with the army.")
    stored = make_article(body="A contract for the army, stored in the cloud.")
    navy = make_article(body="A contract for the navy.")
    assert found(client, "contract") == {signed.pk, stored.pk, navy.pk}
    assert found(client, "contract -army") == {navy.pk}
    assert found(client, 'contract -"cloud contract"') == {stored.pk, navy.pk}
    assert found(client, "contract -navy -signed") == {stored.pk}
    assert found(client, "contract -ARMIES") == {navy.pk}  # exclusions are stemmed and folded too


@pytest.mark.parametrize(
    "prefix, word",
    [
        ("protes*", "protested"),
        ("contrac*", "contracts"),
        ("immigra*", "immigration"),
        ("universit*", "universities"),
        ("happin*", "happiness"),
    ],
)
def test_a_prefix_finds_the_words_that_start_with_it(client, prefix, word):
    article = make_article(body=f"Word of the day: {word}.")
    make_article(body="Nothing to see here.")
    assert found(client, prefix) == {article.pk}
    assert found(client, prefix.upper()) == {article.pk}
    assert found(client, prefix.rstrip("*")) == set()  # without the star, the word itself


@pytest.mark.parametrize("query", ["protests", "protest", "protesting", "PROTESTERS"])
def test_stemming_finds_other_forms_of_a_word(client, query):
    protested = make_article(body="Workers protested at the gate.")
    make_article(body="Workers rested at the gate.")
    assert found(client, query) == {protested.pk}


@pytest.mark.parametrize(
    "query, text",
    [
        ("zurich", "Zürich"),
        ("ZÜRICH", "zurich"),
        ("Zurich", "ZÜRICH"),
        ("cafe", "CAFÉ"),
        ("Café", "cafe"),
        ("naive facade", "Naïve façade"),
        ("sao paulo", "São Paulo"),
    ],
)
def test_accents_and_case_are_ignored(client, query, text):
    article = make_article(body=f"They met in {text} on Monday.")
    make_article(body="They met in Geneva on Monday.")
    assert found(client, query) == {article.pk}


@pytest.mark.parametrize("word", ["Köln", "Straße", "Οδυσσέας", "İstanbul"])
def test_a_word_typed_as_the_article_writes_it_finds_the_article(client, word):
    article = make_article(body=f"A report from {word}, on Monday.")
    make_article(body="A report from Geneva, on Monday.")
    assert found(client, word) == {article.pk}
    assert found(client, f'"from {word}"') == {article.pk}


def test_or_finds_either_word(client):
    zurich = make_article(body="A bank in Zürich.")
    geneva = make_article(body="A bank in Geneva.")
    make_article(body="A bank in Basel.")
    assert found(client, "zurich OR geneva") == {zurich.pk, geneva.pk}
    assert found(client, "zurich geneva") == set()
    assert found(client, "bank zurich OR geneva -basel") == {zurich.pk, geneva.pk}
    assert found(client, '"in geneva" OR zurich') == {zurich.pk, geneva.pk}


def test_an_annotation_is_found_by_its_quote_note_tags_and_replies(client, alice, bob):
    article = make_article(body="Workers protested at the gate.\n\nThe memo was leaked.")
    note = annotate(article, alice, "memo", ["Leaked documents"], note="Compare with the *zeppelin* story.")
    create_reply(annotation=note, author=bob, note="Who wrote the blimp memo?")
    annotate(article, alice, "gate", ["Places"], note="Where it happened.")
    for query in ["memo", "zeppelin", "leaked documents", "blimp"]:
        assert found(client, query, kind="annotations") == {note.pk}, query


def test_a_word_the_database_ignores_never_lists_articles_without_the_searched_words(client):
    """PostgreSQL drops its own stop words from a query: a search of one of them and an exclusion
    must not become a search of the exclusion alone, which lists every other article."""
    quixote = make_article(body="Don Quixote rode out. It's a long story, isn't it?")
    unrelated = make_article(body="Markets rose on Monday.")
    for query in ["don -zeppelin", "t -zeppelin", "s -zeppelin"]:
        assert unrelated.pk not in found(client, query), query
    assert quixote.pk in found(client, "quixote -zeppelin")


# Filters


@pytest.fixture
def world(alice, bob, team):
    """Two outlets, two stories, dated articles and annotations of each layer, all about protests."""
    daily, weekly = make_outlet("The Daily"), make_outlet("The Weekly")
    ice, strike = make_story("ICE contract"), make_story("Dock strike")
    articles = {
        "daily_ice": make_article(
            story=ice,
            outlet=daily,
            title="Daily on the contract",
            published_on=datetime.date(2018, 6, 18),
            body="Workers protested the contract.\n\nThe memo was leaked.",
        ),
        "weekly_ice": make_article(
            story=ice,
            outlet=weekly,
            title="Weekly on the contract",
            published_on=datetime.date(2018, 6, 20),
            body="Employees protested again.\n\nA memo followed.",
        ),
        "daily_strike": make_article(
            story=strike,
            outlet=daily,
            title="Daily on the strike",
            published_on=datetime.date(2018, 7, 2),
            body="Dockers protested for pay.",
        ),
        "undated": make_article(title="Undated", body="Someone protested somewhere."),
    }
    annotations = {
        "alice_public": annotate(
            articles["daily_ice"], alice, "protested", ["labour"], note="Alice's protest"
        ),
        "alice_group": annotate(
            articles["weekly_ice"],
            alice,
            "protested",
            ["labour", "memos"],
            note="A protest for the group",
            visibility="group",
            group=team,
        ),
        "alice_private": annotate(
            articles["daily_strike"],
            alice,
            "protested",
            ["pay"],
            note="Private protest",
            visibility="private",
        ),
        "bob_public": annotate(articles["weekly_ice"], bob, "memo", ["leak"], note="Bob's protest"),
    }
    return {
        "articles": articles,
        "annotations": annotations,
        "slugs": {"ice": ice.slug, "strike": strike.slug, "daily": daily.slug, "weekly": weekly.slug},
        "team": team,
    }


FILTERS = [
    # (query string, articles found, annotations found), as Alice
    ({}, "daily_ice weekly_ice daily_strike undated", "alice_public alice_group alice_private bob_public"),
    ({"story": "ice"}, "daily_ice weekly_ice", "alice_public alice_group bob_public"),
    ({"story": "strike"}, "daily_strike", "alice_private"),
    ({"outlet": "daily"}, "daily_ice daily_strike", "alice_public alice_private"),
    ({"outlet": "weekly", "story": "ice"}, "weekly_ice", "alice_group bob_public"),
    ({"tag": "labour"}, "daily_ice weekly_ice", "alice_public alice_group"),
    ({"tag": "no-such-tag"}, "", ""),
    ({"author": "bob"}, "weekly_ice", "bob_public"),
    ({"author": "alice"}, "daily_ice weekly_ice daily_strike", "alice_public alice_group alice_private"),
    ({"group": "team"}, "weekly_ice", "alice_group"),
    ({"layer": "mine"}, "daily_ice weekly_ice daily_strike", "alice_public alice_group alice_private"),
    ({"layer": "group"}, "weekly_ice", "alice_group"),
    ({"layer": "public"}, "daily_ice weekly_ice", "alice_public bob_public"),
    ({"from": "2018-06-20"}, "weekly_ice daily_strike", "alice_group alice_private bob_public"),
    ({"to": "2018-06-20"}, "daily_ice weekly_ice", "alice_public alice_group bob_public"),
    ({"from": "2018-06-20", "to": "2018-06-20"}, "weekly_ice", "alice_group bob_public"),
    ({"from": "2018-06-19", "to": "2018-07-01"}, "weekly_ice", "alice_group bob_public"),
    ({"annotated": "yes"}, "daily_ice weekly_ice daily_strike", None),  # of articles only
    ({"annotated": "no"}, "undated", None),
]


def test_the_author_filter_takes_the_name_results_show(client, alice, bob, world):
    set_display_name(user=bob, name="Robert B.")
    client.force_login(alice)
    for named in ["Robert B.", "robert b.", "bob"]:
        assert found(client, "protest", kind="annotations", author=named) == {
            world["annotations"]["bob_public"].pk
        }, named


@pytest.mark.parametrize("params, articles, annotations", FILTERS)
def test_each_filter_narrows_both_tabs(client, alice, world, params, articles, annotations):
    values = {"story": world["slugs"], "outlet": world["slugs"], "group": {"team": world["team"].slug}}
    params = {name: values.get(name, {}).get(value, value) for name, value in params.items()}
    params = {("from_" if name == "from" else name): value for name, value in params.items()}
    client.force_login(alice)
    expected_articles = {world["articles"][name].pk for name in articles.split()}
    response = search(client, "protest", **params)
    assert set(article_hits(response)) == expected_articles
    assert result_count(response) == len(expected_articles)
    if annotations is not None:
        expected_annotations = {world["annotations"][name].pk for name in annotations.split()}
        assert result_count(search(client, "protest", kind="annotations", **params)) == len(
            expected_annotations
        )
        assert found(client, "protest", kind="annotations", **params) == expected_annotations


def test_the_active_filters_are_listed_and_each_removes_itself(client, alice, world):
    client.force_login(alice)
    articles = {name: article.pk for name, article in world["articles"].items()}
    response = search(client, "protest", outlet=world["slugs"]["daily"], from_="2018-06-20")
    assert article_hits(response) == [articles["daily_strike"]]
    filters = re.search(r'<ul class="active-filters".*?</ul>', response.text, re.S).group(0)
    assert "Outlet: The Daily" in filters and "From 20 Jun 2018" in filters
    widened = {
        "Remove the outlet filter": {articles["weekly_ice"], articles["daily_strike"]},
        "Remove the start date": {articles["daily_ice"], articles["daily_strike"]},
    }
    for label, expected in widened.items():
        removal = re.search(rf'href="(\?[^"]*)" aria-label="{label}"', filters).group(1)
        assert set(article_hits(client.get(reverse("search:results") + html.unescape(removal)))) == expected


def test_a_facet_link_narrows_to_its_outlet_and_keeps_the_query(client, alice, world):
    client.force_login(alice)
    response = search(client, "protest", kind="annotations")
    assert facet(response, "Outlets") == {"The Daily": 2, "The Weekly": 2}
    assert facet(response, "Tags") == {"labour": 2, "leak": 1, "memos": 1, "pay": 1}
    link = re.search(r'<a href="(\?[^"]*)"[^>]*>The Weekly</a>', response.text).group(1)
    narrowed = client.get(reverse("search:results") + html.unescape(link))
    annotations = world["annotations"]
    assert set(annotation_hits(narrowed)) == {annotations["alice_group"].pk, annotations["bob_public"].pk}
    assert facet(narrowed, "Outlets") == {"The Weekly": 2}


def test_the_kind_picks_the_tab_and_each_tab_links_to_the_other_with_the_same_search(client, alice, world):
    client.force_login(alice)
    response = search(client, "memo", story=world["slugs"]["ice"])
    assert set(article_hits(response)) == {
        world["articles"]["daily_ice"].pk,
        world["articles"]["weekly_ice"].pk,
    }
    assert annotation_hits(response) == []
    link = re.search(r'<a href="(\?[^"]*)">Annotations</a>', response.text).group(1)
    other = client.get(reverse("search:results") + html.unescape(link))
    assert 'aria-current="page">Annotations' in other.text
    # Bob's is on the memo; Alice's group note is tagged "memos"; the strike's private one is outside.
    assert set(annotation_hits(other)) == {
        world["annotations"]["bob_public"].pk,
        world["annotations"]["alice_group"].pk,
    }
    assert article_hits(other) == []


def test_sorting_by_date_puts_the_newest_first_and_by_relevance_the_best_match(client, alice):
    best = make_article(title="Zeppelin", body="A zeppelin.", published_on=datetime.date(2020, 1, 1))
    newest = make_article(
        title="News",
        body="Also a zeppelin, " + "and more words " * 20,
        published_on=datetime.date(2020, 3, 1),
    )
    middle = make_article(
        title="Other", body="A zeppelin, " + "and other words " * 20, published_on=datetime.date(2020, 2, 1)
    )
    undated = make_article(title="Undated", body="A zeppelin " + "and words " * 20)
    assert article_hits(search(client, "zeppelin", sort="date")) == [
        newest.pk,
        middle.pk,
        best.pk,
        undated.pk,
    ]
    assert article_hits(search(client, "zeppelin", sort="relevance"))[0] == best.pk
    assert article_hits(search(client, "zeppelin"))[0] == best.pk  # relevance unless told

    notes = [annotate(article, alice, "zeppelin", note="Zeppelin!") for article in [best, undated, middle]]
    for days, note in zip([5, 1, 3], notes, strict=True):
        Annotation.objects.filter(pk=note.pk).update(
            created_at=note.created_at - datetime.timedelta(days=days)
        )
    by_date = annotation_hits(search(client, "zeppelin", kind="annotations", sort="date"))
    assert by_date == [notes[1].pk, notes[2].pk, notes[0].pk]


def test_pages_of_results_keep_the_query_string(client):
    outlet, elsewhere = make_outlet("The Daily"), make_outlet("The Weekly")
    articles = [
        make_article(outlet=outlet, body=f"Pineapple report number {number}.")
        for number in range(queries.PAGE_SIZE + 5)
    ]
    make_article(outlet=elsewhere, body="Another pineapple report.")
    first = search(client, "pineapple", outlet=outlet.slug, sort="date")
    assert len(article_hits(first)) == queries.PAGE_SIZE
    assert "Page 1 of 2" in first.text
    next_link = html.unescape(re.search(r'<a href="(\?[^"]*)" rel="next">', first.text).group(1))
    assert {"q=pineapple", f"outlet={outlet.slug}", "sort=date", "page=2"} <= set(next_link[1:].split("&"))

    second = client.get(reverse("search:results") + next_link)
    assert len(article_hits(second)) == 5
    assert set(article_hits(first)) | set(article_hits(second)) == {article.pk for article in articles}
    previous = html.unescape(re.search(r'<a href="(\?[^"]*)" rel="prev">', second.text).group(1))
    assert article_hits(client.get(reverse("search:results") + previous)) == article_hits(first)
    # The tabs and filters start again from the first page.
    tab = html.unescape(re.search(r'<a href="(\?[^"]*)">Annotations</a>', second.text).group(1))
    assert "page=" not in tab and f"outlet={outlet.slug}" in tab
    for page in ["999", "abc", "-1"]:
        assert search(client, "pineapple", outlet=outlet.slug, page=page).status_code == 200


def test_a_search_matching_more_than_the_window_ranks_the_newest_and_says_so(client, alice, monkeypatch):
    monkeypatch.setattr(queries, "WINDOW", 3)
    articles = [make_article(title=f"Pineapple {number}", body="Pineapple.") for number in range(5)]
    notes = [annotate(article, alice, "Pineapple", note="Pineapple!") for article in articles[:4]]
    response = search(client, "pineapple")
    assert set(article_hits(response)) == {article.pk for article in articles[-3:]}
    assert "More than 3 articles match: these are the 3 most recently added." in response.text
    assert counts(client, "pineapple") == {"articles": "3+", "annotations": "3+"}
    response = search(client, "pineapple", kind="annotations")
    assert set(annotation_hits(response)) == {note.pk for note in notes[-3:]}


# Snippets


def test_snippets_mark_the_words_that_matched(client, alice, bob):
    article = make_article(
        title="Gate protests",
        body="Police watched the crowd.\n\nWorkers protested at the gate on Monday. Police left at noon.",
    )
    response = search(client, "protests")
    [title] = shown(response, "hit-title")
    assert marked_words(title) == ["protests"] and title.startswith("Gate <mark>")
    [snippet] = shown(response, "hit-snippet")
    assert marked_words(snippet) == ["protested"]
    assert "Police left" in snippet
    start, end = passage_link(response, article)
    assert article.body[start:end] == "protested"

    note = annotate(article, alice, "gate", note="They protested here, at the gate.")
    create_reply(annotation=note, author=bob, note="The protesters came back on Tuesday.")
    response = search(client, "protest", kind="annotations")
    [note_snippet], [replies] = shown(response, "hit-note"), shown(response, "hit-replies")
    assert marked_words(note_snippet) == ["protested"]
    assert marked_words(replies) == ["protesters"]
    response = search(client, '"the gate"', kind="annotations")
    assert "gate" in " ".join(marked_words(shown(response, "hit-note")[0])).lower()


def test_a_phrase_is_marked_and_linked_to_where_it_is_in_the_text(client):
    article = make_article(body="The navy kept its files.\n\nA cloud contract was signed by the army.")
    response = search(client, '"cloud contract"')
    [snippet] = shown(response, "hit-snippet")
    # SQLite marks the phrase as one, PostgreSQL each of its words.
    assert " ".join(marked_words(snippet)) == "cloud contract"
    start, end = passage_link(response, article)
    assert article.body[start:end] in {"cloud", "cloud contract"}


MARKUP = "Look: <b>bold</b> words & <script>alert(1)</script> zeppelin"


def test_a_note_with_markup_shows_it_as_text_in_its_snippet(client, alice, bob):
    article = make_article(body="The airship flew over the harbour.")
    note = annotate(article, alice, "airship", note=MARKUP)
    create_reply(annotation=note, author=bob, note=f"Quoting: {MARKUP}")
    response = search(client, "zeppelin", kind="annotations")
    assert annotation_hits(response) == [note.pk]
    assert "<script>alert" not in response.text and "<b>bold" not in response.text
    [note_snippet], [replies] = shown(response, "hit-note"), shown(response, "hit-replies")
    for snippet in [note_snippet, replies]:
        assert "&lt;b&gt;bold&lt;/b&gt;" in snippet
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
        assert "&amp;" in snippet
        assert marked_words(snippet) == ["zeppelin"]


def test_an_article_with_markup_in_its_text_shows_it_as_text_and_links_to_its_passage(client):
    article = make_article(title="The <b>airship</b>", body=f"The sign said {MARKUP}.\n\nThen it flew.")
    response = search(client, "zeppelin")
    assert "<script>alert" not in response.text and "<b>bold" not in response.text
    [title] = shown(response, "hit-title")
    assert title == "The &lt;b&gt;airship&lt;/b&gt;"
    [snippet] = shown(response, "hit-snippet")
    assert (
        "&lt;b&gt;bold&lt;/b&gt; words &amp; &lt;script&gt;alert(1)&lt;/script&gt; <mark>zeppelin</mark>"
        in snippet
    )
    start, end = passage_link(response, article)
    assert article.body[start:end] == "zeppelin"


# The index follows every write


def test_imported_articles_are_found_and_a_changed_import_too(client, tmp_path):
    record = {"source_file": "wire-1", "title": "Zeppelin sighted", "body": "A zeppelin over the harbour."}
    path = tmp_path / "wire.json"
    path.write_text(json.dumps([record]))
    call_command("import_corpus", str(path), stdout=StringIO(), stderr=StringIO())
    imported = Article.objects.get(source_file="wire-1")
    assert found(client, "zeppelin harbour") == {imported.pk}

    path.write_text(json.dumps([{**record, "title": "Blimp sighted", "body": "A blimp over the bay."}]))
    call_command("import_corpus", str(path), stdout=StringIO(), stderr=StringIO())
    assert found(client, "zeppelin") == set() and found(client, "harbour") == set()
    assert found(client, "blimp bay") == {imported.pk}


def test_an_admin_edit_of_the_title_or_the_body_is_found(client, staff):
    article = make_article(title="Zeppelin sighted", body="A zeppelin over the harbour.")
    client.force_login(staff)
    url = reverse("admin:articles_article_change", args=[article.pk])
    fields = {"slug": article.slug, "byline": "", "published_on": "", "source_url": ""}

    response = client.post(url, {**fields, "title": "Blimp sighted", "body": article.body})
    assert response.status_code == 302
    assert found(client, "blimp") == {article.pk} and found(client, "sighted") == {article.pk}
    assert found(client, "zeppelin") == {article.pk}  # still in the body

    response = client.post(url, {**fields, "title": "Blimp sighted", "body": "A balloon over the bay."})
    assert response.status_code == 302
    assert found(client, "zeppelin") == set() and found(client, "harbour") == set()
    assert found(client, "balloon bay") == {article.pk}


def test_a_deleted_article_and_its_annotations_leave_the_index(client, alice):
    article = make_article(body="A zeppelin over the harbour.")
    note = annotate(article, alice, "zeppelin", note="Blimp!")
    kept = make_article(body="Another zeppelin.")
    assert found(client, "zeppelin") == {article.pk, kept.pk}
    article.delete()
    assert found(client, "zeppelin") == {kept.pk}
    assert found(client, "blimp", kind="annotations") == set()
    assert not ArticleEntry.objects.filter(pk=article.pk).exists()
    assert not AnnotationEntry.objects.filter(pk=note.pk).exists()
    assert ArticleEntry.objects.filter(pk=kept.pk).exists()


@pytest.fixture
def article():
    return make_article(story=make_story(), body="Workers protested at the gate.\n\nThe memo was leaked.")


def test_a_new_annotation_is_found_at_once(client, alice, article):
    assert found(client, "zeppelin", kind="annotations") == set()
    note = annotate(article, alice, "memo", ["Airships"], note="Like a zeppelin.")
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    assert found(client, "airships", kind="annotations") == {note.pk}
    assert AnnotationEntry.objects.filter(pk=note.pk).exists()


def test_an_edited_note_is_found_by_its_new_words_only(client, alice, article):
    note = annotate(article, alice, "memo", note="Like a zeppelin.")
    update_annotation(annotation=note, tags=[], note="Like a blimp.")
    assert found(client, "zeppelin", kind="annotations") == set()
    assert found(client, "blimp", kind="annotations") == {note.pk}


def test_tags_added_removed_and_renamed_are_followed(client, alice, staff, article):
    note = annotate(article, alice, "memo", ["Airships"])
    update_annotation(annotation=note, tags=["Airships", "Leaks"], note="")
    assert found(client, "leaks", kind="annotations") == {note.pk}
    set_annotation_tags(annotation=note, tags=["Leaks"])  # an editor's retagging
    assert found(client, "airships", kind="annotations") == set()
    assert found(client, "leaks", kind="annotations") == {note.pk}
    note.tags.add(*Tag.objects.named(["Harbour"]))
    assert found(client, "harbour", kind="annotations") == {note.pk}
    note.tags.clear()
    assert found(client, "leaks", kind="annotations") == set()

    note.tags.add(*Tag.objects.named(["Zeppelin"]))
    tag = Tag.objects.get(name="Zeppelin")
    client.force_login(staff)
    response = client.post(
        reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Blimp", "slug": tag.slug}
    )
    assert response.status_code == 302
    assert found(client, "zeppelin", kind="annotations") == set()
    assert found(client, "blimp", kind="annotations") == {note.pk}


def test_a_deleted_annotation_is_not_found_until_it_is_restored(client, alice, article):
    note = annotate(article, alice, "memo", note="Like a zeppelin.")
    client.force_login(alice)
    response = client.post(reverse("articles:annotation_delete", args=[note.pk]))
    assert response.status_code in (200, 302)
    note.refresh_from_db()
    assert note.deleted_at is not None
    assert found(client, "zeppelin", kind="annotations") == set()
    assert counts(client, "zeppelin") == {"articles": 0, "annotations": 0}
    restore_annotation(note)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    delete_annotation(note)
    assert found(client, "zeppelin", kind="annotations") == set()


def test_a_hard_deleted_annotation_leaves_the_index(client, alice, article):
    note = annotate(article, alice, "memo", ["Airships"], note="Like a zeppelin.")
    other = annotate(article, alice, "gate", note="Another zeppelin.")
    Annotation.objects.filter(pk=note.pk).delete()
    assert found(client, "zeppelin", kind="annotations") == {other.pk}
    assert not AnnotationEntry.objects.filter(pk=note.pk).exists()


def test_a_hidden_annotation_is_found_by_its_author_and_the_moderators_only(
    client, alice, bob, carol, team, article
):
    note = annotate(article, alice, "memo", note="Like a zeppelin.", visibility="group", group=team)
    client.force_login(carol)
    response = client.post(reverse("articles:annotation_hide", args=[note.pk]))
    assert response.status_code == 302
    for user, finds in [(bob, False), (alice, True), (carol, True)]:
        client.force_login(user)
        assert found(client, "zeppelin", kind="annotations") == ({note.pk} if finds else set()), user
    client.logout()
    assert found(client, "zeppelin", kind="annotations") == set()
    unhide(item=Annotation.objects.get(pk=note.pk))
    client.force_login(bob)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}


def test_a_change_of_audience_is_followed(client, alice, bob, dave, team, article):
    note = annotate(article, alice, "memo", note="Like a zeppelin.")
    client.force_login(bob)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    note = update_annotation(annotation=note, tags=[], note=note.note, visibility="private")
    assert found(client, "zeppelin", kind="annotations") == set()
    note = update_annotation(annotation=note, tags=[], note=note.note, visibility="group", group=team)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    client.force_login(dave)
    assert found(client, "zeppelin", kind="annotations") == set()
    update_annotation(annotation=note, tags=[], note=note.note, visibility="public")
    assert found(client, "zeppelin", kind="annotations") == {note.pk}


def test_replies_added_edited_deleted_and_hidden_are_followed(client, alice, bob, carol, team, article):
    note = annotate(article, alice, "memo", note="Read this.", visibility="group", group=team)
    client.force_login(bob)
    reply = create_reply(annotation=note, author=bob, note="Like a zeppelin.")
    answer = create_reply(annotation=note, author=alice, note="More like a blimp.", parent=reply)
    assert found(client, "zeppelin", kind="annotations") == {note.pk}
    assert found(client, "blimp", kind="annotations") == {note.pk}

    reply = update_reply(reply=reply, note="Like a balloon.")
    assert found(client, "zeppelin", kind="annotations") == set()
    assert found(client, "balloon", kind="annotations") == {note.pk}

    delete_reply(reply=reply)  # stays in the thread as "deleted", since it has an answer
    assert Reply.objects.filter(pk=reply.pk).exists()
    assert found(client, "balloon", kind="annotations") == set()
    assert found(client, "blimp", kind="annotations") == {note.pk}

    hide(item=answer, moderator=carol)
    assert found(client, "blimp", kind="annotations") == set()
    unhide(item=Reply.objects.get(pk=answer.pk))
    assert found(client, "blimp", kind="annotations") == {note.pk}

    Reply.objects.filter(pk=answer.pk).delete()
    assert found(client, "blimp", kind="annotations") == set()
    assert found(client, "read", kind="annotations") == {note.pk}


# Bad input


@pytest.fixture
def zeppelin():
    make_article(body="Nothing of the sort.")
    return make_article(
        title="Over the city", body="A zeppelin flew over Zürich at noon.\n\nThe crowd cheered."
    )


@pytest.mark.parametrize(
    "query, finds",
    [
        ('"zeppelin', True),
        ('zeppelin"', True),
        ('"zeppelin crowd', True),
        ("zeppelin -", True),
        ("- zeppelin", True),
        ("--zeppelin", False),
        ("OR zeppelin", True),
        ("zeppelin OR", True),
        ("OR", None),
        ("zeppelin OR OR crowd", True),
        ("the of and", None),
        ("to be or not to be", None),
        ("-zeppelin", None),
        ("-zeppelin -crowd", None),
        ("zeppelin AND NOT crowd", True),  # AND and NOT are words here, and stop words
        ("NEAR(zeppelin crowd)", False),  # "near zeppelin", a phrase, and "crowd"
        ("NEAR(zeppelin", False),
        ("title:zeppelin", False),  # not a column filter: the words "title zeppelin"
        ("^zeppelin", True),
        ("{zeppelin crowd}", True),
        ("zeppelin*", True),
        ("zep*", True),
        ("ze*", False),
        ("*", None),
        ('""', None),
        ('-""', None),
        ("'; DROP TABLE articles_article; --", False),
        ("zeppelin'; DROP TABLE articles_article; --", False),
        ("zeppelin' OR '1'='1", True),  # zeppelin, or the phrase "1 1 1"
        ("zeppelin %", True),
        ("zeppelin _", True),  # "_" is no word for either database
        ("zeppelin \\", True),
        ("zeppelin 😀", True),
        ("😀🎈", None),
        ("\u200bzeppelin\u200b", True),
        ("zeppelin\u0301", True),
        ("ZEPPELIN zürich", True),
        ("zeppelin " + "x" * (QUERY_MAX_CHARS - 9), False),
        ("((zeppelin)) OR", True),
    ],
)
def test_any_typed_query_is_read_as_plain_words_and_never_fails(client, zeppelin, query, finds):
    response = search(client, query)
    assert response.status_code == 200
    if finds is None:
        assert "There is nothing to search for" in response.text
        assert response.context.get("results") is None
    else:
        assert set(article_hits(response)) == ({zeppelin.pk} if finds else set())
    assert search(client, query, kind="annotations").status_code == 200
    assert Article.objects.count() == 2


def test_a_query_longer_than_the_limit_is_refused_with_a_message(client, zeppelin):
    refused(search(client, "zeppelin " * 100), "q", f"at most {QUERY_MAX_CHARS} characters")
    refused(search(client, "z" * 5_000), "q", f"at most {QUERY_MAX_CHARS} characters")


def test_a_query_with_more_words_than_the_limit_says_only_the_first_were_searched(client, zeppelin):
    response = search(client, "zeppelin " + " ".join(f"word{number}" for number in range(30)))
    assert response.status_code == 200
    assert "Only the first words of this long query were searched for." in response.text


def test_a_null_character_is_refused_not_an_error(client, zeppelin):
    assert search(client, "zeppelin\x00").status_code == 400


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"outlet": "no-such-outlet"}, "outlet", "Select a valid choice"),
        ({"story": "no-such-story"}, "story", "Select a valid choice"),
        ({"group": "history-101"}, "group", "Select a valid choice"),  # dave is not in it
        ({"group": "no-such-group"}, "group", "Select a valid choice"),
        ({"from_": "2024-13-01"}, "from", "Enter a valid date"),
        ({"to": "yesterday"}, "to", "Enter a valid date"),
        ({"to": "2024-02-30"}, "to", "Enter a valid date"),
        ({"from_": "2024-05-01", "to": "2024-04-01"}, "to", "The end date is before the start date."),
        ({"kind": "everything"}, "kind", "Select a valid choice"),
        ({"sort": "popularity"}, "sort", "Select a valid choice"),
        ({"layer": "secret"}, "layer", "Select a valid choice"),
        ({"layer": "group-1"}, "layer", "Select a valid choice"),
        ({"annotated": "maybe"}, "annotated", "Select a valid choice"),
        ({"tag": "not a slug!"}, "tag", "Enter a valid"),
    ],
)
def test_an_invalid_filter_is_refused_with_a_message_and_no_results(
    client, dave, team, zeppelin, params, field, message
):
    client.force_login(dave)
    refused(search(client, "zeppelin", **params), field, message)


def test_a_group_of_the_readers_is_accepted_and_another_one_refused(client, bob, dave, team, zeppelin):
    client.force_login(bob)
    assert search(client, "zeppelin", group=team.slug).status_code == 200
    client.logout()
    refused(search(client, "zeppelin", group=team.slug), "group", "Select a valid choice")


# Who sees what: results, tab counts and facets


KINDS = ["public", "group", "private", "hidden", "deleted"]
SEES = {
    "anonymous": {"public"},
    "alice": {"public", "group", "private", "hidden"},  # the author
    "bob": {"public", "group"},  # a member
    "carol": {"public", "group", "hidden"},  # the group's moderator
    "dave": {"public"},  # in no group
}


@pytest.fixture
def layers(alice, carol, team):
    """An annotation of each kind by Alice, each on its own article in its own outlet, each with a reply."""
    audiences = {
        "group": {"visibility": "group", "group": team},
        "hidden": {"visibility": "group", "group": team},
        "private": {"visibility": "private"},
    }
    notes = {}
    for kind in KINDS:
        article = make_article(
            title=f"Airship news: {kind}",
            outlet=make_outlet(f"{kind.title()} Post"),
            body=f"An airship flew over the {kind} harbour.\n\nNobody saw it land.",
        )
        notes[kind] = annotate(
            article,
            alice,
            "airship",
            [f"{kind}-tag"],
            note=f"Zeppelin sighted ({kind}).",
            **audiences.get(kind, {}),
        )
        create_reply(annotation=notes[kind], author=alice, note=f"Blimp seen too ({kind}).")
    hide(item=notes["hidden"], moderator=carol)
    delete_annotation(notes["deleted"])
    return notes


@pytest.mark.parametrize("name", SEES)
@pytest.mark.parametrize("query", ["zeppelin", "blimp", "airship"])
def test_each_reader_finds_and_counts_only_the_annotations_they_may_read(
    client, request, layers, name, query
):
    log_in(client, reader(request, name))
    sees = SEES[name]
    response = search(client, query, kind="annotations")
    assert set(annotation_hits(response)) == {layers[kind].pk for kind in sees}
    assert result_count(response) == len(sees)
    assert counts(client, query)["articles"] == (5 if query == "airship" else 0)
    assert facet(response, "Outlets") == {f"{kind.title()} Post": 1 for kind in sees}
    assert facet(response, "Tags") == {f"{kind}-tag": 1 for kind in sees}
    for kind in KINDS:
        assert (f"({kind})" in response.text) == (kind in sees), kind
        assert (f"{kind}-tag" in response.text) == (kind in sees), kind


@pytest.mark.parametrize("name", SEES)
def test_the_articles_tab_filters_by_annotations_as_the_reader_sees_them(client, request, layers, name):
    log_in(client, reader(request, name))
    sees = SEES[name]
    response = search(client, "harbour")
    assert set(article_hits(response)) == {note.article_id for note in layers.values()}
    assert len(facet(response, "Outlets")) == len(KINDS)
    assert facet(response, "Tags") == {}  # tags are the annotations': counted on their tab
    annotated = {layers[kind].article_id for kind in sees}
    assert found(client, "harbour", annotated="yes") == annotated
    assert (
        found(client, "harbour", annotated="no") == {note.article_id for note in layers.values()} - annotated
    )
    assert found(client, "harbour", author="alice") == annotated
    assert found(client, "harbour", tag="private-tag") == annotated & {layers["private"].article_id}


def test_filters_never_widen_what_a_reader_may_see(client, bob, layers, team):
    client.force_login(bob)
    for params in [{"author": "alice"}, {"tag": "private-tag"}, {"tag": "hidden-tag"}, {"layer": "public"}]:
        assert found(client, "zeppelin", kind="annotations", **params) <= {
            layers["public"].pk,
            layers["group"].pk,
        }
    assert found(client, "zeppelin", kind="annotations", layer="mine") == set()
    assert found(client, "zeppelin", kind="annotations", group=team.slug) == {layers["group"].pk}
    client.logout()
    assert found(client, "zeppelin", kind="annotations", layer="group") == set()
    assert found(client, "zeppelin", kind="annotations", layer="mine") == set()


# More like this


def test_more_like_this_lists_other_coverage_of_the_event_but_not_the_article(client):
    day = datetime.date(2018, 6, 20)
    article = make_article(
        title="Microsoft employees protest ICE contract",
        body="Employees at Microsoft protested the company's contract with Immigration enforcement.",
        published_on=day,
    )
    same = make_article(
        title="Microsoft workers call for an end to the ICE contract",
        body="Hundreds of Microsoft employees signed a letter against the Immigration contract.",
        published_on=day + datetime.timedelta(days=2),
    )
    unrelated = make_article(title="Weather", body="Rain and sunshine tomorrow.", published_on=day)
    later = make_article(
        title="Microsoft employees protest ICE contract again",
        body="Employees at Microsoft protested the contract with Immigration enforcement again.",
        published_on=day + datetime.timedelta(days=120),
    )
    response = client.get(reverse("search:more_like_this", args=[article.pk]))
    assert response.status_code == 200
    listed = [int(pk) for pk in re.findall(r'href="/articles/(\d+)/[^"/]+/"', response.text)]
    assert same.pk in listed
    assert listed.count(article.pk) == 1  # the link back to it, not a result
    assert unrelated.pk not in listed and later.pk not in listed
    assert [similar.pk for similar in response.context["similar"]] == [same.pk]


def test_more_like_this_of_a_missing_article_is_404(client):
    article = make_article()
    assert client.get(reverse("search:more_like_this", args=[article.pk + 1])).status_code == 404


def test_more_like_this_of_an_article_without_distinctive_words_lists_nothing(client):
    article = make_article(title="Why not?", body="Yes. No. Not now.")
    make_article(title="Other", body="Yes, and so on.")
    response = client.get(reverse("search:more_like_this", args=[article.pk]))
    assert response.status_code == 200
    assert "No similar article was found." in response.text


# The search boxes


def test_the_story_pages_search_box_searches_only_that_story(client):
    story, other = make_story("ICE contract"), make_story("Dock strike")
    inside = make_article(story=story, body="Workers protested.")
    make_article(story=other, body="Dockers protested.")
    make_article(body="Someone protested.")
    page = client.get(story.get_absolute_url()).text
    form = re.search(r'<form class="story-search"[^>]*action="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the story page has a search box"
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2)))
    assert re.search(r'<input type="search"[^>]*name="q"', form.group(2))
    response = client.get(form.group(1), {**hidden, "q": "protested"})
    assert set(article_hits(response)) == {inside.pk}
    assert "Story: ICE contract" in response.text


def test_every_page_has_the_header_search_box(client, alice):
    story = make_story()
    article = make_article(story=story, body="A zeppelin.")
    annotate(article, alice, "zeppelin", ["Airships"])
    pages = [
        reverse("articles:home"),
        article.get_absolute_url(),
        story.get_absolute_url(),
        reverse("articles:tag_index"),
        reverse("search:results"),
        reverse("search:results") + "?q=zeppelin",
        reverse("search:more_like_this", args=[article.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        header = re.search(r'<header class="site-header">.*?</header>', response.text, re.S).group(0)
        box = re.search(
            r'<form class="site-search" role="search" method="get" action="([^"]*)">(.*?)</form>',
            header,
            re.S,
        )
        assert box and box.group(1) == reverse("search:results"), url
        assert re.search(r'<input type="search"[^>]*name="q"', box.group(2)), url
    response = client.get(reverse("search:results"), {"q": "zeppelin"})
    assert article_hits(response) == [article.pk]


# Building and rebuilding the index


@pytest.fixture
def indexed(alice, bob):
    articles = [
        make_article(title="Zeppelin over the harbour", body="A zeppelin flew over the harbour."),
        make_article(title="Markets", body="Shares rose; someone mentioned a zeppelin."),
        make_article(title="Harbour news", body="Ships came in."),
    ]
    notes = [
        annotate(articles[0], alice, "zeppelin", ["Airships"], note="A zeppelin, really."),
        annotate(articles[2], bob, "Ships", ["Harbour"], note="Many ships", visibility="private"),
    ]
    create_reply(annotation=notes[0], author=bob, note="Or a blimp?")
    return articles, notes


SEARCHES = [
    ("zeppelin", "articles"),
    ("harbour", "articles"),
    ("zeppelin", "annotations"),
    ("blimp", "annotations"),
    ("harbour", "annotations"),
]


def everything(client) -> list[list[int]]:
    return [
        annotation_hits(search(client, q, kind=kind))
        if kind == "annotations"
        else article_hits(search(client, q))
        for q, kind in SEARCHES
    ]


def test_the_rebuild_command_rebuilds_the_index_to_the_same_results(client, bob, indexed):
    client.force_login(bob)
    before = everything(client)
    assert all(before)
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt" in out.getvalue()
    assert index.is_built()
    assert everything(client) == before


def test_dropping_then_building_the_index_restores_the_results_and_adds_what_came_meanwhile(
    client, bob, indexed
):
    client.force_login(bob)
    before = everything(client)
    index.drop()
    assert not index.is_built()
    meanwhile = make_article(title="Balloon", body="A balloon, not a zeppelin.")
    index.build()
    assert index.is_built()
    after = everything(client)
    assert set(after[0]) == set(before[0]) | {meanwhile.pk}
    assert after[1:] == before[1:]
    assert found(client, "balloon") == {meanwhile.pk}


def test_an_empty_tab_points_to_the_other_when_it_finds_something(client, alice):
    article = make_article(title="Harbour news", body="A boat in the harbour.")
    annotate(article, alice, "boat", note="A zeppelin, surely.")

    articles_tab = client.get(reverse("search:results"), {"q": "zeppelin"}).text
    annotations_tab = client.get(reverse("search:results"), {"q": "harbour", "kind": "annotations"}).text
    nowhere = client.get(reverse("search:results"), {"q": "submarine"}).text

    assert "No articles match." in articles_tab and "1 annotation found</a>." in articles_tab
    assert "kind=annotations" in articles_tab
    assert "No annotations match." in annotations_tab and "1 article found</a>." in annotations_tab
    assert "Nothing found." in nowhere
