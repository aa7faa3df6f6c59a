"""Quotes and numeric facts across outlets: pure functions, tried on the real corpus first."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.text.facts import ALIGN_TOLERANCE, KINDS, QUALIFIERS, Fact, align_facts, differs, find_facts
from articles.text.quotes import QUOTE_MIN_WORDS, Quote, find_quotes, group_quotes, statement_texts
from tests.base import corpus


def corpus_quotes() -> list[Quote]:
    return [quote for article, body in corpus().items() for quote in find_quotes(article, body)]


def corpus_facts() -> list[Fact]:
    return [fact for article, body in corpus().items() for fact in find_facts(article, body)]


def quote_starting(article: int, words: str) -> Quote:
    """The one quote of a corpus article that starts with words."""
    (quote,) = [quote for quote in find_quotes(article, corpus()[article]) if quote.text.startswith(words)]
    return quote


def assert_quote(article: int, expected: str, speaker: str | None) -> Quote:
    """The corpus article quotes exactly expected, at its place in the text, from speaker."""
    body = corpus()[article]
    quote = quote_starting(article, expected[:30])
    assert (quote.text, quote.speaker) == (expected, speaker)
    assert (quote.start, quote.end) == (body.index(expected), body.index(expected) + len(expected))
    assert body[quote.start : quote.end] == expected
    return quote


def facts_of(article: int, kind: str) -> list[tuple[str, float | str, str | None, str]]:
    """What a corpus article states of one kind: phrase as written, value, qualifier, subject."""
    body = corpus()[article]
    return [
        (body[fact.start : fact.end], fact.value, fact.qualifier, fact.subject)
        for fact in find_facts(article, body)
        if fact.kind == kind
    ]


def group_with(groups: list[list], article: int, words: str) -> list:
    (group,) = [g for g in groups if any(q.article == article and q.text.startswith(words) for q in g)]
    return group


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(quote.text, quote.speaker) for quote in find_quotes(1, text)]


# Quotes in the corpus -------------------------------------------------------------------------


def test_it_attributes_a_quote_to_the_name_after_it():
    assert_quote(0, "Microsoft is a company of immigrants in a nation of immigrants", "Smith")


def test_it_leaves_the_comma_before_the_closing_mark_out_of_the_quote():
    assert_quote(1, "As both a parent and an immigrant, this issue touches me personally", "Nadella")


def test_it_reads_an_attribution_after_a_straight_closing_mark():
    assert_quote(
        2,
        "Any engagement with any government has been and will be guided by our ethics and principles",
        "Nadella",
    )


def test_it_resolves_they_to_the_group_named_before():
    # "employees said ..." in the paragraph before, then "“...,” they wrote."
    assert_quote(
        0,
        "We are providing the technical undergirding in support of an agency that is actively enforcing "
        "this inhumane policy",
        "the employees",
    )


def test_it_takes_a_common_noun_speaker_with_its_article():
    assert_quote(
        3,
        "We are providing the technical undergirding of an agency enforcing this inhumane policy",
        "the letter",
    )


def test_it_resolves_he_to_the_person_introduced_with_a_title():
    # "CEO Satya Nadella" ... "Nadella in a statement" ... "“...,” he said in the prepared statement."
    assert_quote(
        3,
        "As a company, Microsoft is dismayed by the forcible separation of children from their families at "
        "the border. Family unification has been a fundamental tenet of American policy and law since the "
        "end of World War II",
        "Nadella",
    )


def test_it_keeps_single_quotes_inside_a_double_quote_in_one_quote():
    quote = assert_quote(
        4,
        "In a clear abdication of ethical responsibility, Microsoft went as far as boasting that its "
        "services ‘support the core [ICE] agency functions’ and enable ICE agents to ‘process data on edge "
        "devices’ and ‘utilize deep learning capabilities to accelerate facial recognition and "
        "identification,'",
        "the letter",
    )
    inside = [q for q in find_quotes(4, corpus()[4]) if quote.start <= q.start < quote.end and q != quote]
    assert inside == []


def test_it_never_starts_a_quote_at_an_apostrophe():
    for quote in corpus_quotes():
        body = corpus()[quote.article]
        assert body[quote.start - 1] in '“"‘', quote
    assert not any("Merica" in quote.text for quote in corpus_quotes())
    assert (
        find_quotes(1, "Microsoft’s employees don’t agree, and neither do its critics’ friends. ’Merica!")
        == []
    )


def test_it_takes_the_speaker_from_just_before_the_quote():
    assert_quote(
        2, "dismayed by the forcible separation of children from their families at the border", "Microsoft"
    )
    assert_quote(2, "cancel its contracts", "the letter")


def test_it_takes_the_source_named_with_according_to():
    assert quote_starting(0, "process data on edge devices").speaker == "the post"


def test_it_carries_the_speaker_into_the_quote_that_continues():
    assert quote_starting(0, "Our current cloud engagement").speaker == "the letter"
    assert quote_starting(1, "That means standing with every immigrant").speaker == "Nadella"
    assert quote_starting(4, "These are powerful capabilities").speaker == "the letter"
    assert quote_starting(4, "As the people who build").speaker == "the employees"


def test_it_leaves_the_speaker_unknown_when_the_text_does_not_say():
    assert quote_starting(2, "We will continue to have this dialogue").speaker is None
    assert quote_starting(4, "putting children and families above profits").speaker is None


def test_it_skips_scare_quotes_and_titles():
    texts = [quote.text for quote in corpus_quotes()]
    for short in ["zero tolerance", "Microsoft employees", "Never Again", "complicit"]:
        assert not any(text.startswith(short) for text in texts)
    assert not any(text.startswith("My views on U.S. immigration policy") for text in texts)  # "titled"
    assert "not go far enough." in texts  # four words: a fragment of the letter, kept


def test_it_finds_every_quote_of_the_corpus_with_its_speaker():
    found = [(quote.article, quote.text[:24], quote.speaker) for quote in corpus_quotes()]
    assert found == [
        (0, "Microsoft is a company o", "Smith"),
        (0, "I want to be clear: Micr", "the letter"),
        (0, "Our current cloud engage", "the letter"),
        (0, "not go far enough.", None),
        (0, "We are providing the tec", "the employees"),
        (0, "process data on edge dev", "the post"),
        (1, "We are part of a growing", "the letter"),
        (1, "As the people who build ", "the letter"),
        (1, "As both a parent and an ", "Nadella"),
        (1, "We will always stand for", "Nadella"),
        (1, "That means standing with", "Nadella"),
        (2, "dismayed by the forcible", "Microsoft"),
        (2, "cancel its contracts", "the letter"),
        (2, "Any engagement with any ", "Nadella"),
        (2, "We will continue to have", None),
        (3, "As the people that build", "the employees"),
        (3, "process data on edge dev", None),
        (3, "We are providing the tec", "the letter"),
        (3, "As a company, Microsoft ", "Nadella"),
        (4, "putting children and fam", None),
        (4, "ICE’s decision to accele", "Microsoft"),
        (4, "The agency is currently ", "Microsoft"),
        (4, "In a clear abdication of", "the letter"),
        (4, "These are powerful capab", "the letter"),
        (4, "We request that Microsof", "the employees"),
        (4, "As the people who build ", "the employees"),
        (4, "Microsoft is not working", "the post"),
        (4, "As a company, Microsoft ", "the post"),
        (4, "ensure that children who", None),
        (4, "target individuals based", None),
        (4, "get woke, go broke", None),
    ]


# Quotes in made-up text -----------------------------------------------------------------------


def test_it_finds_nothing_in_empty_text():
    assert find_quotes(1, "") == []


def test_it_drops_a_quote_that_is_never_closed():
    assert find_quotes(1, "“This one never closes, and the paragraph just ends") == []
    text = "“This one never closes. Then “this one does close properly,” she said."
    assert [quote.text for quote in find_quotes(1, text)] == ["this one does close properly"]


def test_it_does_not_let_a_quote_cross_a_paragraph():
    assert find_quotes(1, "“It starts in one paragraph\n\nand ends in the next,” he said.") == []


def test_it_accepts_mismatched_double_marks():
    text = '“Curly open and straight close,” and "straight open then curly close”.'
    assert [quote.text for quote in find_quotes(1, text)] == [
        "Curly open and straight close",
        "straight open then curly close",
    ]


def test_it_finds_curly_single_quotes_used_as_quotation_marks():
    text = "The memo called it ‘a moral failure of the first order’ and moved on, but don’t worry."
    (quote,) = find_quotes(1, text)
    assert text[quote.start : quote.end] == "a moral failure of the first order"


def test_it_keeps_double_quotes_inside_single_quotes_in_one_quote():
    text = "‘They called it “a total disaster for everyone” yesterday,’ she wrote."
    assert [quote.text for quote in find_quotes(1, text)] == [
        "They called it “a total disaster for everyone” yesterday"
    ]


def test_it_does_not_let_slang_swallow_a_later_quote():
    text = "Because ‘Merica, and “we refuse to be complicit,” the employees wrote."
    assert speakers(text) == [("we refuse to be complicit", "the employees")]


def test_it_reads_attributions_in_both_orders():
    assert speakers('"We will fight this all the way," said President Brad Smith.') == [
        ("We will fight this all the way", "Smith")
    ]
    assert speakers("“We will fight this all the way,” Microsoft spokesman Frank Shaw told reporters.") == [
        ("We will fight this all the way", "Shaw")
    ]


def test_it_does_not_take_the_next_sentence_for_an_attribution():
    text = "“We will not back down from this.” The company urged calm on Friday."
    assert speakers(text) == [("We will not back down from this.", None)]


def test_it_leaves_a_pronoun_it_cannot_resolve_unknown():
    assert speakers("The rally went on.\n\n“We will keep going no matter what,” he said.") == [
        ("We will keep going no matter what", None)
    ]
    assert speakers("Director Jane Doe spoke first.\n\n“We will keep going no matter what,” she said.") == [
        ("We will keep going no matter what", "Doe")
    ]


def test_it_looks_for_a_pronoun_s_person_only_in_nearby_paragraphs():
    text = "\n\n".join(
        ["CEO Jane Doe spoke.", "Lunch was served.", "Then it rained.", "“We go on now,” she said."]
    )
    assert speakers(text) == [("We go on now", None)]


def test_it_keeps_quotes_of_at_least_the_minimum_words():
    words = ["one", "two", "three", "four"]
    short = " ".join(words[: QUOTE_MIN_WORDS - 1])
    long = " ".join(words[:QUOTE_MIN_WORDS])
    assert [quote.text for quote in find_quotes(1, f"A “{short}” and a “{long}” here.")] == [long]


# Grouping quotes ------------------------------------------------------------------------------


def test_it_groups_the_complicit_statement_across_three_outlets():
    group = group_with(group_quotes(corpus_quotes()), 3, "As the people that build the products")
    assert [(quote.article, quote.text[:28]) for quote in group] == [
        (1, "As the people who build the "),
        (3, "As the people that build the"),
        (4, "As the people who build the "),
    ]


def test_it_groups_the_undergirding_statement():
    group = group_with(group_quotes(corpus_quotes()), 3, "We are providing")
    assert [(quote.article, quote.speaker) for quote in group] == [(0, "the employees"), (3, "the letter")]


def test_it_groups_a_fragment_with_the_full_statement():
    group = group_with(group_quotes(corpus_quotes()), 2, "dismayed by the forcible separation")
    assert [(quote.article, quote.speaker) for quote in group] == [
        (2, "Microsoft"),
        (3, "Nadella"),
        (4, "the post"),
    ]


def test_it_puts_a_quote_of_two_statements_in_both_groups():
    groups = group_quotes(corpus_quotes())
    both = quote_starting(4, "As the people who build")
    movement = group_with(groups, 1, "We are part of a growing movement")
    complicit = group_with(groups, 1, "As the people who build")
    assert movement != complicit
    assert both in movement and both in complicit


def test_it_names_each_statement_by_its_own_words_not_by_a_quote_of_two():
    groups = group_quotes(corpus_quotes())
    texts = statement_texts(groups)
    assert len(set(texts)) == len(texts)
    movement = texts[groups.index(group_with(groups, 1, "We are part of a growing movement"))]
    complicit = texts[groups.index(group_with(groups, 1, "As the people who build"))]
    assert movement.startswith("We are part of a growing movement") and "complicit" not in movement
    assert complicit.startswith("As the people who build") and "growing movement" not in complicit


def test_it_names_a_statement_whose_every_quote_says_more_by_the_sentence_they_share():
    # Article 1 quotes the first two sentences, article 2 the last two, 3 and 4 one each.
    first, second, third = "One two three four.", "Five six seven eight.", "Nine ten eleven twelve."
    quotes = [
        Quote(1, 0, 41, f"{first} {second}", None),
        Quote(2, 0, 45, f"{second} {third}", None),
        Quote(3, 0, 19, first, None),
        Quote(4, 0, 22, third, None),
    ]
    groups = group_quotes(quotes)
    assert sorted(statement_texts(groups)) == sorted([first, second, third])


def test_it_lists_the_corpus_groups_most_articles_first():
    groups = group_quotes(corpus_quotes())
    shared = [[(quote.article, quote.text[:20]) for quote in group] for group in groups if len(group) > 1]
    assert shared == [
        [(0, "process data on edge"), (3, "process data on edge"), (4, "In a clear abdicatio")],
        [(1, "As the people who bu"), (3, "As the people that b"), (4, "As the people who bu")],
        [(2, "dismayed by the forc"), (3, "As a company, Micros"), (4, "As a company, Micros")],
        [(0, "I want to be clear: "), (4, "Microsoft is not wor")],
        [(0, "We are providing the"), (3, "We are providing the")],
        [(1, "We are part of a gro"), (4, "As the people who bu")],
        [(2, "cancel its contracts"), (4, "We request that Micr")],
    ]
    counts = [len({quote.article for quote in group}) for group in groups]
    assert counts == sorted(counts, reverse=True)


def test_it_keeps_every_quote_in_some_group():
    quotes = corpus_quotes()
    groups = group_quotes(quotes)
    assert {quote for group in groups for quote in group} == set(quotes)
    assert [quote_starting(0, "Microsoft is a company")] in groups


def test_it_does_not_group_quotes_that_share_only_common_words():
    first = find_quotes(1, "“We are proud of the work that we do here,” Smith said.")
    second = find_quotes(2, "“We are going to the store and then we go home,” Doe said.")
    assert group_quotes(first + second) == [first, second]


def test_it_groups_nothing_out_of_nothing():
    assert group_quotes([]) == []


# Facts in the corpus --------------------------------------------------------------------------


def test_it_finds_the_signatory_counts_as_each_outlet_writes_them():
    assert [facts_of(article, "count") for article in range(5)] == [
        [("more than 100 Microsoft employees", 100.0, "more than", "employees")],
        [
            ("More than 100 employees", 100.0, "more than", "employees"),
            ("three requests", 3.0, None, "requests"),  # numbers are written in words too
        ],
        [],
        [("About 100 Microsoft employees", 100.0, "about", "employees")],
        [
            ("Nearly 100 Microsoft employees", 100.0, "nearly", "employees"),
            ("Three things", 3.0, None, "things"),
            ("200 employees", 200.0, None, "employees"),  # the hypothetical, see below
        ],
    ]


def test_it_finds_the_contract_amounts():
    assert [facts_of(article, "money") for article in range(5)] == [
        [],
        [("more than $19 million", 19_000_000.0, "more than", "contract")],  # "a contract ... worth"
        [],
        [("$19.4 million contract", 19_400_000.0, None, "contract")],
        [
            ("$19.4 million contract", 19_400_000.0, None, "contract"),
            ("$19.4 million contract", 19_400_000.0, None, "contract"),
            ("$100k salaries", 100_000.0, None, "salaries"),
        ],
    ]


def test_it_finds_offsets_of_the_phrase_as_written():
    body = corpus()[0]
    (fact,) = [fact for fact in find_facts(0, body) if fact.kind == "count"]
    phrase = "more than 100 Microsoft employees"
    assert (fact.start, fact.end) == (body.index(phrase), body.index(phrase) + len(phrase))


def test_it_aligns_the_signatory_counts_and_sees_they_differ():
    groups = align_facts(corpus_facts())
    signatories = groups[0]
    assert [(fact.article, fact.qualifier) for fact in signatories] == [
        (0, "more than"),
        (1, "more than"),
        (3, "about"),
        (4, "nearly"),
    ]
    assert differs(signatories)


def test_it_aligns_the_contract_amounts_and_sees_they_differ():
    groups = align_facts(corpus_facts())
    assert len(groups) == 2
    contract = groups[1]
    assert {fact.subject for fact in contract} == {"contract"}
    assert [(fact.article, fact.value) for fact in contract] == [
        (1, 19_000_000.0),
        (3, 19_400_000.0),
        (4, 19_400_000.0),
        (4, 19_400_000.0),
    ]
    assert differs(contract)


def test_it_does_not_align_the_hypothetical_200_employees_with_the_signatories():
    hypothetical = [fact for fact in corpus_facts() if fact.value == 200.0]
    assert len(hypothetical) == 1
    assert not any(hypothetical[0] in group for group in align_facts(corpus_facts()))


def test_it_does_not_count_a_war_or_a_history():
    body = corpus()[4]
    for phrase in ["World War II", "20-year history"]:
        at = body.index(phrase)
        assert not [fact for fact in find_facts(4, body) if fact.start < at + len(phrase) and at < fact.end]
    assert find_facts(1, "since the end of World War II and a 20-year history of work") == []


def test_it_keeps_weekdays_as_text_about_the_nearest_event():
    assert facts_of(3, "date") == [
        ("Tuesday", "Tuesday", None, "letter"),
        ("Tuesday", "Tuesday", None, "statement"),
        ("Wednesday", "Wednesday", None, "order"),
    ]


# Facts in made-up text ------------------------------------------------------------------------


def test_it_reads_the_headline_form_of_an_amount():
    text = "Microsoft Employees Demand Cancelation of $19.4M ICE Contract over Trump Border Policy"
    (fact,) = find_facts(1, text)
    assert (text[fact.start : fact.end], fact.value, fact.subject) == (
        "$19.4M ICE Contract",
        19_400_000.0,
        "contract",
    )


def test_it_reads_numbers_with_thousands_separators_and_scales():
    text = "It paid $1.5 billion to 1,000 employees and $250,000 in fees, or $100k salaries."
    found = [(text[fact.start : fact.end], fact.kind, fact.value) for fact in find_facts(1, text)]
    assert found == [
        ("$1.5 billion", "money", 1_500_000_000.0),
        ("1,000 employees", "count", 1000.0),
        ("$250,000 in fees", "money", 250_000.0),  # what an amount is in or for is its subject
        ("$100k salaries", "money", 100_000.0),
    ]


def test_it_finds_percentages_as_their_own_kind():
    found = [
        (fact.kind, fact.value, fact.subject)
        for fact in find_facts(1, "Some 3.5% of workers quit; sales rose 40 percent.")
    ]
    assert found == [("percent", 3.5, "workers"), ("percent", 40.0, "sales")]


def test_it_reads_explicit_dates():
    text = "On June 20, 2018, on 20 June 2018, on 2018-06-20, on Jun. 19 and on February 30, 2018."
    assert [fact.value for fact in find_facts(1, text)] == [
        "2018-06-20",
        "2018-06-20",
        "2018-06-20",
        "--06-19",
    ]


def test_it_skips_years_durations_and_bare_numbers():
    text = "In 2018 Microsoft employees waited six months, then 3 years, for 12 of them. Item 1. Cancel it."
    assert find_facts(1, text) == []


def test_it_normalises_qualifiers():
    first = find_facts(1, "Over 100 employees signed it.")
    second = find_facts(2, "More than 100 employees signed it.")
    third = find_facts(3, "Almost 100 employees signed it.")
    assert [fact.qualifier for fact in first + second + third] == ["more than", "more than", "nearly"]
    assert set(QUALIFIERS.values()) == {"more than", "about", "nearly", "at least", "fewer than", "up to"}
    (group,) = align_facts(first + second)
    assert not differs(group)
    (group,) = align_facts(first + third)
    assert differs(group)


def test_it_aligns_counts_within_the_tolerance_only():
    hundred = find_facts(1, "About 100 employees signed.")
    near = find_facts(2, f"{100 * (1 + ALIGN_TOLERANCE) - 1:.0f} employees signed.")
    double = find_facts(3, "Then 200 employees protested.")
    assert len(align_facts(hundred + near)) == 1
    assert align_facts(hundred + double) == []


def test_it_aligns_only_facts_from_two_articles_or_more():
    facts = find_facts(1, "About 100 employees signed, and later 100 employees marched.")
    assert len(facts) == 2
    assert align_facts(facts) == []


def test_it_keeps_dates_of_different_days_apart():
    # A date of another value is another fact, never the same one "stated differently".
    first = find_facts(1, "The letter was posted on June 19, 2018.")
    second = find_facts(2, "The letter, posted June 20, 2018, spread fast.")
    assert [fact.value for fact in first + second] == ["2018-06-19", "2018-06-20"]
    assert align_facts(first + second) == []


def test_it_does_not_align_weekdays():
    # A Tuesday in articles published on different days need not be the same day.
    first = find_facts(1, "The letter was posted on Tuesday.")
    second = find_facts(2, "The letter was posted on Monday.")
    assert [fact.value for fact in first + second] == ["Tuesday", "Monday"]
    assert align_facts(first + second) == []


def test_it_finds_no_facts_in_empty_text():
    assert find_facts(1, "") == []
    assert align_facts([]) == []


def test_it_sees_no_difference_in_a_group_that_agrees():
    facts = find_facts(1, "A $19.4 million contract.") + find_facts(2, "The $19.4M contract.")
    (group,) = align_facts(facts)
    assert not differs(group)


# Properties -----------------------------------------------------------------------------------

TOKENS = [
    " ",
    " ",
    "a",
    "word",
    "Smith",
    "\n",
    "\n\n",
    ".",
    ",",
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    "$",
    "1",
    "0",
    "%",
    "-",
    " million",
    " employees",
    " said",
    " he",
    " they",
    " the letter",
    "June",
    " Tuesday",
    "more than ",
    "M",
    "k",
    "CEO Jane Doe",
]
texts = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


def assert_anchored(items: list, text: str) -> None:
    for item in items:
        assert 0 <= item.start < item.end <= len(text)
        if isinstance(item, Quote):
            assert text[item.start : item.end] == item.text
            assert "\n\n" not in item.text


@pytest.mark.parametrize("article", range(5))
def test_it_anchors_every_corpus_quote_and_fact_in_its_text(article):
    body = corpus()[article]
    assert_anchored(find_quotes(article, body) + find_facts(article, body), body)


@given(texts)
def test_it_anchors_quotes_inside_any_text(text):
    quotes = find_quotes(7, text)
    assert_anchored(quotes, text)
    assert all(quote.article == 7 for quote in quotes)
    assert all(earlier.end < later.start for earlier, later in zip(quotes, quotes[1:], strict=False))


@given(texts)
def test_it_anchors_facts_inside_any_text(text):
    facts = find_facts(7, text)
    assert_anchored(facts, text)
    assert all(fact.kind in KINDS for fact in facts)


@given(st.lists(texts, max_size=4))
def test_it_groups_and_aligns_any_texts_consistently(bodies):
    quotes = [quote for article, body in enumerate(bodies) for quote in find_quotes(article, body)]
    assert {quote for group in group_quotes(quotes) for quote in group} == set(quotes)
    facts = [fact for article, body in enumerate(bodies) for fact in find_facts(article, body)]
    for group in align_facts(facts):
        assert len({fact.article for fact in group}) >= 2
        assert len({(fact.kind, fact.unit) for fact in group}) == 1
        assert group[0].kind != "date" or len({fact.value for fact in group}) == 1
