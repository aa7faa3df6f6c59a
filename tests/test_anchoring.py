import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from articles.text.anchoring import (
    CONTEXT_CHARS,
    MAX_ERROR_RATE,
    NEIGHBOURHOOD_CHARS,
    Anchor,
    TextQuote,
    quote_at,
    relocate,
    trim_selection,
)
from articles.text.segments import Segment, highlight_segments

ARTICLE = "\n\n".join(
    [
        "Microsoft executives are rushing to contain employee backlash over the company's contracts.",
        "More than 100 employees signed a letter demanding that the company cut ties with the agency.",
        "The company said it would not comment.",
        "The agency said it would not comment on the case.",
        "Smith wrote late Tuesday in a blog post discussing immigration and the border.",
    ]
)


def annotate(text: str, passage: str, occurrence: int = 0) -> tuple[int, int, TextQuote]:
    """Offsets and quote of the given occurrence of a passage, as create_annotation stores them."""
    start = [match.start() for match in re.finditer(re.escape(passage), text)][occurrence]
    return start, start + len(passage), quote_at(text, start, start + len(passage))


def found(text: str, anchor: Anchor | None) -> str | None:
    return None if anchor is None else text[anchor.start : anchor.end]


def levenshtein(a: str, b: str) -> int:
    """Edit distance by the textbook dynamic programme, to check the library against."""
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, char_b in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char_a != char_b))
    return row[-1]


class TestTrimSelection:
    def test_it_moves_both_edges_past_whitespace(self):
        assert trim_selection("  one two \n\n", 0, 12) == (2, 9)

    def test_it_keeps_a_selection_without_edge_whitespace(self):
        assert trim_selection("one two", 1, 5) == (1, 5)

    def test_it_returns_an_empty_span_for_only_whitespace(self):
        assert trim_selection("one \n\n two", 3, 7) == (3, 3)

    def test_it_clamps_offsets_outside_the_text(self):
        assert trim_selection("one two", -5, 99) == (0, 7)

    def test_it_returns_an_empty_span_when_end_is_before_start(self):
        assert trim_selection("one two", 5, 2) == (5, 5)

    def test_it_handles_an_empty_text(self):
        assert trim_selection("", 0, 3) == (0, 0)


class TestQuoteAt:
    def test_it_takes_up_to_32_characters_of_context(self):
        text = "x" * 40 + "quote" + "y" * 40
        quote = quote_at(text, 40, 45)
        assert quote == TextQuote(exact="quote", prefix="x" * CONTEXT_CHARS, suffix="y" * CONTEXT_CHARS)

    def test_it_takes_shorter_context_at_the_edges_of_the_text(self):
        assert quote_at("one two three", 4, 7) == TextQuote(exact="two", prefix="one ", suffix=" three")
        assert quote_at("one", 0, 3) == TextQuote(exact="one", prefix="", suffix="")

    def test_it_counts_offsets_in_code_points(self):
        text = "naïve 😀 smile"
        assert quote_at(text, 6, 7).exact == "😀"
        assert quote_at(text, 8, 13) == TextQuote(exact="smile", prefix="naïve 😀 ", suffix="")

    @pytest.mark.parametrize("start, end", [(-1, 2), (2, 1), (0, 4)])
    def test_it_refuses_a_span_outside_the_text(self, start, end):
        with pytest.raises(ValueError):
            quote_at("one", start, end)


class TestRelocate:
    def test_it_keeps_an_unchanged_quote_at_its_offsets(self):
        start, end, quote = annotate(ARTICLE, "employee backlash")
        assert relocate(ARTICLE, start=start, end=end, quote=quote) == Anchor(start, end, "position")

    def test_it_keeps_a_quote_at_its_offsets_when_only_its_context_changed(self):
        start, end, quote = annotate(ARTICLE, "employee backlash")
        text = ARTICLE.replace("over the company's", "about the firm's")
        assert relocate(text, start=start, end=end, quote=quote) == Anchor(start, end, "position")

    def test_it_refuses_an_empty_quote(self):
        assert relocate(ARTICLE, start=0, end=0, quote=TextQuote("", "", "")) is None

    def test_it_orphans_every_quote_in_an_empty_text(self):
        assert relocate("", start=0, end=3, quote=TextQuote("one", "", "")) is None

    def test_it_orphans_a_quote_longer_than_the_text(self):
        assert relocate("one", start=0, end=7, quote=TextQuote("one two", "", "")) is None

    def test_it_follows_a_quote_moved_by_text_inserted_before_it(self):
        start, end, quote = annotate(ARTICLE, "cut ties with the agency")
        text = "A new first paragraph.\n\n" + ARTICLE
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert anchor == Anchor(start + 24, end + 24, "quote")

    def test_it_follows_a_quote_moved_by_text_deleted_before_it(self):
        start, end, quote = annotate(ARTICLE, "blog post")
        text = ARTICLE.replace("More than 100 employees signed", "Employees signed")
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert anchor == Anchor(start - 14, end - 14, "quote")

    def test_it_finds_a_quote_that_spans_paragraphs(self):
        start, end, quote = annotate(ARTICLE, "not comment.\n\nThe agency")
        text = ARTICLE.replace("would not", "will not", 1)
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert found(text, anchor) == "not comment.\n\nThe agency"

    def test_it_picks_the_occurrence_whose_prefix_agrees(self):
        text = "Alice said yes. Then Bob said yes. Then Carol said yes."
        start, end, quote = annotate(text, "said yes", occurrence=1)
        moved = "In short: " + text
        anchor = relocate(moved, start=start, end=end, quote=quote)
        assert anchor is not None and anchor.start == moved.index("Bob said") + 4

    def test_it_picks_the_occurrence_whose_suffix_agrees(self):
        text = "It was red, said Ann. It was red, said Ben. It was red, said Cid."
        start, end, quote = annotate(text, "It was red", occurrence=1)
        moved = text.replace("said Ann", "Ann said to everyone who would listen")
        anchor = relocate(moved, start=start, end=end, quote=quote)
        assert anchor is not None and anchor.start == moved.index(", said Ben") - len("It was red")

    def test_it_picks_the_nearest_occurrence_when_the_context_cannot_tell(self):
        text = "ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha"
        start, end, quote = annotate(text, "ha", occurrence=10)
        anchor = relocate("ha " + text, start=start, end=end, quote=quote)
        assert anchor == Anchor(start, end, "position")

    def test_it_prefers_the_context_to_the_old_offsets(self):
        # An edit shifted a repetitive text so that another "ab" sits at the old offsets.
        text = "ab " * 20 + "the end"
        start, end, quote = annotate(text, "ab", occurrence=19)
        moved = "ab " + text
        assert moved[start:end] == "ab"
        assert relocate(moved, start=start, end=end, quote=quote) == Anchor(start + 3, end + 3, "quote")

    def test_it_finds_a_quote_with_one_word_changed(self):
        start, end, quote = annotate(ARTICLE, "More than 100 employees signed a letter demanding")
        text = ARTICLE.replace("employees signed", "workers signed")
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert anchor == Anchor(start, end - 2, "fuzzy")
        assert found(text, anchor) == "More than 100 workers signed a letter demanding"

    def test_it_finds_a_quote_with_a_typo_fixed_after_an_insertion(self):
        text = ARTICLE.replace("discussing", "discusing")
        start, end, quote = annotate(text, "in a blog post discusing immigration")
        fixed = "Editor's note: corrected.\n\n" + ARTICLE
        anchor = relocate(fixed, start=start, end=end, quote=quote)
        assert found(fixed, anchor) == "in a blog post discussing immigration"
        assert anchor.method == "fuzzy"

    def test_it_takes_a_changed_word_at_the_edge_of_the_quote_whole(self):
        text = 'He said: "Microsoft is a company of immigrants," and left.'
        start, end, quote = annotate(text, '"Microsoft is a company of immigrants,"')
        edited = text.replace("Microsoft", "Contoso")
        anchor = relocate(edited, start=start, end=end, quote=quote)
        assert found(edited, anchor) == '"Contoso is a company of immigrants,"'

    def test_it_searches_beyond_the_old_neighbourhood(self):
        start, end, quote = annotate(ARTICLE, "contain employee backlash over the company")
        filler = "Filler sentence about nothing in particular. " * (NEIGHBOURHOOD_CHARS // 20)
        text = filler + ARTICLE.replace("employee backlash", "employee anger")
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert found(text, anchor) == "contain employee anger over the company"

    def test_it_orphans_a_deleted_paragraph_rather_than_take_a_lookalike(self):
        start, end, quote = annotate(ARTICLE, "The company said it would not comment.")
        text = ARTICLE.replace("The company said it would not comment.\n\n", "")
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_orphans_a_deleted_paragraph_whose_lookalike_is_elsewhere(self):
        start, end, quote = annotate(ARTICLE, "The company said it would not comment.")
        paragraphs = ARTICLE.split("\n\n")
        text = "\n\n".join([paragraphs[3], paragraphs[0], paragraphs[1], paragraphs[4]])
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_orphans_a_deleted_sentence_whose_lookalike_begins_alike(self):
        # The next paragraph begins with the same words, so its suffix half agrees.
        text = (
            "Intro.\n\nThe letter demands that Microsoft cancel its contracts with the agency.\n\n"
            "The letter demands that Microsoft cancel its contract with the agency at once.\n\n"
            "The letter comes after critics spoke out."
        )
        start, end, quote = annotate(
            text, "The letter demands that Microsoft cancel its contracts with the agency."
        )
        deleted = text.replace(
            "The letter demands that Microsoft cancel its contracts with the agency.\n\n", ""
        )
        assert relocate(deleted, start=start, end=end, quote=quote) is None

    def test_it_orphans_a_passage_replaced_by_other_text(self):
        start, end, quote = annotate(ARTICLE, "late Tuesday in a blog post")
        text = ARTICLE.replace("late Tuesday in a blog post", "on 12 March 2019 at 10:45")
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_orphans_a_short_quote_that_only_survives_out_of_context(self):
        start, end, quote = annotate(ARTICLE, "blog")
        text = ARTICLE.replace("blog post", "memo") + "\n\nRead our blog for more."
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_keeps_a_long_unique_quote_whose_context_was_rewritten(self):
        passage = "signed a letter demanding that the company cut ties"
        start, end, quote = annotate(f"Early on, 100 employees {passage} with the agency.", passage)
        text = f"Preface.\n\nLast year our staff had {passage}, they told reporters."
        anchor = relocate(text, start=start, end=end, quote=quote)
        assert found(text, anchor) == passage and anchor.method == "quote"

    def test_it_orphans_a_short_quote_whose_context_was_rewritten(self):
        passage = "signed a letter"
        start, end, quote = annotate(f"Early on, 100 employees {passage} with the agency.", passage)
        text = f"Preface.\n\nLast year our staff had {passage}, they told reporters."
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_does_not_match_a_very_short_quote_approximately(self):
        start, end, quote = annotate("We saw the cat.", "cat")
        assert relocate("We saw the cap.", start=start, end=end, quote=quote) is None

    def test_it_does_not_take_a_quote_with_a_third_of_it_changed(self):
        start, end, quote = annotate(ARTICLE, "would not comment on the case")
        text = ARTICLE.replace("comment on the case", "speak to reporters")
        assert relocate(text, start=start, end=end, quote=quote) is None

    def test_it_finds_quotes_among_emoji_and_accents(self):
        text = "Café 😀 crème brûlée 🎉 for everyone 🎉 at the café."
        start, end, quote = annotate(text, "crème brûlée 🎉")
        moved = "🎂🎂 " + text.replace("everyone", "all")
        assert relocate(moved, start=start, end=end, quote=quote) == Anchor(start + 3, end + 3, "quote")
        fuzzy = "🎂🎂 " + text.replace("brûlée", "brulée")
        assert found(fuzzy, relocate(fuzzy, start=start, end=end, quote=quote)) == "crème brulée 🎉"

    def test_it_handles_texts_with_more_than_256_different_characters(self):
        text = "".join(map(chr, range(0x4E00, 0x4E00 + 400)))
        start, end, quote = annotate(text, text[200:240])
        edited = "新" + text[:210] + "改" + text[211:]
        anchor = relocate(edited, start=start, end=end, quote=quote)
        assert anchor == Anchor(start + 1, end + 1, "fuzzy")

    def test_it_gives_up_on_a_quote_with_too_many_different_characters(self):
        text = "".join(map(chr, range(0x4E00, 0x4E00 + 800)))
        start, end, quote = annotate(text, text[100:500])
        edited = text[:300] + "改" + text[301:]
        assert relocate(edited, start=start, end=end, quote=quote) is None

    @pytest.mark.parametrize("start, end", [(-50, -40), (10**6, 10**6 + 5), (30, 10), (0, 10**9)])
    def test_it_survives_offsets_outside_the_text(self, start, end):
        _, _, quote = annotate(ARTICLE, "employee backlash")
        anchor = relocate(ARTICLE, start=start, end=end, quote=quote)
        assert found(ARTICLE, anchor) == "employee backlash"

    def test_it_survives_a_stored_context_longer_than_it_makes(self):
        text = "".join(map(chr, range(0x4E00, 0x4E00 + 600)))
        quote = TextQuote(exact=text[300:340], prefix=text[:300], suffix=text[340:])
        edited = text[:310] + "改" + text[311:]
        assert relocate(edited, start=300, end=340, quote=quote) == Anchor(300, 340, "fuzzy")

    def test_it_finds_a_whitespace_quote_only_at_its_offsets(self):
        quote = quote_at("one \n\n two", 3, 7)
        assert relocate("one \n\n two", start=3, end=7, quote=quote) == Anchor(3, 7, "position")


class TestHighlightSegments:
    def test_it_returns_the_paragraph_whole_without_spans(self):
        assert highlight_segments(10, "One two.", []) == [Segment(10, "One two.", ())]

    def test_it_returns_nothing_for_an_empty_paragraph(self):
        assert highlight_segments(10, "", [(1, 5, 20)]) == []

    def test_it_cuts_at_overlapping_spans(self):
        segments = highlight_segments(100, "abcdefgh", [(1, 101, 105), (2, 103, 107)])
        assert segments == [
            Segment(100, "a", ()),
            Segment(101, "bc", (1,)),
            Segment(103, "de", (1, 2)),
            Segment(105, "fg", (2,)),
            Segment(107, "h", ()),
        ]

    def test_it_cuts_at_nested_spans(self):
        segments = highlight_segments(0, "abcdef", [(7, 0, 6), (3, 2, 4)])
        assert segments == [Segment(0, "ab", (7,)), Segment(2, "cd", (3, 7)), Segment(4, "ef", (7,))]

    def test_it_clips_spans_that_cross_the_paragraph_edges(self):
        segments = highlight_segments(10, "abcd", [(1, 0, 12), (2, 13, 40)])
        assert segments == [Segment(10, "ab", (1,)), Segment(12, "c", ()), Segment(13, "d", (2,))]

    def test_it_ignores_spans_outside_the_paragraph_and_empty_spans(self):
        spans = [(1, 0, 10), (2, 14, 30), (3, 11, 11), (4, 13, 12)]
        assert highlight_segments(10, "abcd", spans) == [Segment(10, "abcd", ())]

    def test_it_merges_neighbours_with_the_same_ids(self):
        segments = highlight_segments(0, "abcdef", [(5, 0, 3), (5, 3, 6)])
        assert segments == [Segment(0, "abcdef", (5,))]

    def test_it_keeps_an_id_whose_spans_overlap_until_the_last_ends(self):
        segments = highlight_segments(0, "abcdef", [(5, 0, 4), (5, 2, 6)])
        assert segments == [Segment(0, "abcdef", (5,))]

    def test_it_cuts_a_long_paragraph_at_a_thousand_spans(self):
        text = "word " * 4000
        spans = [(i, i * 19 % 19_000, i * 19 % 19_000 + 1 + i % 300) for i in range(1000)]
        segments = highlight_segments(0, text, spans)
        assert "".join(segment.text for segment in segments) == text
        assert len(segments) <= 2 * len(spans) + 1


# Property-based tests. Texts come from a small vocabulary, so that phrases repeat.
WORDS = ["a", "an", "the", "cat", "sat", "mat", "on", "café", "😀", "ok"]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)
paragraphs = words.map(" ".join)
texts = st.lists(paragraphs, min_size=1, max_size=6).map("\n\n".join)


@st.composite
def annotated_texts(draw) -> tuple[str, int, int]:
    """A text and a non-empty span of it that starts and ends on non-space characters."""
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 40)))
    start, end = trim_selection(text, start, end)
    assume(start < end)
    return text, start, end


def edit(draw, text: str) -> str:
    """The text with a few words inserted and some characters deleted at random places."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(paragraphs) + " " + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 10)) :]
    return text


@st.composite
def edits_away_from_the_quote(draw) -> tuple[str, int, int, str, int]:
    """Text, span, and the text edited only further than CONTEXT_CHARS from the span, with the new start."""
    text, start, end = draw(annotated_texts())
    # Where the context is short, the text begins or ends there: no edits beyond it.
    before_end, after_start = start - CONTEXT_CHARS, end + CONTEXT_CHARS
    before = edit(draw, text[:before_end]) if before_end >= 0 else ""
    after = edit(draw, text[after_start:]) if after_start <= len(text) else ""
    edited = before + text[max(0, before_end) : after_start] + after
    return text, start, end, edited, len(before) + start - max(0, before_end)


@st.composite
def edits_around_the_quote(draw) -> tuple[str, int, int, str, int]:
    """Text, span, and the text edited anywhere but inside the span, with the new start."""
    text, start, end = draw(annotated_texts())
    before, after = edit(draw, text[:start]), edit(draw, text[end:])
    return text, start, end, before + text[start:end] + after, len(before)


def digits(draw, length: int) -> str:
    return draw(st.text(alphabet="0123456789", min_size=length, max_size=length + 5))


def assert_never_misplaced(text: str, anchor: Anchor | None, quote: TextQuote) -> None:
    """Whatever relocate returns is a non-empty span of the text, and reads (almost) as the quote."""
    if anchor is None:
        return
    assert 0 <= anchor.start < anchor.end <= len(text)
    assert anchor.method in {"position", "quote", "fuzzy"}
    passage = text[anchor.start : anchor.end]
    if anchor.method in {"position", "quote"}:
        assert passage == quote.exact
    else:
        assert levenshtein(quote.exact, passage) <= MAX_ERROR_RATE * len(quote.exact)


class TestRelocateProperties:
    # No deadlines: a loaded CI machine makes timings vary, and speed is not what these test.
    @settings(deadline=None)
    @given(annotated_texts())
    def test_it_keeps_every_quote_of_an_unchanged_text_in_place(self, annotated):
        text, start, end = annotated
        quote = quote_at(text, start, end)
        assert relocate(text, start=start, end=end, quote=quote) == Anchor(start, end, "position")

    @settings(max_examples=300, deadline=None)
    @given(edits_away_from_the_quote())
    def test_it_follows_a_quote_edited_around_to_the_same_occurrence(self, case):
        text, start, end, edited, new_start = case
        quote = quote_at(text, start, end)
        anchor = relocate(edited, start=start, end=end, quote=quote)
        assert anchor is not None
        assert edited[anchor.start : anchor.end] == quote.exact
        if anchor.start != new_start:
            # Only an occurrence that the stored context cannot tell apart, and that is nearer.
            assert quote_at(edited, anchor.start, anchor.end) == quote
            assert abs(anchor.start - start) <= abs(new_start - start)

    @settings(max_examples=300, deadline=None)
    @given(edits_around_the_quote())
    def test_it_finds_the_quote_when_edits_leave_it_intact(self, case):
        text, start, end, edited, new_start = case
        quote = quote_at(text, start, end)
        anchor = relocate(edited, start=start, end=end, quote=quote)
        assert_never_misplaced(edited, anchor, quote)
        # With its context intact on one side, the quote scores enough to be found, if not
        # always in the same occurrence (the other side may agree better elsewhere).
        context = quote_at(edited, new_start, new_start + len(quote.exact))
        if context.prefix == quote.prefix or context.suffix == quote.suffix:
            assert found(edited, anchor) == quote.exact

    @settings(max_examples=300, deadline=None)
    @given(annotated_texts(), st.data())
    def test_it_never_misplaces_a_quote_whose_text_was_destroyed(self, annotated, data):
        text, start, end = annotated
        quote = quote_at(text, start, end)
        edited = edit(data.draw, text[:start]) + digits(data.draw, end - start) + edit(data.draw, text[end:])
        anchor = relocate(edited, start=start, end=end, quote=quote)
        assert_never_misplaced(edited, anchor, quote)

    @settings(max_examples=300, deadline=None)
    @given(annotated_texts(), st.data())
    def test_it_never_misplaces_a_quote_after_any_edits(self, annotated, data):
        text, start, end = annotated
        quote = quote_at(text, start, end)
        edited = edit(data.draw, text)
        assert_never_misplaced(edited, relocate(edited, start=start, end=end, quote=quote), quote)


spans = st.lists(st.tuples(st.integers(0, 20), st.integers(-10, 60), st.integers(-10, 60)), max_size=30)


class TestHighlightSegmentsProperties:
    @given(st.integers(0, 30), st.text(alphabet="ab😀 ", max_size=40), spans)
    def test_it_labels_each_character_with_exactly_the_spans_over_it(self, paragraph_start, text, spans):
        segments = highlight_segments(paragraph_start, text, spans)
        assert "".join(segment.text for segment in segments) == text
        offset = paragraph_start
        for segment in segments:
            assert segment.start == offset and segment.text
            for position in range(segment.start, segment.start + len(segment.text)):
                covering = {annotation_id for annotation_id, start, end in spans if start <= position < end}
                assert segment.annotation_ids == tuple(sorted(covering))
            offset += len(segment.text)
        for previous, following in zip(segments, segments[1:], strict=False):
            assert previous.annotation_ids != following.annotation_ids


class TestTrimSelectionProperties:
    @given(st.text(alphabet="ab \n😀", max_size=30), st.integers(-5, 35), st.integers(-5, 35))
    def test_it_returns_the_stripped_selection(self, text, start, end):
        trimmed_start, trimmed_end = trim_selection(text, start, end)
        assert 0 <= trimmed_start <= trimmed_end <= len(text)
        clamped = text[max(0, start) : max(0, end)]
        assert text[trimmed_start:trimmed_end] == clamped.strip()
