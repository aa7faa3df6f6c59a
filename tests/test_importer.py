"""The importer and canonical text: pure parsing, no database."""

import datetime
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.importer import (
    MAX_FILE_BYTES,
    MAX_TITLE_CHARS,
    ImportProblem,
    iter_records,
    load_manifest,
    parse_text_file,
)
from articles.text.canonical import canonicalize, split_paragraphs
from articles.text.cleaning import CHROME_LINES, is_chrome

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Text from the corpus's site chrome that must never reach a title or a body.
CORPUS_CHROME = [
    "Watch LIVE",
    "{mosads}",
    "Nexstar",
    "All rights reserved",
    "Most recent",
    "All Articles",
    "Discuss This Article",
    "Other reports by",
    "News & Politics",
    "Getty Images",
    "Photo by",
    "Dutch police",
    "province of Limburg",
    "U.S. Mexico Border Wall",
]


def fixture_record(prefix: str) -> dict:
    """The record for the corpus file whose name starts with prefix, parsed with the manifest."""
    (path,) = FIXTURES.glob(f"{prefix}_*.txt")
    return parse_text_file(path.name, path.read_bytes(), load_manifest(FIXTURES / "manifest.json"))


def parse(text: str | bytes, manifest=None, name: str = "a.txt") -> dict:
    raw = text.encode() if isinstance(text, str) else text
    return parse_text_file(name, raw, manifest)


def problem_with(function, *args) -> ImportProblem:
    """The ImportProblem that calling function (and reading all it yields) raises."""
    with pytest.raises(ImportProblem) as caught:
        result = function(*args)
        if isinstance(result, Iterator):
            list(result)
    return caught.value


def write(folder: Path, name: str, content: str | bytes | dict | list) -> Path:
    path = folder / name
    if isinstance(content, dict | list):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def paragraphs(record: dict) -> list[str]:
    return record["body"].split("\n\n")


# The real corpus -------------------------------------------------------------------------------


def test_it_reads_every_corpus_file_in_name_order():
    names = [record["source_file"] for record in iter_records([FIXTURES])]

    assert names == sorted(path.name for path in FIXTURES.glob("*.txt"))
    assert len(names) == 5


def test_it_cleans_the_hill_article():
    record = fixture_record("000")

    assert record["title"] == "Microsoft leadership tries to quell employee backlash over ICE contract"
    assert record["outlet"]["name"] == "The Hill"
    assert record["story"]["slug"] == "microsoft-employees-protest-the-companys-ice-contract"
    assert paragraphs(record)[0].startswith("Microsoft executives are rushing to contain")
    assert paragraphs(record)[-1].endswith("over the zero tolerance policy.")
    assert len(paragraphs(record)) == 10


def test_it_cleans_theblaze_article():
    record = fixture_record("001")

    assert record["title"] == (
        "Microsoft employees demand company cut all ties with ICE: 'Microsoft is a company of immigrants"
    )
    assert record["outlet"]["name"] == "TheBlaze"
    assert paragraphs(record)[0].startswith("The uproar over a policy")
    assert "What's the story?" in paragraphs(record)
    assert "Microsoft's response" in paragraphs(record)
    assert "• Cancel the existing Azure Government contract with ICE immediately;" in paragraphs(record)
    assert (
        paragraphs(record)[-1]
        == "Nadella's letter did not address the demands outlined in his employees' letter."
    )


def test_it_takes_byline_and_date_out_of_the_body_and_drops_the_manifests_lines():
    record = fixture_record("002")

    assert record["title"] == "Microsoft employees call on company to cancel contract with ICE"
    assert record["byline"] == "Darnell Taylor"
    assert record["published_on"] == datetime.date(2018, 6, 20)
    assert record["outlet"] is None
    assert paragraphs(record)[0].startswith("I want to be clear:")
    assert "Darnell Taylor" not in record["body"]
    assert "June 20, 2018" not in record["body"]
    assert "The Sun" not in record["body"]
    assert "Later in the day, Microsft released a formal statement" in record["body"]
    assert paragraphs(record)[-1] == "Microsoft's full statement is below."


def test_it_drops_the_photo_caption_below_a_title():
    record = fixture_record("003")

    assert record["title"] == "Microsoft employees ask CEO to cancel ICE contract"
    assert (record["byline"], record["published_on"], record["outlet"]) == ("", None, None)
    assert paragraphs(record)[0].startswith("About 100 Microsoft employees sent an open letter")
    assert "Redmond" not in record["body"]


def test_it_drops_the_section_label_and_keeps_lists():
    record = fixture_record("004")

    assert record["title"] == (
        "Microsoft Employees Demand Cancelation of $19.4M ICE Contract over Trump Border Policy"
    )
    assert paragraphs(record)[0].startswith("Nearly 100 Microsoft employees signed a letter")
    assert "1. Cancel the existing Azure Government contract with ICE immediately." in paragraphs(record)
    assert "3. Commit to transparency" in record["body"]
    assert "Three things to consider:" in paragraphs(record)
    assert any(paragraph.startswith("• Finally, government contracts") for paragraph in paragraphs(record))
    # The source has no-break spaces: they become plain ones.
    assert "contract with U.S. Immigration" in record["body"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_it_leaves_no_site_chrome_in_a_corpus_file(prefix):
    record = fixture_record(prefix)

    for chrome in CORPUS_CHROME:
        assert chrome.lower() not in record["title"].lower()
        assert chrome.lower() not in record["body"].lower(), chrome


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_it_gives_a_corpus_file_a_canonical_body(prefix):
    body = fixture_record(prefix)["body"]

    assert body == canonicalize(body)
    assert body == unicodedata.normalize("NFC", body)
    assert "\n\n\n" not in body
    assert "  " not in body
    assert "\u00a0" not in body and "\t" not in body
    assert all(paragraph == paragraph.strip() and "\n" not in paragraph for paragraph in body.split("\n\n"))


# Cleaning rules -----------------------------------------------------------------------------------

CHROME_EXAMPLES = [
    "Watch LIVE",
    "  watch   live ",
    "{mosads}",
    "{/mosads}",
    "Copyright 2024 Nexstar Media Inc. All rights reserved. This material may not be published.",
    "© 2018 TheBlaze",
    "(c) 2018 Example News",
    "All rights reserved.",
    "Copyright © The Hill. All Rights Reserved.",
    "Most recent",
    "ALL ARTICLES",
    "Related articles",
    "Discuss This Article",
    "Other reports by",
    "News & Politics",
    "Microsoft visitor center in Redmond. (Photo by Stephen Brashear/Getty Images for Microsoft)",
    "Employees have demanded action. (Drew Angerer/Getty Images)",
    "Protesters outside the office. (Jane Doe/AP)",
    "The border fence. (John Smith/Reuters Pictures)",
]

KEPT_LINES = [
    "Watch live coverage of the hearing tonight.",
    "We watch live television together.",
    "Copyright law has not kept up with facial recognition.",
    "The Copyright Act of 1976 still governs most of this.",
    'The footer of the deleted post read "All rights reserved."',
    "The most recent letter was signed by 100 employees.",
    "All articles of the agreement were published.",
    "Discuss this article with your colleagues, the email said.",
    "News & Politics was the section where it first appeared, the editor said.",
    "He took the picture himself (photo by a colleague would have been easier), he said.",
    "The cloud deal (ICE/Azure) was worth $19.4 million.",
    "Reporters from AP, Reuters and AFP asked for comment.",
    "{mosads} appeared in the page source, the researcher said.",
]


@pytest.mark.parametrize("line", CHROME_EXAMPLES)
def test_it_recognises_site_chrome(line):
    assert is_chrome(" ".join(line.split()))


@pytest.mark.parametrize("line", KEPT_LINES)
def test_it_keeps_a_sentence_that_only_resembles_chrome(line):
    assert not is_chrome(line)
    assert parse(f"A title\n{line}\n")["body"] == line


@pytest.mark.parametrize("pattern", CHROME_LINES, ids=lambda pattern: pattern.pattern)
def test_it_has_an_example_for_every_cleaning_rule(pattern):
    assert any(pattern.fullmatch(" ".join(example.split())) for example in CHROME_EXAMPLES)


def test_it_drops_chrome_anywhere_in_a_file():
    record = parse(
        "News & Politics\nWatch LIVE\nA title\n{mosads}\nFirst paragraph.\nMost recent\nLast one.\n"
    )

    assert record["title"] == "A title"
    assert record["body"] == "First paragraph.\n\nLast one."


# Canonical text -----------------------------------------------------------------------------------


def test_it_composes_accents():
    assert canonicalize("Caf\u0065\u0301") == "Caf\u00e9"


def test_it_composes_an_accent_separated_by_an_invisible_character():
    assert canonicalize("Cafe\u200b\u0301 au lait") == "Caf\u00e9 au lait"
    assert canonicalize("Cafe\u00ad\u0301") == "Caf\u00e9"


def test_it_tidies_spaces_and_removes_invisible_characters():
    text = "\ufeff  Nearly\u00a0100\temployees\u200b  signed\u2009a\u200d letter.\u00a0 "

    assert canonicalize(text) == "Nearly 100 employees signed a letter."


def test_it_makes_every_line_a_paragraph_whatever_the_line_endings():
    expected = "One.\n\nTwo.\n\nThree."

    assert canonicalize("One.\r\nTwo.\r\n\r\n\r\nThree.\r\n") == expected
    assert canonicalize("One.\rTwo.\n \n\t\nThree.") == expected


def test_it_reads_a_file_with_crlf_line_endings_and_a_bom():
    record = parse(b"\xef\xbb\xbfA title\r\n\r\nBy Jane Doe\r\nFirst.\r\n\r\nSecond.\r\n")

    assert (record["title"], record["byline"], record["body"]) == ("A title", "Jane Doe", "First.\n\nSecond.")


def test_it_is_idempotent_on_messy_text():
    once = canonicalize(" \u00a0First\t line.\r\n\r\n\r\nSecond  line\u200b.\n\n  \nThird.\u2028\n")

    assert once == "First line.\n\nSecond line.\n\nThird."
    assert canonicalize(once) == once


def test_it_finds_paragraph_offsets_into_the_body():
    body = canonicalize("First.\nSecond one.\nThird.")

    assert [body[p.start : p.end] for p in split_paragraphs(body)] == ["First.", "Second one.", "Third."]


# Any text, and text made of the characters that trouble canonical form the most.
TRICKY_TEXT = st.text("ae \t\n\r\u00a0\u2028\u200b\u00ad\ufeff\u0301\u0327") | st.text()


@given(TRICKY_TEXT)
def test_it_canonicalizes_any_text_idempotently(text):
    once = canonicalize(text)

    assert canonicalize(once) == once
    assert once == unicodedata.normalize("NFC", once)
    assert "\n\n\n" not in once and "  " not in once
    assert all(p and p == p.strip() and "\n" not in p for p in once.split("\n\n") if once)


# Byline and date ----------------------------------------------------------------------------------


def test_it_takes_a_by_line_as_the_byline():
    record = parse("A title\nBy Jane Doe\nFirst paragraph.")

    assert (record["byline"], record["body"]) == ("Jane Doe", "First paragraph.")


def test_it_takes_several_authors_from_a_by_line():
    assert parse("A title\nBY JANE DOE AND JOHN SMITH\nText.")["byline"] == "JANE DOE AND JOHN SMITH"


def test_it_takes_a_name_line_followed_by_a_date_line():
    record = parse("A title\nDarnell Taylor\nJune 20, 2018\nFirst paragraph.")

    assert record["byline"] == "Darnell Taylor"
    assert record["published_on"] == datetime.date(2018, 6, 20)
    assert record["body"] == "First paragraph."


@pytest.mark.parametrize(
    "line",
    [
        "Published June 20, 2018",
        "Posted on: Jun 20, 2018",
        "Updated 2018-06-20",
        "20 June 2018",
        "June 20th, 2018",
        "20 Jun 2018",
        "2018-06-20T09:30:00Z",
        "Wed, 20 Jun 2018 09:30:00 GMT",
    ],
)
def test_it_takes_a_date_line(line):
    record = parse(f"A title\n{line}\nFirst paragraph.")

    assert (record["published_on"], record["body"]) == (datetime.date(2018, 6, 20), "First paragraph.")


@pytest.mark.parametrize("line", ["20/06/2018", "Sept", "2018", "20th"])
def test_it_reads_no_date_where_the_day_is_unclear_or_missing(line):
    record = parse(f"A title\n{line}\nFirst paragraph.")

    assert (record["published_on"], record["body"]) == (None, f"{line}\n\nFirst paragraph.")


def test_a_bulk_record_may_date_itself_with_a_timestamp_or_as_feeds_do(tmp_path):
    path = tmp_path / "feed.json"
    articles = [
        {"title": "One", "body": "One body.", "date": "2024-09-12T10:00:00+02:00"},
        {"title": "Two", "body": "Two body.", "date": "Sept 13th, 2024"},
    ]
    path.write_text(json.dumps(articles))

    dates = [record["published_on"] for record in iter_records([path])]

    assert dates == [datetime.date(2024, 9, 12), datetime.date(2024, 9, 13)]


def test_it_takes_a_by_line_and_a_published_line_in_either_order():
    for top in ["By Jane Doe\nPublished June 20, 2018", "Published June 20, 2018\nBy Jane Doe"]:
        record = parse(f"A title\n{top}\nText.")

        assert (record["byline"], record["published_on"], record["body"]) == (
            "Jane Doe",
            datetime.date(2018, 6, 20),
            "Text.",
        )


@pytest.mark.parametrize(
    "first",
    [
        "By the time the letter was published, more than 100 employees had signed it.",
        "By Monday, Microsoft had responded.",
        "Microsoft employees signed a letter on Tuesday.",
        "Satya Nadella",  # a name, but no date below it
        "What's the story?",
    ],
)
def test_it_keeps_an_ordinary_first_paragraph_in_the_body(first):
    record = parse(f"A title\n{first}\nSecond paragraph.")

    assert (record["byline"], record["published_on"]) == ("", None)
    assert record["body"] == f"{first}\n\nSecond paragraph."


def test_it_looks_for_byline_and_date_only_at_the_top():
    record = parse("A title\nFirst paragraph.\nBy Jane Doe\nJune 20, 2018")

    assert (record["byline"], record["published_on"]) == ("", None)
    assert record["body"] == "First paragraph.\n\nBy Jane Doe\n\nJune 20, 2018"


def test_it_prefers_the_manifests_byline_and_date(tmp_path):
    write(tmp_path, "manifest.json", {"files": {"a.txt": {"byline": "J. Doe", "date": "2018-06-21"}}})

    record = parse("A title\nBy Jane Doe\nJune 20, 2018\nText.", load_manifest(tmp_path / "manifest.json"))

    assert (record["byline"], record["published_on"]) == ("J. Doe", datetime.date(2018, 6, 21))


# Bad text files ---------------------------------------------------------------------------------

BAD_TEXT_FILES = {
    "empty": (b"", "the file is empty"),
    "whitespace only": (b"  \n\t\r\n ", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
    "utf-16": ("A title\nText.".encode("utf-16"), "NUL bytes"),
    "escape codes": (b"A title\n\x1b[31mText.\n", "control characters"),
    "bell": (b"A title\nText.\x07\n", "control characters"),
    "latin-1": ("A title\nCaf\u00e9 society.".encode("latin-1"), "not valid UTF-8"),
    "only chrome": (b"Watch LIVE\n{mosads}\nMost recent\nAll Articles\n", "missing title"),
    "only invisible characters": ("\u200b\u00a0\n\ufeff\n".encode(), "missing title"),
    "blank first line": (b"\nFirst paragraph.\nSecond paragraph.\n", "missing title"),
    "spaces and tabs on the first line": (b" \t \nFirst paragraph.\nSecond paragraph.\n", "missing title"),
    "invisible first line": ("\u200b\u00a0\u2060\nFirst paragraph.\nSecond.\n".encode(), "missing title"),
    "blank line above site chrome": (b"\nWatch LIVE\n\nFirst paragraph.\nSecond.\n", "missing title"),
    "absurdly long title": (("word " * 200).encode() + b"\nText.", f"the limit is {MAX_TITLE_CHARS}"),
    "title without body": (b"A title\n\nMost recent\n", "no body"),
    "title and byline without body": (b"A title\nBy Jane Doe\n", "no body"),
}


@pytest.mark.parametrize("raw, message", BAD_TEXT_FILES.values(), ids=BAD_TEXT_FILES.keys())
def test_it_refuses_a_bad_text_file(raw, message):
    problem = problem_with(parse, raw, None, "bad.txt")

    assert problem.source == "bad.txt"
    assert str(problem).startswith("bad.txt: ")
    assert message in str(problem)


def test_it_refuses_a_file_over_the_size_limit():
    raw = b"A title\n" + b"x" * MAX_FILE_BYTES

    assert f"the limit is {MAX_FILE_BYTES:,}" in str(problem_with(parse, raw, None, "big.txt"))


@pytest.mark.parametrize(
    "top",
    ["Watch LIVE\n\n", "News & Politics\n \t\nWatch LIVE\n\u200b\n\n", "{mosads}\n"],
    ids=["chrome and a blank line", "chrome and blank-looking lines", "chrome alone"],
)
def test_it_takes_the_title_below_site_chrome_and_blank_lines(top):
    record = parse(f"{top}A title\n\nFirst paragraph.\n")

    assert (record["title"], record["body"]) == ("A title", "First paragraph.")


def test_it_takes_the_title_below_a_line_the_manifest_drops(tmp_path):
    manifest = load_manifest(write(tmp_path, "manifest.json", {"files": {"a.txt": {"drop_lines": ["Ad"]}}}))

    assert parse("Ad\n\nA title\nText.", manifest)["title"] == "A title"


def test_it_accepts_a_title_at_the_limit():
    assert parse("x" * MAX_TITLE_CHARS + "\nText.")["title"] == "x" * MAX_TITLE_CHARS


# Bad manifests ----------------------------------------------------------------------------------

GOOD_OUTLETS = {"the-hill": {"name": "The Hill", "homepage_url": "https://thehill.com/"}}

BAD_MANIFESTS = {
    "not a JSON object": ([1, 2], "the manifest must be an object"),
    "unknown top-level field": ({"articles": {}}, "unknown field(s) articles"),
    "unknown file fact": (
        {"files": {"a.txt": {"author": "x"}}},
        "(file a.txt): the entry has unknown field(s) author",
    ),
    "unknown outlet field": (
        {"outlets": {"x": {"name": "X", "url": "https://x.com/"}}},
        "unknown field(s) url",
    ),
    "unknown outlet": (
        {"outlets": GOOD_OUTLETS, "files": {"a.txt": {"outlet": "hill"}}},
        "unknown outlet 'hill'",
    ),
    "unknown story": ({"files": {"a.txt": {"story": "ice"}}}, "unknown story 'ice'"),
    "outlet without a name": ({"outlets": {"x": {"description": "No name."}}}, "an outlet needs a name"),
    "ftp homepage": ({"outlets": {"x": {"name": "X", "homepage_url": "ftp://x.com/"}}}, "URL 'ftp://x.com/'"),
    "bad story date": ({"stories": {"s": {"title": "S", "date": "June 40, 2018"}}}, "date 'June 40, 2018'"),
    "byline not text": ({"files": {"a.txt": {"byline": 7}}}, "field 'byline' must be text"),
    "drop_lines not a list": ({"files": {"a.txt": {"drop_lines": "A line"}}}, "drop_lines must be a list"),
}


@pytest.mark.parametrize("data, message", BAD_MANIFESTS.values(), ids=BAD_MANIFESTS.keys())
def test_it_refuses_a_bad_manifest(tmp_path, data, message):
    problem = problem_with(load_manifest, write(tmp_path, "manifest.json", data))

    assert str(problem).startswith("manifest.json")
    assert message in str(problem)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b'{"files": {', "the manifest is not valid JSON"),
        (b'{"files": "\xe9"}', "the manifest is not valid JSON"),
    ],
)
def test_it_refuses_a_manifest_that_is_not_json(tmp_path, raw, message):
    problem = problem_with(load_manifest, write(tmp_path, "manifest.json", raw))

    assert str(problem).startswith(f"manifest.json: {message}")


BAD_FILE_FACTS = {
    "line to drop not in the file": (
        {"drop_lines": ["Not in the file"]},
        "drops a line that is not in the file",
    ),
    "javascript URL": ({"url": "javascript:alert(1)"}, "URL 'javascript:alert(1)' must start with http"),
    "ftp URL": ({"url": "ftp://example.com/a.txt"}, "URL 'ftp://example.com/a.txt' must start with http"),
    "bad date": ({"date": "yesterday"}, "date 'yesterday' is not a date"),
}


@pytest.mark.parametrize("facts, message", BAD_FILE_FACTS.values(), ids=BAD_FILE_FACTS.keys())
def test_it_refuses_a_file_whose_manifest_entry_does_not_fit(tmp_path, facts, message):
    manifest = load_manifest(write(tmp_path, "manifest.json", {"files": {"a.txt": facts}}))

    problem = problem_with(parse, "A title\nText.", manifest, "a.txt")

    assert str(problem).startswith("a.txt: ")
    assert message in str(problem)


def test_it_drops_the_manifests_lines_after_tidying_them(tmp_path):
    manifest = load_manifest(
        write(tmp_path, "manifest.json", {"files": {"a.txt": {"drop_lines": [" Ad  line "]}}})
    )

    assert parse("A title\nText.\nAd\u00a0line\nMore text.", manifest)["body"] == "Text.\n\nMore text."


# Bulk JSON ----------------------------------------------------------------------------------------


def test_it_reads_a_bulk_json_file(tmp_path):
    article = {
        "source_file": "bulk-1",
        "title": " Microsoft  workers protest ",
        "body": "Watch LIVE\nFirst\u00a0paragraph.\r\n\r\nSecond paragraph.",
        "outlet": "The Hill",
        "story": {"title": "ICE contract", "date": "2018-06-19"},
        "byline": "Jane Doe",
        "date": "June 20, 2018",
        "url": "https://example.com/a",
    }
    (record,) = iter_records([write(tmp_path, "bulk.json", [article])])

    assert record["title"] == "Microsoft workers protest"
    assert record["body"] == "First paragraph.\n\nSecond paragraph."
    assert record["outlet"]["slug"] == "the-hill"
    assert record["story"]["date"] == datetime.date(2018, 6, 19)
    assert record["published_on"] == datetime.date(2018, 6, 20)


BAD_BULK_FILES = {
    "an object": (
        {"source_file": "a", "title": "T", "body": "B"},
        "bulk.json: a bulk JSON file must hold a list",
    ),
    "malformed": (b'[{"source_file": "a", "title": ', "bulk.json: the file is not valid JSON"),
    "not UTF-8": (b'[{"source_file": "caf\xe9"}]', "bulk.json: the file is not valid JSON"),
    "item not an object": (["just text"], "bulk.json #1: each article must be an object"),
    "Django fixture": (
        [{"model": "auth.user", "pk": 1, "fields": {"username": "mallory", "is_superuser": True}}],
        "bulk.json #1: the article has unknown field(s) fields, model, pk",
    ),
    "title not text": ([{"source_file": "a", "title": 5, "body": "B"}], "bulk.json #1 (a): field 'title'"),
    "no title": ([{"source_file": "a", "body": "B"}], "bulk.json #1 (a): missing title"),
    "blank title": ([{"source_file": "a", "title": " \t ", "body": "B"}], "bulk.json #1 (a): missing title"),
    "invisible title": (
        [{"source_file": "a", "title": "\u200b\u00a0\ufeff", "body": "B"}],
        "bulk.json #1 (a): missing title",
    ),
    "no body": (
        [{"source_file": "a", "title": "T", "body": "{mosads}"}],
        "bulk.json #1 (a): the article has",
    ),
    "javascript URL": (
        [{"source_file": "a", "title": "T", "body": "B", "url": "javascript:alert(1)"}],
        "bulk.json #1 (a): URL 'javascript:alert(1)'",
    ),
    "bad date": ([{"source_file": "a", "title": "T", "body": "B", "date": "soon"}], "(a): date 'soon'"),
    "unknown outlet field": (
        [{"source_file": "a", "title": "T", "body": "B", "outlet": {"name": "X", "owner": "Y"}}],
        "(a): outlet has unknown field(s) owner",
    ),
}


@pytest.mark.parametrize("content, message", BAD_BULK_FILES.values(), ids=BAD_BULK_FILES.keys())
def test_it_refuses_a_bad_bulk_file(tmp_path, content, message):
    problem = problem_with(iter_records, [write(tmp_path, "bulk.json", content)])

    assert message in str(problem)


def test_it_names_the_bad_item_of_a_bulk_file(tmp_path):
    good = {"source_file": "a", "title": "T", "body": "B"}
    path = write(tmp_path, "bulk.json", [good, {**good, "source_file": "b", "title": ""}])

    assert str(problem_with(iter_records, [path])).startswith("bulk.json #2 (b): missing title")


def test_it_names_an_article_without_a_source_file_by_its_place_in_the_file(tmp_path):
    path = write(tmp_path, "bulk.json", [{"title": "T", "body": "B"}, {"title": "U", "body": "C"}])

    assert [record["source_file"] for record in iter_records([path])] == ["bulk.json#1", "bulk.json#2"]


# Files and folders --------------------------------------------------------------------------------


def test_it_refuses_a_path_that_does_not_exist(tmp_path):
    problem = problem_with(iter_records, [tmp_path / "nowhere"])

    assert str(problem) == f"{tmp_path / 'nowhere'}: no such file or folder"


def test_it_refuses_an_unsupported_file_type(tmp_path):
    problem = problem_with(iter_records, [write(tmp_path, "notes.md", "A title\nText.")])

    assert str(problem) == "notes.md: unsupported file type: use .csv, .htm, .html, .json, .jsonl, .txt"


def test_it_reads_only_the_article_files_of_a_folder(tmp_path):
    write(tmp_path, "b.txt", "Second title\nText.")
    write(tmp_path, "a.txt", "First title\nText.")
    write(tmp_path, "notes.md", "Not an article")
    write(tmp_path, "manifest.json", {"files": {"a.txt": {"byline": "Jane Doe"}}})

    records = list(iter_records([tmp_path]))

    assert [(record["source_file"], record["byline"]) for record in records] == [
        ("a.txt", "Jane Doe"),
        ("b.txt", ""),
    ]


def test_it_uses_a_manifest_given_instead_of_the_folders(tmp_path):
    write(tmp_path, "a.txt", "A title\nText.")
    other = write(tmp_path, "other.json.manifest", {"files": {"a.txt": {"byline": "John Smith"}}})

    (record,) = iter_records([tmp_path / "a.txt"], other)

    assert record["byline"] == "John Smith"
