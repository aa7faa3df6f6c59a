"""Agency credits in raw wire copy (articles.text.wire): credits count, mentions do not."""

import pytest
from django.urls import reverse

from articles.services.coverage import compare_story
from articles.text.wire import AGENCIES, agency_credits
from tests.base import make_article, make_outlet, make_story

CREDITED = {
    "dateline": ("LONDON (Reuters) - Britain said on Monday it would act.", "", ["Reuters"]),
    "dateline with an em dash": ("WASHINGTON (AP) — The Senate passed the bill.", "", ["AP"]),
    "dateline of two agencies": ("BERLIN (dpa/AFP) - Germany voted.", "", ["AFP", "dpa"]),
    "dateline with a date": ("BEIJING, March 6 (Xinhua) -- China said.", "", ["Xinhua"]),
    "Spanish dateline": ("MADRID (EFE).- El Gobierno aprobó.", "", ["EFE"]),
    "Italian dateline": ("ROME (ANSA) - The cabinet met.", "", ["ANSA"]),
    "Japanese dateline": ("TOKYO (Kyodo) -- Japan said.", "", ["Kyodo"]),
    "sign-off": ("The deal is off, the ministry said. -- Reuters", "", ["Reuters"]),
    "sign-off on its own line": ("The deal is off.\n\n— AFP", "", ["AFP"]),
    "reporting line": ("The deal is off.\n\nReporting by Jane Doe; Editing by John Roe", "", ["Reuters"]),
    "copyright line": ("It ended. Copyright 2024 The Associated Press. All rights reserved.", "", ["AP"]),
    "contributed line": ("It ended. The Associated Press contributed to this report.", "", ["AP"]),
    "byline by an agency": ("It ended.", "By Reuters", ["Reuters"]),
    "byline naming a reporter of an agency": ("It ended.", "Jane Doe, Associated Press", ["AP"]),
    "byline of the Press Association": ("It ended.", "PA", ["PA"]),
    "one line of wire copy with a trailer": (
        "PARIS (AFP) - France voted on Sunday. Turnout was 74 percent. © AFP 2024",
        "",
        ["AFP"],
    ),
}

MENTIONED = {
    "a citation": "Reuters reported that the deal was off, citing sources.",
    "a photo credit": "The vote passed. (AP Photo/Jane Doe)",
    "a poll's name": "A Reuters/Ipsos poll (Reuters/Ipsos) found 40% support.",
    "an abbreviation in brackets": "The Palestinian Authority (PA) met Andhra Pradesh (AP) officials.",
    "initials signing off": "It ended. — AA",
}


@pytest.mark.parametrize("text, byline, agencies", CREDITED.values(), ids=CREDITED.keys())
def test_it_finds_the_agency_a_credit_names(text, byline, agencies):
    assert agency_credits(text, byline) == agencies


@pytest.mark.parametrize("text", MENTIONED.values(), ids=MENTIONED.keys())
def test_it_takes_a_mention_for_no_credit(text):
    assert agency_credits(text, "Jane Doe") == []


def test_it_answers_in_a_fixed_order_each_agency_once():
    text = "PARIS (AFP) - It ended.\n\nLONDON (Reuters) - It ended. -- Reuters\n\n(AFP)"
    assert agency_credits(text, "By Reuters") == ["Reuters", "AFP"]
    assert list(AGENCIES)[:3] == ["AP", "Reuters", "AFP"]


def test_it_finds_nothing_in_nothing():
    assert agency_credits("") == []


# The label on a story's coverage page --------------------------------------------------------------

WIRE_TEXT = (
    "The central bank raised its main interest rate by half a point to a fifteen-year high on Thursday "
    "in a move that surprised markets and pushed the pound higher against the dollar."
)


@pytest.mark.django_db
def test_the_coverage_page_labels_text_shared_with_the_same_agency_as_wire_copy(client):
    story = make_story("Rates rise")
    for name, agencies in (("Daily Post", ["Reuters"]), ("Evening Star", ["Reuters"]), ("Copycat", [])):
        make_article(
            story=story, outlet=make_outlet(name), body=f"{name} reports. {WIRE_TEXT}", wire_agencies=agencies
        )
    compare_story(story)
    page = client.get(reverse("articles:story_coverage", args=[story.slug])).text
    assert "shares wire text with Evening Star (Reuters)" in page
    assert "shares wire text with Daily Post (Reuters)" in page
    assert page.count("repeats text found elsewhere") == 1  # Copycat's, which credits no agency
    assert page.index("Copycat") < page.index("repeats text found elsewhere")
