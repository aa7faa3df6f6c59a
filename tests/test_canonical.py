import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text.canonical import (
    _OTHER_WHITESPACE,
    PARAGRAPH_SEPARATOR,
    canonicalize,
    count_words,
    is_canonical,
    split_paragraphs,
    tidy_line,
)

# Characters that canonical form cares about, mixed with plain letters.
TRICKY = st.text(
    alphabet=st.sampled_from("ab é\u0301\n\r\t\x0b\u00a0\u2009\u200b\u00ad\ufeff\x1c\u0085\u2028\u3000"),
    max_size=40,
)


def slow_canonicalize(text: str) -> str:
    """canonicalize() without its shortcut for text that is canonical already."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return PARAGRAPH_SEPARATOR.join(tidy for line in text.split("\n") if (tidy := tidy_line(line)))


@settings(max_examples=500)
@given(TRICKY)
def test_it_knows_canonical_text_exactly_when_canonicalize_would_keep_it(text):
    assert is_canonical(text) == (slow_canonicalize(text) == text)
    assert canonicalize(text) == slow_canonicalize(text)


@given(TRICKY)
def test_it_makes_canonical_text_in_one_pass(text):
    assert is_canonical(canonicalize(text))


def test_it_offsets_paragraphs_into_the_canonical_text():
    body = canonicalize(" One\tpara.\r\n\r\n\r\nTwo  paras. \nThree")
    assert body == "One para.\n\nTwo paras.\n\nThree"
    assert [(p.start, body[p.start : p.end]) for p in split_paragraphs(body)] == [
        (0, "One para."),
        (11, "Two paras."),
        (23, "Three"),
    ]


@given(TRICKY)
def test_it_counts_the_words_of_canonical_text(text):
    body = canonicalize(text)
    assert count_words(body) == len(body.split())


def test_it_tidies_every_kind_of_whitespace_as_a_line_by_line_split_does():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    spaces = [character for character in everything if character.isspace()]
    for space in spaces:
        text = f"{space}a{space}{space}b{space}\n\nc"
        assert canonicalize(text) == slow_canonicalize(text), repr(space)
    # and nothing else is taken for whitespace
    assert set(_OTHER_WHITESPACE.findall(everything)) == set(spaces) - {" ", "\n"}
