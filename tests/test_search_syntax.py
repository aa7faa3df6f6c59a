"""The search box's syntax (newsroom/search/syntax.py), parsed without a database, and what each
database makes of whatever it parses: never an error."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.search.syntax import MAX_ITEMS, STOP_WORDS, Phrase, Query, Term, parse
from tests.base import annotate, make_article

ONE_WORD = re.compile(r"^\w+$")
# Hypothesis searches far faster than anyone: no search limit for it.
MACHINE_PACE = override_settings(RATE_LIMITS={**django_settings.RATE_LIMITS, "search": (1000, 1000)})


def items(query: Query) -> list:
    return [item for group in query.required for item in group] + list(query.excluded)


def words_of(item) -> tuple[str, ...]:
    return item.words if isinstance(item, Phrase) else (item.word,)


# Examples


def test_every_word_must_match_in_lower_case_as_the_databases_fold_it():
    assert parse("Protest MICROSOFT") == Query(required=((Term("protest"),), (Term("microsoft"),)))
    # Not case-folded: that would make "ß" "ss", which SQLite's index keeps as it is.
    assert parse("Straße") == Query(required=((Term("straße"),),))


def test_a_quoted_phrase_keeps_its_words_in_order_stop_words_included():
    assert parse('"the end of the war" ICE') == Query(
        required=((Phrase(("the", "end", "of", "the", "war")),), (Term("ice"),))
    )


def test_words_joined_by_punctuation_are_a_phrase_as_the_databases_split_them():
    assert parse("COVID-19 U.S.") == Query(required=((Phrase(("covid", "19")),), (Phrase(("u", "s")),)))


def test_a_minus_excludes_a_word_or_a_phrase():
    assert parse('contract -army -"cloud deal"') == Query(
        required=((Term("contract"),),), excluded=(Term("army"), Phrase(("cloud", "deal")))
    )


@pytest.mark.parametrize(
    "text, groups",
    [
        ("zurich OR geneva", [[Term("zurich"), Term("geneva")]]),
        ("zurich OR geneva OR basel", [[Term("zurich"), Term("geneva"), Term("basel")]]),
        ("bank zurich OR geneva", [[Term("bank")], [Term("zurich"), Term("geneva")]]),
        ('"cloud deal" OR army', [[Phrase(("cloud", "deal")), Term("army")]]),
        ("zurich or geneva", [[Term("zurich")], [Term("geneva")]]),  # only OR in capitals joins
        ("OR zurich", [[Term("zurich")]]),  # nothing to join at the start
        ("zurich OR", [[Term("zurich")]]),  # nor at the end
        ("zurich OR OR geneva", [[Term("zurich"), Term("geneva")]]),
    ],
)
def test_or_joins_the_items_around_it_into_one_group(text, groups):
    assert parse(text).required == tuple(map(tuple, groups))


def test_a_star_after_three_characters_or_more_makes_a_prefix():
    assert parse("prot* ab*") == Query(required=((Term("prot", prefix=True),), (Term("ab"),)))


def test_stop_words_are_dropped_outside_phrases():
    assert parse("the protest of workers") == Query(required=((Term("protest"),), (Term("workers"),)))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "the of and", '"to be or not to be"', "-army", '-army -"cloud deal"', "-", "- -", "OR", '""'],
)
def test_nothing_to_look_for_is_a_falsy_query(text):
    query = parse(text)
    assert not query and query.required == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"unbalanced quote', [Term("unbalanced"), Term("quote")]),
        ('unbalanced" quote', [Term("unbalanced"), Term("quote")]),
        ("NEAR(zurich geneva)", [Phrase(("near", "zurich")), Term("geneva")]),
        ("col:word", [Phrase(("col", "word"))]),
        ("^word", [Term("word")]),
        ("{zurich geneva}", [Term("zurich"), Term("geneva")]),
        ("'; DROP TABLE x; --", [Term("drop"), Term("table"), Term("x")]),
        ("zurich AND geneva", [Term("zurich"), Term("geneva")]),  # "and" is a stop word
        ("zurich NOT geneva", [Term("zurich"), Term("geneva")]),
        ("zürich 🙂 北京", [Term("zürich"), Term("北京")]),
    ],
)
def test_what_is_not_syntax_is_read_as_plain_words(text, expected):
    query = parse(text)
    assert [item for group in query.required for item in group] == expected
    assert query.excluded == ()


def test_more_items_than_the_limit_are_cut_and_the_query_says_so():
    words = [f"word{number}" for number in range(MAX_ITEMS + 5)]
    query = parse(" ".join(words))
    assert query.truncated
    assert query.required == tuple((Term(word),) for word in words[:MAX_ITEMS])
    assert not parse(" ".join(words[:MAX_ITEMS])).truncated


def test_a_prefix_also_looks_for_the_shorter_forms_a_stemmer_may_have_cut_its_words_to():
    query = parse('immigra* "cloud deal" OR army -nation*')
    assert query.prefixes == [Term("immigra", prefix=True), Term("nation", prefix=True)]
    assert Term("immigra", prefix=True).cut_forms == ["immigr", "immig", "immi"]
    assert Term("immigra").cut_forms == []


# Properties

WORDS = st.text(st.characters(categories=["Ll", "Lu"], max_codepoint=0x17F), min_size=1, max_size=8)
PLAIN = WORDS.filter(lambda word: word.lower() not in STOP_WORDS and word != "OR")


@given(st.text(max_size=300))
def test_parsing_never_raises_and_yields_only_words(text):
    query = parse(text)
    assert len(items(query)) <= MAX_ITEMS
    assert bool(query) == bool(query.required)
    assert all(group for group in query.required)
    for item in items(query):
        words = words_of(item)
        assert words and all(ONE_WORD.match(word) and word == word.lower() for word in words)
        if isinstance(item, Term) and item.prefix:
            assert len(item.word) >= 3
        if isinstance(item, Phrase):
            assert len(words) > 1 and not all(word in STOP_WORDS for word in words)
        else:
            assert item.word not in STOP_WORDS or item.prefix


@given(st.lists(PLAIN, min_size=1, max_size=MAX_ITEMS))
def test_plain_words_are_each_required_in_order(words):
    assert parse(" ".join(words)).required == tuple((Term(word.lower()),) for word in words)


@given(st.lists(PLAIN, min_size=1, max_size=MAX_ITEMS))
def test_exclusions_alone_are_nothing_to_look_for(words):
    query = parse(" ".join(f"-{word}" for word in words))
    assert not query
    assert query.excluded == tuple(Term(word.lower()) for word in words)


@given(st.lists(PLAIN, min_size=2, max_size=MAX_ITEMS))
def test_words_joined_by_or_are_one_group(words):
    assert parse(" OR ".join(words)).required == (tuple(Term(word.lower()) for word in words),)


# On the database: whatever is typed, the compiled FTS5 expression or tsquery runs, and the results
# of combined queries are those of their parts combined.

SYNTAX = st.sampled_from(
    ['"', "-", "*", " OR ", " AND ", " NOT ", "(", ")", ":", "^", "{", "}", "'", ";", "_"]
)
TYPED = st.lists(
    st.one_of(SYNTAX, st.sampled_from(["zurich", "protest", "the", "near", "NEAR"]), st.text(max_size=6)),
    max_size=25,
).map("".join)


@pytest.mark.django_db
@MACHINE_PACE
def test_the_search_page_answers_any_text_without_a_database_error(alice):
    article = make_article(
        title="Protests in Zürich", body="Workers protested near the bank.\n\nNEAR(x) col:word"
    )
    annotate(article, alice, "protested", ["Zürich"], note="They protested *near* the bank.")
    client = Client()

    @settings(max_examples=150, deadline=None)
    @given(text=st.one_of(TYPED, st.text(max_size=80)).map(lambda text: text.replace("\x00", "")))
    def answers(text):
        for kind in ["articles", "annotations"]:
            response = client.get(reverse("search:results"), {"q": text, "kind": kind, "sort": "date"})
            assert response.status_code == 200, text

    answers()


VOCABULARY = ["zurich", "geneva", "bank", "protest", "cloud", "army", "letter", "memo"]
BODIES = [
    "Zürich bank protest.",
    "Geneva bank letters.",
    "The army wrote a memo about the cloud.",
    "Protesters in Geneva and Zurich.",
    "A cloud contract for the army, a letter of protest.",
    "Memos.",
    "Nothing of that.",
]


def found(client, text: str) -> set[int]:
    response = client.get(reverse("search:results"), {"q": text})
    assert response.status_code == 200
    results = response.context.get("results")
    return {hit.article.pk for hit in results.page} if results else set()


@pytest.mark.django_db
@MACHINE_PACE
def test_or_and_and_exclusion_combine_the_results_of_their_parts():
    for number, body in enumerate(BODIES):
        make_article(title=f"Report {number}", body=body)
    client = Client()

    @settings(max_examples=40, deadline=None)
    @given(st.sampled_from(VOCABULARY), st.sampled_from(VOCABULARY))
    def combine(first, second):
        one, other = found(client, first), found(client, second)
        assert found(client, f"{first} OR {second}") == one | other
        assert found(client, f"{first} {second}") == one & other
        assert found(client, f"{first} -{second}") == one - other

    combine()
