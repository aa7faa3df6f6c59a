"""Numeric facts in the shapes of wire copy: one rule a test, on text written for them."""

import datetime

from articles.text.facts import align_facts, differs, find_facts, group_subject

MARCH_7 = datetime.date(2018, 3, 7)  # a Wednesday


def found(text: str, published: datetime.date | None = MARCH_7) -> list[tuple]:
    return [
        (text[fact.start : fact.end], fact.kind, fact.value, fact.subject, fact.unit)
        for fact in find_facts(1, text, published)
    ]


def aligned(*texts: str, published: datetime.date | None = MARCH_7) -> list[list[str]]:
    facts = [fact for number, text in enumerate(texts) for fact in find_facts(number, text, published)]
    return [[texts[fact.article][fact.start : fact.end] for fact in group] for group in align_facts(facts)]


def flagged(*texts: str) -> list[bool]:
    facts = [fact for number, text in enumerate(texts) for fact in find_facts(number, text, MARCH_7)]
    return [differs(group) for group in align_facts(facts)]


# Dates ---------------------------------------------------------------------------------------------


def test_it_reads_one_day_written_five_ways_as_one_fact():
    texts = [
        "The deal was reached on 6 March.",
        "The deal, reached March 6, 2018, holds.",
        "The deal was reached on the 6th of March.",
        "The deal was reached on Tuesday, March 6.",
        "The deal was reached on Tuesday.",
    ]
    values = [fact.value for text in texts for fact in find_facts(1, text, MARCH_7)]
    assert values == ["2018-03-06"] * 5
    (group,) = align_facts(fact for n, text in enumerate(texts) for fact in find_facts(n, text, MARCH_7))
    assert len(group) == 5 and not differs(group)


def test_it_keeps_a_weekday_in_front_of_its_date_in_one_fact():
    assert found("Talks ended on Tuesday 6 March in Brussels.") == [
        ("Tuesday 6 March", "date", "2018-03-06", "", "")
    ]


def test_it_reads_a_weekday_ahead_in_a_sentence_about_what_will_come():
    (fact,) = find_facts(1, "The ban will apply from Friday.", MARCH_7)
    assert fact.value == "2018-03-09"
    (fact,) = find_facts(1, "The ban applied on Friday.", MARCH_7)
    assert fact.value == "2018-03-02"


def test_it_takes_the_year_nearest_to_publication_for_a_date_without_one():
    (fact,) = find_facts(1, "The vote was held on 29 December.", datetime.date(2019, 1, 3))
    assert fact.value == "2018-12-29"


def test_it_never_calls_two_days_one_fact_stated_differently():
    assert aligned("The vote was held on 6 March.", "The vote was held on March 7.") == []


def test_it_leaves_weekdays_unaligned_without_a_date_of_publication():
    assert aligned("The vote was on Tuesday.", "The vote was on Tuesday.", published=None) == []


# Counts --------------------------------------------------------------------------------------------


def test_it_counts_the_head_noun_after_modifiers():
    assert [
        row[:4] for row in found("It hit 84 cruise missiles, 20 injured people and 3 police officers.")
    ] == [
        ("84 cruise missiles", "count", 84.0, "missiles"),
        ("20 injured people", "count", 20.0, "people"),
        ("3 police officers", "count", 3.0, "officers"),
    ]


def test_it_reads_who_was_killed_or_injured_next_to_the_count():
    text = (
        "The quake killed at least 18 people and injured more than 500. Some 87 were wounded, "
        "and the death toll from the quake rose to 22."
    )
    assert [(row[0], row[3]) for row in found(text)] == [
        ("at least 18 people", "killed"),
        ("more than 500", "injured"),
        ("Some 87", "injured"),
        ("22", "killed"),
    ]


def test_it_reads_counts_written_in_words():
    assert [row[:4] for row in found("Nine people died and a million people fled.")] == [
        ("Nine people", "count", 9.0, "killed"),
        ("a million people", "count", 1_000_000.0, "people"),
    ]


def test_it_aligns_counts_only_when_their_subjects_agree():
    # 300 protesters and 350 police officers are within any tolerance of each other, and no one fact.
    assert aligned("About 300 protesters gathered.", "Roughly 350 police officers stood by.") == []
    assert aligned("About 300 protesters gathered.", "Roughly 350 protesters gathered.") == [
        ["About 300 protesters", "Roughly 350 protesters"]
    ]


def test_it_does_not_align_people_counted_for_nothing_in_particular():
    assert aligned("Some 30 people were trapped.", "Rescuers pulled 39 people out.") == []


def test_it_aligns_only_equal_values_where_one_article_tells_two_apart():
    first = "The crash killed 157 people. In October a crash killed 189 people."
    second = "The crash killed all 157 people on board."
    assert aligned(first, second) == [["killed 157 people", "killed all 157 people"]] or aligned(
        first, second
    ) == [["157 people", "157 people"]]


def test_it_does_not_align_amounts_that_another_article_gives_for_something_else():
    first = "Tariffs on $300 billion of Chinese imports were delayed; those on $250 billion of goods stay."
    second = "Tariffs on $300 billion in Chinese goods were delayed; those on $250 billion of imports stay."
    assert flagged(first, second) == []


# Money ---------------------------------------------------------------------------------------------


def test_it_reads_euro_and_pound_amounts_with_their_currency():
    text = (
        "It agreed a €60 billion loan, 60 billion euros in all, EUR 60bn; £350m a week, 350 million pounds."
    )
    assert [(row[0], row[2], row[4]) for row in found(text)] == [
        ("€60 billion loan", 60e9, "EUR"),
        ("60 billion euros", 60e9, "EUR"),
        ("EUR 60bn", 60e9, "EUR"),
        ("£350m a week", 350e6, "GBP per week"),
        ("350 million pounds", 350e6, "GBP"),
    ]


def test_it_does_not_read_a_weight_in_pounds_as_money():
    assert [row[1] for row in found("Police seized 200 pounds of cocaine.")] == ["count"]


def test_it_never_aligns_a_dollar_amount_with_a_euro_amount():
    assert aligned("A $64 billion rescue package.", "A €60 billion rescue package.") == []
    assert flagged("A €64 billion rescue package.", "A €60 billion rescue package.") == [True]


def test_it_reads_what_an_amount_is_in_or_for():
    assert [
        (row[0], row[3]) for row in found("It has $550 billion in new spending and $66 billion for rail.")
    ] == [
        ("$550 billion in new spending", "spending"),
        ("$66 billion for rail", "rail"),
    ]


# Percentages ---------------------------------------------------------------------------------------


def test_it_gives_percentages_the_subject_of_their_sentence():
    text = "Turnout in the first round of the election was 78%. The unemployment rate held at 3.7 percent."
    assert [(row[0], row[3]) for row in found(text)] == [("78%", "turnout"), ("3.7 percent", "unemployment")]
    assert [row[3] for row in found("Some 78% of voters backed it.")] == ["voters"]


def test_it_reads_a_share_of_gdp_as_a_unit_not_a_subject():
    text = "Pension spending must fall by 1.5% of GDP. Debt stands at 180 percent of GDP."
    assert [(row[3], row[4]) for row in found(text)] == [("spending", "of GDP"), ("debt", "of GDP")]
    assert aligned("Debt stands at 180 percent of GDP.", "Pension spending must fall by 1.5% of GDP.") == []


def test_it_keeps_a_number_of_another_year_apart():
    first = "Turnout was 74 percent, down from 78 percent in 2017."
    second = "Turnout was 73.7%."
    assert aligned(first, second) == [["74 percent", "73.7%"]]


# Names ---------------------------------------------------------------------------------------------


def test_it_finds_no_facts_in_names():
    text = (
        "May triggered Article 50 at the G20 as COVID-19 spread; a Boeing 737 jets order, Section 230 "
        "cases and the G-20 summit followed."
    )
    assert found(text) == []


def test_it_names_a_group_by_the_subject_most_of_its_facts_give():
    facts = find_facts(1, "The vote on 6 March.", MARCH_7) + find_facts(2, "On 6 March, it ended.", MARCH_7)
    (group,) = align_facts(facts)
    assert group_subject(group) == "vote"


# Rates, outcomes without their noun, and one subject at one time -----------------------------------


def test_it_reads_the_rate_a_bank_moved_past_the_step_and_the_level():
    texts = [
        "The Bank of Canada lifted its benchmark rate by half a percentage point to 5.25% on Wednesday.",
        "Canada's central bank raised interest rates to a 22-year high of 5.25 percent.",
        "The central bank increased its policy rate by 50 basis points to 5.25%, the bank said.",
    ]
    assert [subject for text in texts for _, kind, _, subject, _ in found(text) if kind == "percent"] == [
        "interest"
    ] * 3
    assert aligned(*texts) == [["5.25%", "5.25 percent", "5.25%"]]


def test_it_reads_the_subject_before_a_relative_clause():
    assert found("Unemployment in the 27 nations that form the bloc was 6.1% last month.")[-1][3] == (
        "unemployment"
    )


def test_it_counts_those_an_event_befell_with_the_noun_implied_or_named_by_others():
    texts = [
        "Floods forced the evacuation of some 12,000 people in the valley. Two died and 15 were injured.",
        "About 12,000 were evacuated overnight. Two people died and some 15 others were injured.",
        "Nearly 12,000 residents were evacuated as the river rose, and 15 people were injured.",
    ]
    subjects = {subject for text in texts for _, kind, _, subject, _ in found(text) if kind == "count"}
    assert subjects == {"evacuated", "killed", "injured"}
    groups = aligned(*texts)
    assert ["some 12,000 people", "About 12,000", "Nearly 12,000 residents"] in groups
    assert ["15", "some 15 others", "15 people"] in groups


def test_it_flags_one_subject_at_one_time_given_as_two_values_as_stated_differently():
    texts = [
        "Inflation in the 19 countries that share the currency was 5% in May.",
        "Euro area inflation was 4.9% in May, the statistics office said.",
    ]
    assert aligned(*texts) == [["5%", "4.9%"]]
    assert flagged(*texts) == [True]
