"""Shared passages across a story's articles, and near-duplicate articles: pure, no database."""

import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text.alignment import SHARED_MIN_WORDS
from articles.text.comparison import (
    REPEATS_FROM,
    REPEATS_MIN_WORDS,
    ArticleText,
    Comparison,
    compare_articles,
    paired_quotes,
)
from articles.text.near_duplicates import near_duplicates, shingle_hashes
from articles.text.passages import Cluster, find_shared_passages, unshared_share
from articles.text.words import normalize_word, normalized_text, normalized_words
from tests.base import corpus

BLOG_PHRASE = (
    "process data on edge devices or utilize deep learning capabilities to accelerate facial "
    "recognition and identification"
)
UNDERGIRDING = (
    "We are providing the technical undergirding in support of an agency that is actively enforcing "
    "this inhumane policy"
)
UNDERGIRDING_SHORT = "We are providing the technical undergirding of an agency enforcing this inhumane policy"
CRITICS = (
    "The letter comes after critics tweeted out a Microsoft blog post from January highlighting "
    "its contract with ICE"
)
COMPLICIT = "As the people who build the technologies that Microsoft profits from, we refuse to be complicit"
COMPLICIT_003 = "As the people that build the products that Microsoft profits from, we refuse to be complicit"
NOT_WORKING = (
    "I want to be clear: Microsoft is not working with the U.S. government on any projects related "
    "to separating children from their families at the border"
)
DISMAYED = (
    "As a company, Microsoft is dismayed by the forcible separation of children from their families "
    "at the border. Family unification has been a fundamental tenet of American policy and law since "
    "the end of World War II"
)

# Word salad for synthetic texts: common words only, as unrelated articles share them.
FILLER = """
the company said on Monday that its plans for the new year were on track while officials in the
city said they would look at the border again after the report was released by the agency and
the ministry in a statement that was sent to reporters at the end of the week
""".split()


@cache
def corpus_clusters() -> tuple[Cluster, ...]:
    return tuple(find_shared_passages(corpus()))


def texts_of(cluster: Cluster, texts: dict[int, str]) -> dict[int, str]:
    return {o.article: texts[o.article][o.start : o.end] for o in cluster.occurrences}


def cluster_with(clusters, article: int, passage: str, texts: dict[int, str]) -> Cluster:
    """The one cluster whose occurrence in the article contains the passage."""
    found = [c for c in clusters if passage in texts_of(c, texts).get(article, "")]
    assert len(found) == 1, f"{len(found)} clusters hold {passage[:40]!r} in article {article}"
    return found[0]


def occurrence_in(cluster: Cluster, article: int):
    return next(o for o in cluster.occurrences if o.article == article)


def salad(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(FILLER, k=words))


class TestNormalizedWords:
    def test_it_lowercases_and_leaves_out_punctuation(self):
        words = normalized_words("“Hello, World!” she said.")
        assert [w.norm for w in words] == ["hello", "world", "she", "said"]

    def test_it_gives_each_words_offsets(self):
        text = "“Hello, World!” she said."
        assert [text[w.start : w.end] for w in normalized_words(text)] == ["Hello", "World", "she", "said"]

    def test_it_reads_curly_and_straight_apostrophes_alike(self):
        assert normalize_word("company’s") == normalize_word("company's") == normalize_word("companys")

    @pytest.mark.parametrize("form", ["U.S.", "U.S", "US", "USA", "U.S.A.", "u.s."])
    def test_it_writes_every_abbreviation_of_the_united_states_alike(self, form):
        assert [w.norm for w in normalized_words(f"the {form} government")] == ["the", "u.s.", "government"]

    @pytest.mark.parametrize("name", ["United States", "united states", "United States of America"])
    def test_it_reads_the_name_written_out_as_its_abbreviation(self, name):
        text = f"the {name} government"
        words = normalized_words(text)
        assert [w.norm for w in words] == ["the", "u.s.", "government"]
        assert text[words[1].start : words[1].end] == name

    def test_it_keeps_the_pronoun_us(self):
        assert [w.norm for w in normalized_words("Let us go, Us too")] == ["let", "us", "go", "us", "too"]

    def test_it_keeps_the_final_dot_of_an_abbreviation_in_its_offsets(self):
        text = "born in the U.S. The end"
        words = normalized_words(text)
        assert [text[w.start : w.end] for w in words] == ["born", "in", "the", "U.S.", "The", "end"]

    def test_it_keeps_decimals_and_leaves_out_the_currency_sign(self):
        assert [w.norm for w in normalized_words("a $19.4 million deal, 1,000 jobs")] == [
            "a",
            "19.4",
            "million",
            "deal",
            "1000",
            "jobs",
        ]

    def test_it_splits_words_at_hyphens_and_dashes(self):
        assert [w.norm for w in normalized_words("rank-and-file void—because")] == [
            "rank",
            "and",
            "file",
            "void",
            "because",
        ]

    def test_it_splits_words_run_together_at_a_full_stop(self):
        assert [w.norm for w in normalized_words("the end.The start")] == ["the", "end", "the", "start"]

    def test_it_finds_no_words_in_punctuation(self):
        assert normalized_words(" “—” ... !? \n\n") == []

    @given(st.text(alphabet="aUsS.,'’‘ -\n1$é", max_size=60))
    def test_it_gives_the_same_words_with_or_without_offsets(self, text):
        assert normalized_text(text) == [w.norm for w in normalized_words(text)]

    @given(st.text(alphabet="aUsSn.,'’‘ -\n19$éd", max_size=60))
    def test_it_gives_offsets_of_words_in_order(self, text):
        previous_end = 0
        for word in normalized_words(text):
            assert previous_end <= word.start < word.end <= len(text)
            assert text[word.start].isalnum() and (text[word.end - 1].isalnum() or text[word.end - 1] == ".")
            assert not any(char.isspace() for char in text[word.start : word.end])
            previous_end = word.end


class TestSharedPassagesInTheCorpus:
    def test_it_finds_the_blog_posts_phrase_in_the_four_articles_that_quote_it(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 0, BLOG_PHRASE, texts)
        found = texts_of(cluster, texts)
        assert BLOG_PHRASE not in texts[1]
        assert {0: found[0], 2: found[2], 3: found[3]} == {0: BLOG_PHRASE, 2: BLOG_PHRASE, 3: BLOG_PHRASE}
        # 004 quotes it in two pieces joined by "and": the same passage, reworded.
        assert found[4] == (
            "process data on edge devices’ and ‘utilize deep learning capabilities to accelerate facial "
            "recognition and identification"
        )
        assert not occurrence_in(cluster, 4).is_verbatim
        assert occurrence_in(cluster, 4).similarity > 0.9
        assert [o.article for o in cluster.occurrences] == [0, 2, 3, 4]

    def test_it_clusters_the_letters_sentence_with_its_shortened_quote(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 0, UNDERGIRDING, texts)
        assert texts_of(cluster, texts) == {0: UNDERGIRDING, 3: UNDERGIRDING_SHORT}
        assert occurrence_in(cluster, 0).is_verbatim != occurrence_in(cluster, 3).is_verbatim
        assert sorted(o.similarity for o in cluster.occurrences) == [pytest.approx(26 / 31, abs=1e-4), 1.0]

    def test_it_finds_the_sentence_002_copied_from_000(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 0, CRITICS, texts)
        assert texts_of(cluster, texts) == {0: CRITICS, 2: CRITICS}
        assert all(o.is_verbatim and o.similarity == 1.0 for o in cluster.occurrences)
        assert cluster.text == CRITICS

    def test_it_clusters_the_complicit_sentence_with_its_variant(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 1, COMPLICIT, texts)
        assert texts_of(cluster, texts) == {1: COMPLICIT, 3: COMPLICIT_003, 4: COMPLICIT}
        assert [o.is_verbatim for o in cluster.occurrences] == [True, False, True]
        assert cluster.text == COMPLICIT

    def test_it_reads_usa_as_us(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 0, NOT_WORKING, texts)
        found = texts_of(cluster, texts)
        assert found[0] == NOT_WORKING
        assert found[2] == NOT_WORKING.replace("U.S.", "USA")
        assert occurrence_in(cluster, 0).is_verbatim and occurrence_in(cluster, 2).is_verbatim
        # 004 quotes the end of the statement; "Microsoft is not working with" is too short alone.
        assert found[4] == "projects related to separating children from their families at the border"

    def test_it_finds_microsofts_statement_in_003_and_004(self):
        texts = corpus()
        cluster = cluster_with(corpus_clusters(), 3, DISMAYED, texts)
        found = texts_of(cluster, texts)
        assert found[3] == found[4] == DISMAYED
        # 002 quotes a part of it, which joins the passage.
        assert found[2] == "dismayed by the forcible separation of children from their families at the border"
        assert not occurrence_in(cluster, 2).is_verbatim

    def test_it_finds_these_eight_passages_and_no_others(self):
        found = [(tuple(o.article for o in c.occurrences), c.text.split()[:4]) for c in corpus_clusters()]
        assert found == [
            ((0, 2, 4), ["I", "want", "to", "be"]),
            ((0, 3), ["We", "are", "providing", "the"]),
            ((0, 2), ["The", "letter", "comes", "after"]),
            ((0, 2, 3, 4), ["process", "data", "on", "edge"]),
            ((1, 4), ["We", "are", "part", "of"]),
            ((1, 3, 4), ["As", "the", "people", "who"]),
            ((1, 4), ["Cancel", "the", "existing", "Azure"]),
            ((2, 3, 4), ["As", "a", "company,", "Microsoft"]),
        ]

    def test_it_makes_no_occurrence_shorter_than_shared_min_words(self):
        texts = corpus()
        for cluster in corpus_clusters():
            for o in cluster.occurrences:
                assert len(normalized_words(texts[o.article][o.start : o.end])) >= SHARED_MIN_WORDS

    def test_it_takes_offsets_relative_to_the_text_given(self):
        texts = dict(corpus())
        prefix = "A new first paragraph.\n\n"
        texts[2] = prefix + texts[2]
        moved = cluster_with(find_shared_passages(texts), 0, CRITICS, texts)
        before = cluster_with(corpus_clusters(), 0, CRITICS, corpus())
        assert occurrence_in(moved, 2).start == occurrence_in(before, 2).start + len(prefix)
        assert texts_of(moved, texts)[2] == CRITICS


class TestSharedPassagesAfterEdits:
    def test_it_still_clusters_a_passage_with_a_word_changed(self):
        texts = dict(corpus())
        edited = CRITICS.replace("critics", "activists")
        texts[2] = texts[2].replace(CRITICS, edited)
        cluster = cluster_with(find_shared_passages(texts), 0, CRITICS, texts)
        assert texts_of(cluster, texts) == {0: CRITICS, 2: edited}
        assert not all(o.is_verbatim for o in cluster.occurrences)
        assert min(o.similarity for o in cluster.occurrences) == pytest.approx(34 / 36, abs=1e-4)

    def test_it_drops_an_article_whose_copy_was_deleted(self):
        texts = dict(corpus())
        texts[3] = texts[3].replace(BLOG_PHRASE, "what it does")
        cluster = cluster_with(find_shared_passages(texts), 0, BLOG_PHRASE, texts)
        assert [o.article for o in cluster.occurrences] == [0, 2, 4]

    def test_it_drops_a_passage_left_in_one_article(self):
        texts = dict(corpus())
        texts[2] = texts[2].replace(CRITICS + ".", "")
        clusters = find_shared_passages(texts)
        assert not any(CRITICS in c.text for c in clusters)
        assert len(clusters) == len(corpus_clusters()) - 1


class TestSharedPassages:
    def test_it_finds_nothing_in_texts_sharing_only_common_phrases(self):
        texts = {
            1: "The company said the plan was on track. Officials met at the border on Monday, the "
            "company said, and the report was released at the end of the week.",
            2: "At the border, officials said nothing. The company said it would look again at the "
            "end of the week, when the report was released by the agency.",
        }
        assert find_shared_passages(texts) == []

    def test_it_finds_nothing_in_unrelated_word_salad(self):
        rng = random.Random(3)
        assert find_shared_passages({k: salad(rng, 400) for k in range(5)}) == []

    def test_it_finds_nothing_in_fewer_than_two_texts(self):
        assert find_shared_passages({}) == []
        assert find_shared_passages({1: CRITICS}) == []

    def test_it_orders_occurrences_and_clusters_by_the_order_of_the_texts(self):
        rng = random.Random(4)
        first, second = salad(rng, 20), salad(rng, 20)
        texts = {9: f"{COMPLICIT}. {first} {UNDERGIRDING}.", 2: f"{UNDERGIRDING}. {second} {COMPLICIT}."}
        clusters = find_shared_passages(texts)
        assert [[o.article for o in c.occurrences] for c in clusters] == [[9, 2], [9, 2]]
        assert [c.text for c in clusters] == [COMPLICIT, UNDERGIRDING]

    def test_it_keeps_apart_passages_side_by_side_in_two_articles_and_apart_in_a_third(self):
        between = salad(random.Random(10), 40)
        texts = {
            1: f"{COMPLICIT}. {CRITICS}.",
            2: f"Lead. {COMPLICIT}. {CRITICS}.",
            3: f"{CRITICS}. {between}. {COMPLICIT}.",
        }
        clusters = find_shared_passages(texts)
        assert [texts_of(c, texts) for c in clusters] == [
            {1: COMPLICIT, 2: COMPLICIT, 3: COMPLICIT},
            {1: CRITICS, 2: CRITICS, 3: CRITICS},
        ]

    def test_it_joins_two_parts_of_a_passage_close_together(self):
        # Eleven words put in between: too many for one alignment, few enough for one passage.
        lengthened = DISMAYED.replace(
            ". Family", ". Eleven words that no other outlet wrote go right in here. Family"
        )
        texts = {1: f"{DISMAYED}.", 2: f"{lengthened}.", 3: f"{DISMAYED}."}
        [cluster] = find_shared_passages(texts)
        assert texts_of(cluster, texts) == {1: DISMAYED, 2: lengthened, 3: DISMAYED}

    def test_it_keeps_one_occurrence_per_article_the_longest(self):
        between = salad(random.Random(9), 30)
        texts = {1: f"{DISMAYED}. {between}. Then: {DISMAYED.split('.')[0]}.", 2: f"He said: {DISMAYED}."}
        [cluster] = find_shared_passages(texts)
        assert texts_of(cluster, texts) == {1: DISMAYED, 2: DISMAYED}

    def test_it_keeps_a_passage_under_eight_words_out(self):
        texts = {
            1: "Lead. the seven word phrase is here now. Tail.",
            2: "Start. the seven word phrase is here now. End.",
        }
        assert len(normalized_words("the seven word phrase is here now")) == SHARED_MIN_WORDS - 1
        assert find_shared_passages(texts) == []

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_it_keeps_its_promises_for_any_story(self, data):
        rng = random.Random(data.draw(st.integers(0, 10_000)))
        passages = [UNDERGIRDING, CRITICS, COMPLICIT, DISMAYED]
        keys = data.draw(st.lists(st.integers(-5, 50), min_size=2, max_size=5, unique=True))
        texts, unedited = {}, {passage: [] for passage in passages}
        for key in keys:
            parts = [salad(rng, rng.randint(0, 30))]
            for passage in rng.sample(passages, rng.randint(0, 3)):
                words, edit = passage.split(), rng.choice(["change", "drop", "add", "none", "none"])
                spot = rng.randrange(len(words))
                if edit == "change":
                    words[spot] = rng.choice(["new", "other", "U.S.", "USA"])
                elif edit == "drop":
                    del words[spot]
                elif edit == "add":
                    words.insert(spot, rng.choice(FILLER))
                else:
                    unedited[passage].append(key)
                parts += [" ".join(words) + ".", salad(rng, rng.randint(0, 10))]
            texts[key] = "\n\n".join(p for p in parts if p)
        clusters = find_shared_passages(texts)
        for passage, carriers in unedited.items():
            if len(carriers) >= 2:  # found, whole, in every article that has it unedited
                cluster = cluster_with(clusters, carriers[0], passage, texts)
                assert all(passage in texts_of(cluster, texts).get(key, "") for key in carriers)
        sort_keys = []
        for cluster in clusters:
            articles = [o.article for o in cluster.occurrences]
            assert len(set(articles)) == len(articles) >= 2
            assert articles == sorted(articles, key=keys.index)
            for o in cluster.occurrences:
                text = texts[o.article]
                assert 0 <= o.start < o.end <= len(text)
                assert text[o.start].isalnum() and (text[o.end - 1].isalnum() or text[o.end - 1] == ".")
                assert len(normalized_words(text[o.start : o.end])) >= SHARED_MIN_WORDS
                assert 0.0 <= o.similarity <= 1.0
                assert not o.is_verbatim or o.similarity == 1.0
            representatives = [
                o for o in cluster.occurrences if texts[o.article][o.start : o.end] == cluster.text
            ]
            assert any(o.is_verbatim for o in representatives)
            sort_keys.append((keys.index(articles[0]), cluster.occurrences[0].start))
        assert sort_keys == sorted(sort_keys)


class TestUnsharedShare:
    def test_it_is_one_without_spans(self):
        assert unshared_share("one two", []) == 1.0

    def test_it_is_zero_when_spans_cover_the_text(self):
        assert unshared_share("one two", [(0, 3), (4, 7)]) == 0.0

    def test_it_counts_overlapping_spans_once(self):
        assert unshared_share("abcdefghij", [(0, 4), (2, 6), (3, 5)]) == 0.4

    def test_it_counts_no_spaces(self):
        assert unshared_share("ab cd\n\nef", [(0, 5)]) == pytest.approx(1 / 3)

    def test_it_clips_spans_outside_the_text_and_ignores_empty_ones(self):
        assert unshared_share("abcd", [(-5, 1), (3, 99), (2, 2), (3, 1)]) == 0.5

    def test_it_is_zero_for_a_blank_text(self):
        assert unshared_share(" \n\n ", [(0, 1)]) == 0.0

    @given(
        st.text(alphabet="ab \n", max_size=40),
        st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=6),
    )
    def test_it_agrees_with_counting_character_by_character(self, text, spans):
        counted = [k for k, char in enumerate(text) if not char.isspace()]
        uncovered = [k for k in counted if not any(start <= k < end for start, end in spans)]
        assert unshared_share(text, spans) == pytest.approx(len(uncovered) / len(counted) if counted else 0.0)

    def test_it_rates_an_article_made_of_anothers_sentences_low(self):
        rng = random.Random(5)
        original = f"{CRITICS}. {salad(rng, 30)}. {UNDERGIRDING}. {DISMAYED}. {salad(rng, 30)}."
        copier = f"{UNDERGIRDING}. {CRITICS}. {DISMAYED}. Its own words."
        independent = "An article about something else altogether, in its own words from start to end."
        texts = {1: original, 2: copier, 3: independent}
        clusters = find_shared_passages(texts)
        shares = {k: unshared_share(t, spans_of(clusters, k)) for k, t in texts.items()}
        assert shares[2] < 0.1 < 0.3 < shares[1] < shares[3] == 1.0

    def test_it_rates_the_article_quoting_the_letter_at_length_lowest_in_the_corpus(self):
        texts = corpus()
        shares = {k: unshared_share(t, spans_of(corpus_clusters(), k)) for k, t in texts.items()}
        # 001 (TheBlaze) quotes three passages of the employees' letter that 004 quotes too. 002
        # copies two of 000's sentences, one of them The Hill's own, without quote marks, but most
        # of 002 is its own text, so it shares less of itself than any other article.
        assert min(shares, key=shares.get) == 1
        assert shares[1] < 0.74
        assert max(shares, key=shares.get) == 2
        assert shares[2] > 0.82


def spans_of(clusters, article: int) -> list[tuple[int, int]]:
    return [(o.start, o.end) for c in clusters for o in c.occurrences if o.article == article]


def article_words(rng: random.Random, vocabulary: list[str], paragraphs: int, size: int) -> list[list[str]]:
    return [rng.choices(vocabulary, k=size) for _ in range(paragraphs)]


def as_text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(words) for words in paragraphs)


class TestNearDuplicates:
    VOCABULARY = [f"word{k}" for k in range(3000)] + FILLER

    def make_corpus(self, size: int, planted: dict[int, int], rng: random.Random):
        """Articles 0..size-1; article b of each planted pair copies a, one word changed per paragraph."""
        originals = {}
        for key in range(size):
            if key in planted:
                paragraphs = [list(words) for words in originals[planted[key]]]
                for words in paragraphs:
                    words[rng.randrange(len(words))] = "changed"
            else:
                paragraphs = article_words(rng, self.VOCABULARY, 3, 120)
            if key in planted.values():
                originals[key] = paragraphs
            yield key, as_text(paragraphs)

    def test_it_finds_exactly_the_planted_pairs_among_2000_articles(self):
        planted = {1500: 3, 1999: 700, 800: 799, 1200: 42, 1201: 1100}  # copy: original
        pairs = near_duplicates(self.make_corpus(2000, planted, random.Random(6)))
        assert [(a, b) for a, b, _ in pairs] == sorted((a, b) for b, a in planted.items())
        assert all(0.8 <= estimate <= 1.0 for _, _, estimate in pairs)

    def test_it_finds_exactly_the_copies_among_2000_short_texts(self):
        # How long 20,000 short texts take, without comparing all pairs: bench/comparison_bench.py.
        rng = random.Random(7)
        texts = [" ".join(rng.choices(self.VOCABULARY, k=20)) for _ in range(2_000)]
        texts[1_500] = texts[10].upper().replace(" ", ", ")
        texts[1_999] = texts[1_234]
        pairs = near_duplicates(enumerate(texts))
        assert pairs == [(10, 1_500, 1.0), (1_234, 1_999, 1.0)]

    def test_it_finds_a_fixture_rewritten_with_straight_quotes_and_nothing_else(self):
        texts = corpus()
        rewritten = texts[4].replace("’", "'").replace("“", '"').replace("”", '"')
        pairs = near_duplicates([*texts.items(), (99, rewritten)])
        assert pairs == [(4, 99, 1.0)]

    def test_it_puts_the_smaller_key_first(self):
        text = as_text(article_words(random.Random(8), self.VOCABULARY, 2, 50))
        assert near_duplicates([(5, text), (2, text)]) == [(2, 5, 1.0)]

    def test_it_leaves_texts_without_words_out(self):
        assert near_duplicates([(1, ""), (2, " — "), (3, "")]) == []

    def test_it_refuses_a_key_given_twice(self):
        with pytest.raises(ValueError, match="article 1 is given twice"):
            near_duplicates([(1, "one text"), (1, "another text")])

    def test_it_reads_the_texts_as_a_stream(self):
        def stream():
            for key in range(3):
                yield key, CRITICS.upper() if key == 1 else CRITICS

        assert near_duplicates(stream()) == [(0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0)]


class TestShingleHashes:
    def test_it_hashes_texts_with_the_same_normalised_words_alike(self):
        assert (
            shingle_hashes("The U.S. company’s plan, again.").tolist()
            == shingle_hashes("the USA companys plan again").tolist()
        )

    def test_it_changes_five_shingles_for_one_word_changed(self):
        words = [f"w{k}" for k in range(40)]
        changed = list(words)
        changed[20] = "other"
        before, after = (
            set(shingle_hashes(" ".join(words)).tolist()),
            set(shingle_hashes(" ".join(changed)).tolist()),
        )
        assert len(before) == len(after) == 36
        assert len(before - after) == 5

    def test_it_hashes_a_text_shorter_than_a_shingle_whole(self):
        assert len(shingle_hashes("two words")) == 1
        assert len(shingle_hashes("")) == 0


# Wire copy and reported speech in a story's comparison -----------------------------------------

WIRE = (
    "LONDON (Reuters) - The central bank raised its main interest rate by half a point to a "
    "fifteen-year high on Thursday in a move that surprised markets and pushed the pound higher."
)
DEMANDS = (
    "The union demanded higher pay for all nurses, shorter hours on night shifts and an end to "
    "the use of agency staff in every hospital of the region."
)


def compared(*articles: tuple[str, tuple[str, ...]]):
    texts = [
        ArticleText(n, f"t{n}", f"Outlet {n}", f"/a/{n}", body, agencies)
        for n, (body, agencies) in enumerate(articles)
    ]
    return {article.id: article for article in compare_articles("story", texts).articles}


class TestWireAndReportedSpeech:
    def test_it_labels_text_shared_by_articles_crediting_one_agency_as_wire_copy(self):
        articles = compared(
            (WIRE + " Other words here.", ("Reuters",)),
            ("Markets moved. " + WIRE, ("Reuters", "AFP")),
        )
        for article, other in ((0, 1), (1, 0)):
            assert not articles[article].repeats_others
            assert articles[article].wire_share > 0.5
            (wire,) = articles[article].wire
            assert (wire.agency, wire.articles, wire.labels) == ("Reuters", [other], [f"Outlet {other}"])

    def test_it_flags_an_article_repeating_wire_text_it_does_not_credit(self):
        articles = compared((WIRE, ("Reuters",)), ("Markets moved. " + WIRE, ()))
        assert articles[1].repeats_others and articles[1].wire == []
        assert articles[0].repeats_others  # nothing tells it had the text first

    def test_it_does_not_take_reported_speech_for_copying(self):
        articles = compared((DEMANDS + " Talks resume.", ()), ("Nurses marched. " + DEMANDS, ()))
        assert [article.copied_share for article in articles.values()] == [0.0, 0.0]

    def test_it_reads_its_own_record_back(self):
        texts = [
            ArticleText(0, "a", "A", "/a", WIRE, ("Reuters",)),
            ArticleText(1, "b", "B", "/b", WIRE, ("Reuters",)),
        ]
        record = compare_articles("story", texts)
        assert Comparison.from_json(record.to_json()) == record


# Copying needs an amount of text; passages cut inside a quotation --------------------------------

OPENING = "The city council has approved a new budget"  # 8 words, as many outlets open


class TestCopyingAndQuotedPassages:
    def test_it_does_not_flag_a_short_article_for_one_common_opening(self):
        articles = compared(
            (OPENING + " after a long night of debate. Critics called it rushed and unfair to renters.", ()),
            (OPENING + ". The vote was close, with seven members in favour and six against it.", ()),
        )
        assert articles[1].copied_share >= REPEATS_FROM
        assert articles[1].copied_words < REPEATS_MIN_WORDS
        assert not articles[1].repeats_others

    def test_it_flags_a_short_article_that_repeats_a_whole_sentence(self):
        articles = compared((WIRE + " Other words here.", ()), ("Markets moved. " + WIRE, ()))
        assert articles[1].copied_words >= REPEATS_MIN_WORDS and articles[1].repeats_others

    def test_it_shows_a_passage_cut_inside_a_quotation_with_its_quotation_marks_paired(self):
        spoken = "We will not stop until every family has a home again,"
        texts = [
            ArticleText(0, "a", "A", "/a", f'"{spoken}" Mayor Anna Berg told reporters on Monday.'),
            ArticleText(1, "b", "B", "/b", f'Crews worked late. "{spoken}" Mayor Anna Berg said later.'),
        ]
        (passage,) = compare_articles("story", texts).passages
        assert passage.text.startswith("We will") and passage.text.count('"') == 1  # the record as found
        assert passage.shown_text == '"' + passage.text

    def test_it_pairs_quotation_marks_where_a_passage_starts_or_ends_inside_a_quotation(self):
        assert paired_quotes("the road,” she said") == "“the road,” she said"
        assert paired_quotes('she said: "We go on') == 'she said: "We go on"'
        assert paired_quotes('He said "no" twice') == 'He said "no" twice'


# A story with more passages than a record lists ----------------------------------------------------

# Passages and the articles that carry them; each article says something of its own between them.
CARRIED = {
    CRITICS: [0, 1],
    NOT_WORKING: [0, 1, 2, 3],
    COMPLICIT: [1, 2, 3],
    DISMAYED: [2, 3],
}


def carrying_story() -> list[ArticleText]:
    rng = random.Random(3)
    bodies = []
    for article in range(4):
        paragraphs = [salad(rng, 30)]
        for passage, carriers in CARRIED.items():
            if article in carriers:
                paragraphs += [passage + ".", salad(rng, 30)]
        bodies.append("\n\n".join(paragraphs))
    return [ArticleText(n, f"t{n}", f"Outlet {n}", f"/a/{n}", body) for n, body in enumerate(bodies)]


class TestListedPassages:
    def test_it_lists_every_passage_of_a_story_with_few(self):
        record = compare_articles("story", carrying_story())
        assert [len(passage.occurrences) for passage in record.passages] == [2, 4, 3, 2]
        assert record.more_passages == 0

    def test_it_lists_the_most_shared_passages_in_their_order_and_says_how_many_more(self, monkeypatch):
        whole = compare_articles("story", carrying_story())
        monkeypatch.setattr("articles.text.comparison.MAX_PASSAGES", 2)
        record = compare_articles("story", carrying_story())
        widest = [whole.passages[1].text, whole.passages[2].text]  # in 4 and 3 articles; the others in 2
        assert [passage.text for passage in record.passages] == widest
        assert [passage.id for passage in record.passages] == [1, 2]
        assert record.more_passages == 2
        assert record.articles == whole.articles  # shares count the passages not listed too
        assert Comparison.from_json(record.to_json()) == record
