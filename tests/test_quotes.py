"""Quote speakers on short texts in the shapes real news has, and statement groups that do not chain.

Each rule of articles/text/quotes.py and articles/text/speakers.py on text written for it: wire
copy on one line, British and American styles, straight and curly quotes. The corpus tests are in
test_statements.py; bench/quote_eval.py measures the rules on a labelled set.
"""

import pytest

from articles.text.quotes import PRONOUN_SENTENCES, Quote, find_quotes, group_quotes
from articles.text.speakers import read_subject


def speakers(text: str) -> list[str | None]:
    return [quote.speaker for quote in find_quotes(1, text)]


def speaker(text: str) -> str | None:
    (quote,) = find_quotes(1, text)
    return quote.speaker


# A speaker only when the text says who ----------------------------------------------------------


def test_it_gives_no_speaker_when_the_text_names_nobody():
    assert speaker("Protesters carried banners reading “return what was stolen from us” all day.") is None
    assert (
        speaker("The raid was described at the time as “a necessary punitive measure” in the press.") is None
    )


def test_it_does_not_carry_a_speaker_across_a_new_sentence_without_one():
    text = (
        "“We will appeal this ruling,” Smith said. The report, published on Monday, found the force "
        "“poorly led and poorly equipped”."
    )
    assert speakers(text) == ["Smith", None]


def test_it_still_carries_the_speaker_into_the_quote_that_follows_at_once():
    text = "“Property can be replaced,” Medina said. “Lives cannot be replaced, ever.”"
    assert speakers(text) == ["Medina", "Medina"]


# Names stop at the end of a sentence ------------------------------------------------------------


def test_a_name_after_the_quote_stops_at_the_end_of_its_sentence():
    text = "“We are ready for the talks,” said Reyes. Castell arrived an hour later."
    assert speakers(text) == ["Reyes"]


def test_a_name_before_the_quote_starts_after_the_previous_sentence():
    text = "Talks ended on Tuesday. Prime Minister Helen Castell said: “We have done all we can.”"
    assert speakers(text) == ["Castell"]


def test_a_title_abbreviation_does_not_end_the_sentence():
    assert speaker("“We will keep the plant open,” said Mr. Johnson.") == "Johnson"
    assert speaker('"The vote was fair and open," said Sen. Kendrick, a Republican.') == "Kendrick"


# Titles, descriptions and organisations ---------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        "Prime Minister Boris Johnson",
        "Foreign Minister Boris Johnson",
        "Defence Minister Boris Johnson",
        "Defense Minister Boris Johnson",
        "Chancellor Boris Johnson",
        "President Boris Johnson",
        "Commissioner of Police Boris Johnson",
        "Police Commissioner Boris Johnson",
        "UN Secretary-General Boris Johnson",
        "company spokesman Boris Johnson",
        "Mr Johnson",
        "Mr. Johnson",
        "Dr Boris Johnson",
        "military analyst Boris Johnson",
        "former U.S. ambassador to NATO Boris Johnson",
        "European Commission President Boris Johnson",
        "Minister for Climate Boris Johnson",
    ],
)
def test_a_person_is_their_surname_whatever_comes_before(subject):
    assert speaker(f"“We will not give up on this,” {subject} said.") == "Johnson"
    assert speaker(f"{subject} told reporters: “We will not give up on this.”") == "Johnson"


def test_a_surname_keeps_its_particle_and_hyphen():
    assert speaker("“This is a historic day,” said summit president Khalid Al Mansouri.") == "Al Mansouri"
    assert speaker("“The controls were weak,” said Therese Coffey-Marsh of the regulator.") == "Coffey-Marsh"


def test_a_title_without_a_name_is_the_title():
    assert (
        speaker("“This is a budget for working families,” the Prime Minister said.") == "the Prime Minister"
    )
    assert speaker("‘This has to be settled quickly,’ the Transport Secretary told the BBC.") == (
        "the Transport Secretary"
    )


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("the Centers for Disease Control", "the Centers for Disease Control"),
        ("the Centers for Disease Control and Prevention", "the Centers for Disease Control and Prevention"),
        ("the Foreign Ministry", "the Foreign Ministry"),
        ("police", "police"),
        ("Greenpeace", "Greenpeace"),
        ("the company", "the company"),
        ("a Foreign Ministry spokesman", "Foreign Ministry"),
        ("a spokeswoman for the Department of Health", "the Department of Health"),
        ("a spokeswoman", "a spokeswoman"),
        ("a senior U.S. official", "a senior U.S. official"),
        ("a Russian official", "a Russian official"),
        ("a doctor with the Red Crescent", "a doctor"),
        ("one worker", "one worker"),
    ],
)
def test_an_organisation_or_an_unnamed_person_is_named_as_the_text_names_it(subject, expected):
    assert speaker(f"“Vaccination is the best protection we have,” {subject} said.") == expected


def test_an_apposition_names_the_person():
    assert (
        speaker("The RMT's general secretary, Mick Lawson, said: “Passengers pay more for less.”") == "Lawson"
    )
    assert speaker("“No evidence of fraud was found,” the head of the mission, Ingrid Solberg, said.") == (
        "Solberg"
    )


def test_an_age_or_a_relative_clause_between_commas_is_no_speaker():
    assert speaker("Haines, 58, said: “The force needs a fresh start now.”") == "Haines"
    text = "“Nobody on my team saw this coming,” the engineer, who asked not to be named, said."
    assert speaker(text) == "the engineer"


def test_a_conjunction_opening_the_sentence_is_not_part_of_the_subject():
    assert speaker("But the union said its members “have been left with no choice”.") == "the union"
    assert speaker("The fire spread and police said it was “started deliberately by someone”.") == "police"


def test_a_weekday_or_a_phrase_after_the_noun_is_not_the_name():
    assert speaker("“We will appeal the ruling,” said Doyle on Friday.") == "Doyle"
    text = "Nadella in a statement released late Tuesday said it was “dismayed by the forcible separation”."
    assert speaker(text) == "Nadella"


def test_read_subject_reads_a_phrase_without_a_quote():
    assert read_subject("Local resident Tom Bracken").name == "Bracken"
    assert read_subject("Ms. Ardern").gender == "f"
    assert read_subject("he") is None


# Pronouns ----------------------------------------------------------------------------------------


def test_a_pronoun_binds_to_the_nearest_person_of_its_gender():
    text = "Mr Smith met Ms Jones in London. “The talks went well,” she said. “We agreed on a lot,” he said."
    assert speakers(text) == ["Jones", "Smith"]


def test_a_pronoun_learns_the_gender_from_a_first_name_or_an_earlier_pronoun():
    text = "Director Hannah Forsyth met the culture minister, Musa Okonjo. “This is long overdue,” he said."
    assert speakers(text) == ["Okonjo"]
    text = (
        "Okafor said the talks had failed. “We cannot afford a war,” she said. Mr Doyle disagreed. "
        "“Accidents happen all the time,” she said."
    )
    assert speakers(text) == ["Okafor", "Okafor"]


def test_a_pronoun_binds_to_a_person_named_by_a_description():
    text = "One mother in Lubbock said her son was in hospital. “I never thought it would happen,” she said."
    assert speakers(text) == ["one mother"]


def test_a_pronoun_without_a_fitting_person_nearby_is_unknown():
    assert speaker("Ms Jones arrived. “We will keep going no matter what,” he said.") is None
    far = " ".join(
        ["Mr Smith arrived."] + ["It rained."] * PRONOUN_SENTENCES + ["“We go on from here,” he said."]
    )
    assert speaker(far) is None


def test_it_and_they_bind_to_an_organisation_and_a_group():
    text = "The Clean Clothes Campaign said brands must act. “These deaths were preventable,” it said."
    assert speakers(text) == ["the Clean Clothes Campaign"]
    text = "Hundreds of workers gathered at the gate. “We want our jobs back now,” they said."
    assert speakers(text) == ["the workers"]


# Reporting verbs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Whitfield posted on LinkedIn: “I take full responsibility for this.”",
        "“I take full responsibility for this,” Whitfield wrote on Twitter.",
        "“I take full responsibility for this,” Whitfield wrote on Facebook.",
        "“I take full responsibility for this,” Whitfield told reporters.",
        "“I take full responsibility for this,” Whitfield told the BBC.",
        "“I take full responsibility for this,” Whitfield added.",
        "“I take full responsibility for this,” Whitfield said in a statement.",
        "Whitfield went on to say that “I take full responsibility for this”.",
        "According to Whitfield, “I take full responsibility for this”.",
        "Whitfield later said: “I take full responsibility for this.”",
    ],
)
def test_it_knows_the_reporting_verbs_of_news(text):
    assert speaker(text) == "Whitfield"


def test_a_participle_takes_the_subject_of_its_verb():
    text = "‘We are not there yet,’ she said, adding that rates would be set ‘meeting by meeting’."
    quotes = find_quotes(1, "Claire Moreau spoke in Frankfurt. " + text)
    assert [quote.speaker for quote in quotes] == ["Moreau", "Moreau"]


# Statements across outlets -----------------------------------------------------------------------


def quote(article: int, text: str) -> Quote:
    return Quote(article, 0, len(text), text, None)


def test_grouping_does_not_chain_fragments_of_different_statements():
    # B is a fragment of A and of C, but A and C share only B's five words: two statements.
    a = quote(1, "We will rebuild every home and every school in this valley")
    b = quote(2, "every school in this valley")
    c = quote(3, "every school in this valley will get new teachers next year")
    groups = group_quotes([a, b, c])
    assert not any(a in group and c in group for group in groups)
    assert {frozenset(group) for group in groups if len(group) > 1} == {frozenset({a, b})}


def test_grouping_puts_every_copy_of_a_statement_with_its_core():
    core = "The gate was locked and we could not get out of the building"
    copies = [
        quote(k, text) for k, text in enumerate([core, core.lower(), "The gate was locked", core + "."])
    ]
    (group,) = [group for group in group_quotes(copies) if len(group) > 1]
    assert set(group) == set(copies)


def test_grouping_many_articles_keeps_statements_apart():
    statements = [
        "The bridge will open to traffic on Monday morning",
        "Our engineers are working around the clock in the cold",
        "Nobody from the airline has contacted me about my data",
        "We urgently need tents, blankets and clean water for families",
        "Inflation is coming down but the job is not done yet",
        "I take full responsibility for the decisions that brought us here",
        "Property can be replaced but lives cannot be replaced",
        "The fire started on the ground floor and spread quickly upstairs",
    ]
    quotes = [quote(article, statements[article % 8]) for article in range(400)]
    groups = group_quotes(quotes)
    assert sorted(len(group) for group in groups) == [50] * 8
    assert all(len({q.text for q in group}) == 1 for group in groups)
