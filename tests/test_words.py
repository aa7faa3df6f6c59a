"""The word toolkit and spans: pure functions, no database."""

from hypothesis import given
from hypothesis import strategies as st

from articles.text.segments import covered, merge_spans
from articles.text.words import (
    Sentences,
    UnionFind,
    count_alphanumeric_words,
    normalized_words,
    sentence_starts_at_words,
    split_sentences,
    without_possessive,
)

SPANS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 10)).map(lambda s: (s[0], s[0] + s[1])))


def test_it_does_not_end_a_sentence_at_a_title_or_an_initial():
    text = "Mr. Smith said the U.S. government agreed. “We will,” he said.\n\nNext."
    starts = Sentences(text).starts
    assert [text[start : start + 4] for start in starts] == ["Mr. ", "“We ", "Next"]
    assert split_sentences(text) == [
        "Mr. Smith said the U.S. government agreed.",
        "“We will,” he said.",
        "Next.",
    ]


def test_it_bounds_the_sentence_holding_a_position():
    text = "One here. Two there."
    assert Sentences(text).bounds(text.index("there")) == (10, len(text))
    assert Sentences(text).bounds(0) == (0, 10)


def test_it_starts_a_sentence_at_every_end_mark_between_words_for_passages():
    text = "Mr. Smith lives in the U.S. The end.Next"
    words = normalized_words(text)
    starts = sentence_starts_at_words(text, words)
    assert [word.norm for k, word in enumerate(words) if starts[k]] == ["mr", "smith", "the", "next"]


def test_it_counts_words_that_hold_a_letter_or_digit():
    assert count_alphanumeric_words(" rank-and-file — ... workers’ 100 ") == 3
    assert count_alphanumeric_words("") == 0


def test_it_drops_possessive_endings_only():
    assert [without_possessive(word) for word in ("Nadella’s", "employees’", "O’Rourke", "ICE's")] == [
        "Nadella",
        "employees",
        "O’Rourke",
        "ICE",
    ]


@given(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11))))
def test_it_groups_items_like_a_graph_search(size, pairs):
    pairs = [(a % size, b % size) for a, b in pairs]
    groups = UnionFind(size)
    for a, b in pairs:
        groups.join(a, b)
    # The slow oracle: grow each group from its first item along the pairs.
    expected, seen = [], set()
    for item in range(size):
        if item not in seen:
            group, frontier = {item}, [item]
            while frontier:
                current = frontier.pop()
                for a, b in pairs:
                    for here, there in ((a, b), (b, a)):
                        if here == current and there not in group:
                            group.add(there)
                            frontier.append(there)
            seen |= group
            expected.append(sorted(group))
    assert groups.groups() == expected


@given(SPANS, st.integers(0, 3))
def test_it_merges_spans_into_the_same_characters(spans, gap):
    merged = merge_spans(spans, gap)
    assert all(end + gap < next_start for (_, end), (next_start, _) in zip(merged, merged[1:], strict=False))
    if gap == 0:
        assert {x for start, end in merged for x in range(start, end)} == {
            x for start, end in spans for x in range(start, end)
        }


@given(SPANS)
def test_it_masks_the_characters_that_spans_cover(spans):
    mask = covered(25, spans)
    assert len(mask) == 25
    assert {x for x in range(25) if mask[x]} == {
        x for start, end in spans for x in range(start, min(end, 25))
    }
