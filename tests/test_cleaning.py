"""Cleaning imported text (articles.text.cleaning): trailers, inline chrome, links, datelines, repair
of damaged characters and the flag for what cannot be repaired.

The texts are written to reproduce the shapes of real wire-based news: one line per body, trailers
run into the last paragraph, mojibake, dashes lost as '"?'.
"""

import re

import pytest

from articles.text.cleaning import (
    GENERAL,
    OUTLET_PATTERNS,
    clean_lines,
    is_damaged,
    normalised_outlet,
    repair,
)
from tests.base import make_article

LEDE = "The talks ended without a deal on Monday, the minister said."


def clean(body: str, outlet: str = "") -> str:
    return "\n".join(clean_lines(body.split("\n"), outlet))


# Every pattern and an example it removes ------------------------------------------------------------

TRAILER_EXAMPLES = [
    "Copyright 2018 The Associated Press. All rights reserved. This material may not be published.",
    "© Reuters 2018",
    "(c) 2019 Example News Ltd",
    "Copyright © The Hill. All Rights Reserved.",
    "All rights reserved.",
    "(Reporting by Jane Doe; Editing by John Roe)",
    "(Additional reporting by Jean Dupont in Paris; Writing by Jane Doe; Editing by John Roe)",
    "[Compiled by Jane Doe]",
    "-- Reporting by Jane Doe in London",
    "— Additional reporting by Jean Dupont",
    "Reporting by Jane Doe; Editing by John Roe",
    "Additional reporting by Jean Dupont in Paris and J. Smith in Berlin.",
    "The Associated Press contributed to this report.",
    "CNN's Jane Doe and John Roe contributed reporting to this story.",
    "Associated Press writer Colleen Barry contributed to this report from Milan.",
    "Jane Doe contributed reporting from Washington, D.C.",
    "Reuters' Jean Dupont contributed to this story from the United Nations.",
    "Jane Doe contributed additional reporting.",
    "Associated Press writers Frances D'Emilio in Rome and Nicole Winfield in Vatican City contributed.",
    "This story has been corrected to show that the vote was on Tuesday, not Monday.",
    "• This article was amended on 6 March 2018 to correct the spelling of a name.",
    "An earlier version of this story misstated the date of the vote.",
    "Correction: An earlier version of this article gave the wrong title for the minister.",
    "Contact the writer at jane.doe@example.com.",
    "Write to Jane Doe at jane.doe@example.com or on Twitter @janedoe.",
    "Email: news@example.org",
    "Jane Doe, jdoe@example.co.uk",
    "jane.doe@example.com",
    "___",
]

INLINE_EXAMPLES = [
    "Sign up for our daily politics newsletter.",
    "To get the best stories in your inbox every morning, sign up here.",
    "Subscribe to our free e-mail alerts!",
    "Get the news that matters delivered to your inbox.",
    "Want the best of our reporting in your inbox?",
    "For the latest news in your inbox every morning, sign up here.",
    "Sign up here.",
    "Follow us on Twitter.",
    "Follow Jane Doe on Twitter @janedoe for more.",
    "Like us on Facebook.",
    "Click here for the latest coverage of the election.",
    "CLICK HERE TO GET THE FOX NEWS APP",
]

OUTLET_EXAMPLES = {
    "Reuters": "Our Standards: The Thomson Reuters Trust Principles.",
    "Daily Mail": "Scroll down for video.",
    "Associated Press": "Follow AP's coverage of the elections at https://apnews.com/hub/elections",
}

# Ordinary sentences with the words that the rules look for: cleaning keeps each of them.
KEPT_SENTENCES = [
    "He said he would read more books.",
    "The AP reported that the vote was close.",
    "A newsletter of the union said the strike would go on.",
    "The union urged members to subscribe to its newsletter, which is published monthly.",
    "Reporters from AP, Reuters and AFP asked for comment.",
    "Copyright law has not kept up with the internet.",
    "The report by the Associated Press (AP) found that it worked.",
    "Tips can be sent to tips@police.example.gov.",
    "Reporting by the BBC showed that he had lied.",
    "She told Reuters the plan was dead.",
    "This story was first told by her grandmother in 1950.",
    "Fans follow him on Twitter in their millions, he said.",
    "Read the full report, the minister said.",
    "More than 100 people were hurt.",
    "The company, which makes the PlayStation, said sales fell.",
    'The footer of the deleted post read "All rights reserved."',
    "He quoted the ad: (c) 2018 was printed on it.",
    "Readers contributed to this report from the start.",
    "Reporters Without Borders said local journalists contributed.",
    "She contributed to this report's findings in 2019.",
    "Donors contributed reporting money in Milan and Rome, St. Louis said.",
]


@pytest.mark.parametrize("pattern", GENERAL.trailers, ids=lambda pattern: pattern[:40])
def test_it_has_an_example_for_every_trailer(pattern):
    assert any(re.fullmatch(pattern, example) for example in TRAILER_EXAMPLES)


@pytest.mark.parametrize("pattern", GENERAL.inline, ids=lambda pattern: pattern[:40])
def test_it_has_an_example_for_every_inline_rule(pattern):
    assert any(re.fullmatch(pattern, example) for example in INLINE_EXAMPLES)


@pytest.mark.parametrize("outlet", OUTLET_PATTERNS)
def test_it_has_an_example_for_every_outlet_rule(outlet):
    patterns = OUTLET_PATTERNS[outlet]
    for pattern in patterns.trailers + patterns.inline:
        assert re.fullmatch(pattern, OUTLET_EXAMPLES.get(outlet, "")), pattern


@pytest.mark.parametrize("trailer", TRAILER_EXAMPLES)
def test_it_removes_a_trailer_from_the_end_of_a_one_line_body(trailer):
    assert clean(f"{LEDE} {trailer}") == LEDE


@pytest.mark.parametrize("trailer", TRAILER_EXAMPLES)
def test_it_removes_a_trailer_on_its_own_last_line(trailer):
    assert clean(f"{LEDE}\n{trailer}") == LEDE


def test_it_removes_trailers_one_after_another():
    body = (
        f"{LEDE} READ MORE: Brexit news: May faces fresh revolt (Reporting by Jane Doe; Editing by John Roe)"
        " Copyright 2018 Reuters. All rights reserved."
    )
    assert clean(body) == LEDE
    assert clean(f"{LEDE}\nFollow us on Twitter.\nContact the writer at jane@example.com.\n© AP 2018") == LEDE


@pytest.mark.parametrize("sentence", INLINE_EXAMPLES)
def test_it_removes_an_inline_sentence_anywhere_in_a_line(sentence):
    assert clean(f"{LEDE} {sentence} The vote is on Tuesday.") == f"{LEDE} The vote is on Tuesday."
    assert clean(f"{sentence} {LEDE}") == LEDE


@pytest.mark.parametrize("outlet", OUTLET_EXAMPLES)
def test_it_removes_an_outlets_own_patterns_for_that_outlet_only(outlet):
    body = f"{LEDE} {OUTLET_EXAMPLES[outlet]}"

    assert clean(body, outlet) == LEDE
    assert clean(body, "Another Outlet") == body


def test_it_finds_an_outlet_however_its_name_is_written():
    assert (
        normalised_outlet("Fox News") == normalised_outlet("The Fox News") == normalised_outlet("foxnews.com")
    )
    assert normalised_outlet("https://www.reuters.com/") == normalised_outlet("REUTERS")
    assert clean(f"{LEDE} Scroll down for video.", "dailymail.co.uk") == LEDE


@pytest.mark.parametrize("sentence", KEPT_SENTENCES)
def test_it_keeps_an_ordinary_sentence_that_resembles_chrome(sentence):
    assert clean(f"{LEDE} {sentence}") == f"{LEDE} {sentence}"
    assert clean(f"{sentence} {LEDE}") == f"{sentence} {LEDE}"
    assert clean(sentence) == sentence


# READ MORE links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "READ MORE: Brexit LIVE: Theresa May faces fresh revolt",
        "Read more: Is this the end of the euro?",
        "RELATED: Five things to know about the vote",
        "SEE ALSO: Police name the victim",
    ],
)
def test_it_removes_a_link_at_the_end_of_a_line(link):
    assert clean(f"{LEDE} {link}") == LEDE
    assert clean(f"{link}\n{LEDE}") == LEDE


def test_it_removes_a_link_whose_headline_runs_into_the_next_paragraph():
    body = f"{LEDE} READ MORE: Brexit news: May faces fresh revoltThe vote is on Tuesday, he said."
    assert clean(body) == f"{LEDE} The vote is on Tuesday, he said."
    body = f'{LEDE} READ MORE: May says "we will win"The vote is on Tuesday, he said.'
    assert clean(body) == f"{LEDE} The vote is on Tuesday, he said."


def test_it_removes_a_link_whose_headline_ends_with_its_question():
    body = f"{LEDE} READ MORE: Is Brexit over? The vote is on Tuesday, he said."
    assert clean(body) == f"{LEDE} The vote is on Tuesday, he said."


@pytest.mark.parametrize(
    "body",
    [
        # Where the headline ends and the article resumes cannot be told: the text stays whole.
        f"{LEDE} READ MORE: Brexit news: May faces fresh revolt The vote is on Tuesday, he said.",
        f"{LEDE} READ MORE: The minister resigned.",
        "Read more: the minister resigned. Then the vote was held.",
    ],
)
def test_it_keeps_a_link_rather_than_eat_the_article(body):
    assert clean(body) == body


# A link run into an article sentence (no "READ MORE" headline ends with a full stop) and then a
# trailer: the trailer goes, the link and the sentence stay, whatever starts the trailer or the sentence.
HEADLINE = "READ MORE: Brits stranded as flights cancelled"


@pytest.mark.parametrize(
    "trailer",
    [
        "© Associated Newspapers Ltd 2024",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "Copyright 2024 The Associated Press. All rights reserved.",
        "— Reuters",
        "The Associated Press contributed to this report.",
    ],
)
def test_it_keeps_a_sentence_after_a_link_when_a_trailer_ends_the_line(trailer):
    kept = f"{LEDE} {HEADLINE} Some 1.3 million homes were left without power."
    assert clean(f"{kept} {trailer}") == kept
    assert clean(f"{kept} {trailer}", "Daily Mail") == kept


@pytest.mark.parametrize(
    "sentence",
    [
        # The sentence after the headline starts with no capital letter, or ends with a quote.
        "Some homes lost power. 1.3 million people were affected",
        'Some homes lost power. "It was terrible," she said',
        "Some homes lost power. © photos of the damage were shared online",
        "Some homes lost power. (The storm moved north on Friday)",
        'He said: "We are ready."',
        "Officials said more storms were on the way…",
    ],
)
def test_it_keeps_a_link_whose_headline_may_run_into_a_sentence(sentence):
    body = f"{LEDE} {HEADLINE} {sentence}"
    assert clean(body) == body


@pytest.mark.parametrize(
    "link",
    [
        "READ MORE: U.S. stocks fall as rates rise",  # an abbreviation's full stop ends no sentence
        "READ MORE: Inflation hits 2.9% in the euro zone",
        'READ MORE: Minister says "we will win"',
    ],
)
def test_it_still_removes_a_link_that_ends_the_line(link):
    assert clean(f"{LEDE} {link}") == LEDE
    assert clean(f"{LEDE} {link} © Associated Newspapers Ltd 2024") == LEDE


# Dateline and agency credits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("LONDON (Reuters) - Britain said on Monday", "LONDON - Britain said on Monday"),
        ("WASHINGTON (AP) — The Senate voted", "WASHINGTON — The Senate voted"),
        ("PARIS, March 6 (AFP) - France won", "PARIS, March 6 - France won"),
        ("SAN FRANCISCO/NEW YORK (Reuters) - Shares fell", "SAN FRANCISCO/NEW YORK - Shares fell"),
        ("Berlin (dpa) – Germany voted", "Berlin – Germany voted"),
        ("(Reuters) - Britain said on Monday", "Britain said on Monday"),
        ("TOKYO (Kyodo/AP) - Japan said", "TOKYO - Japan said"),
    ],
)
def test_it_removes_the_agency_from_a_dateline_and_keeps_the_place(line, cleaned):
    assert clean(line) == cleaned


@pytest.mark.parametrize("credit", ["(AFP)", "- AFP", "— Reuters", "(AP)", "AFP", "(with agencies)", "/dpa"])
def test_it_removes_an_agency_credited_at_the_end(credit):
    assert clean(f"{LEDE} {credit}") == LEDE


def test_it_removes_an_outlets_own_credit_in_its_datelines():
    assert clean("Washington (CNN) - The House voted.", "CNN") == "Washington - The House voted."
    assert clean("Washington (CNN) - The House voted.", "Fox News") == "Washington (CNN) - The House voted."


# What is left ----------------------------------------------------------------------------------------


def test_it_leaves_no_lines_when_a_body_is_only_chrome_and_trailers():
    assert clean_lines(["READ MORE: Trump wins", "Follow us on Twitter.", "Copyright 2018 AP"]) == []
    assert clean_lines(["(Reporting by Jane Doe; Editing by John Roe)"]) == []


def test_it_keeps_whole_line_chrome_rules():
    assert clean(f"Watch LIVE\n{LEDE}\nMost recent\n{{mosads}}") == LEDE


# Repair --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("CafÃ© owners said itâ€™s over", "Café owners said it’s over"),
        ("SÃ£o Paulo", "São Paulo"),
        ("The â€œdealâ€\x9d is dead â€” for now", "The “deal” is dead — for now"),
        ("It cost Â£350m", "It cost £350m"),
        ("it&#8217;s over &amp; done", "it’s over & done"),
        ('The minister "? who resigned on Monday "? said', "The minister — who resigned on Monday — said"),
        ('The 2010"?2012 talks', "The 2010—2012 talks"),
        (
            "The minister ? who resigned on Monday ? said no.",
            "The minister — who resigned on Monday — said no.",
        ),
    ],
)
def test_it_repairs_what_can_be_repaired(damaged, repaired):
    assert repair(damaged) == repaired
    assert not is_damaged(repair(damaged))


@pytest.mark.parametrize(
    "text",
    [
        "He said “no” — and meant it.",  # curly quotes and dashes stay as written
        "½ of the ﬁnal ＡＢＣ",  # no compatibility normalisation
        "First line\r\nSecond line\u2028third",  # line breaks are canonical_lines()'s business
        "Is it over? No, he said.",
        'Did he say "no"?',
        "Pourquoi ? demande-t-il : « non ».",  # French spacing
        "AT&T and R&D; said so",
        "SÃO PAULO — Brazil voted.",
        "Déjà vu à Zürich, naïve café.",
    ],
)
def test_it_leaves_correct_text_as_it_is(text):
    assert repair(text) == text
    assert not is_damaged(text)


@pytest.mark.parametrize(
    "text",
    [
        "The \ufffd crowd",
        "S?o Paulo voted",
        "Fran?ois Hollande said",
        "SALV?O",
        "It wasn?t over",
        '"? he said, leaving.',
        "Why ? The answer is simple.",  # a lost dash or a question: not repaired, flagged
    ],
)
def test_it_flags_damage_it_cannot_repair(text):
    assert is_damaged(repair(text))


@pytest.mark.parametrize(
    "text", ["Really?Yes, he said.", "See example.com/page?id=3&x=y", "What? Who? Where?", "?"]
)
def test_it_does_not_flag_an_ordinary_question_mark(text):
    assert not is_damaged(text)


def test_it_leaves_ascii_text_without_damage_untouched():
    text = "The minister said: 'We will go.' He left at 5 p.m. & then? Nothing."
    assert repair(text) is text


@pytest.mark.django_db
def test_it_marks_an_article_whose_body_is_damaged():
    assert make_article(body="S\ufffdo Paulo voted.").text_damaged
    assert not make_article(body="São Paulo voted.").text_damaged
