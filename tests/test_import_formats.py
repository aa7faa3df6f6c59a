"""The importer's formats: the bulk JSON's new fields, JSON Lines, CSV and saved web pages, and the
report of every bad record (pure parsing, no database)."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from articles.importer import (
    MAX_ARTICLE_JSON_BYTES,
    MAX_FILE_BYTES,
    MAX_LISTED_PROBLEMS,
    ImportProblem,
    ImportReport,
    iter_records,
)
from articles.text import wire

# A wire story as the feeds give it: the whole body on one line.
ONE_LINE_BODY = (
    "LONDON - The central bank held rates at 5.25% on Thursday, saying inflation was still "
    "too high. \u201cWe are not there yet,\u201d Governor Andrew Bailey told reporters."
)
ARTICLE = {"source_file": "a", "title": "Bank holds rates", "body": ONE_LINE_BODY}


def write(folder: Path, name: str, content: str | bytes | list | dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, list | dict):
        content = json.dumps(content)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def json_lines(*items) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)


def csv_text(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def read(*paths: Path) -> tuple[list[dict], ImportReport]:
    report = ImportReport()
    return list(iter_records(paths, report=report)), report


def problems(report: ImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


# The bulk JSON's new fields -----------------------------------------------------------------------


def test_a_bulk_article_has_a_subtitle_a_language_authors_and_tags(tmp_path):
    article = {
        **ARTICLE,
        "subtitle": "  Inflation  is still too high ",
        "language": "en_GB",
        "authors": ["Jane Doe", "John Smith", "Ana Lima"],
        "tags": ["Economy", "Bank of England", "economy", " "],
    }
    (record,) = iter_records([write(tmp_path, "bulk.json", [article])])

    assert record["subtitle"] == "Inflation is still too high"
    assert record["language"] == "en-GB"
    assert record["byline"] == "Jane Doe, John Smith and Ana Lima"
    assert record["keywords"] == ["Economy", "Bank of England"]


@pytest.mark.parametrize(
    "authors, byline", [(["Jane Doe"], "Jane Doe"), (["Jane Doe", "John Smith"], "Jane Doe and John Smith")]
)
def test_authors_make_the_byline(tmp_path, authors, byline):
    (record,) = iter_records([write(tmp_path, "bulk.json", [{**ARTICLE, "authors": authors}])])

    assert record["byline"] == byline


def test_a_byline_given_wins_over_the_authors(tmp_path):
    article = {**ARTICLE, "byline": "By the newsroom", "authors": ["Jane Doe"]}
    (record,) = iter_records([write(tmp_path, "bulk.json", [article])])

    assert record["byline"] == "By the newsroom"


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"authors": "Jane Doe"}, "field 'authors' must be a list of texts, not str"),
        ({"tags": [1, 2]}, "field 'tags' must be text, not int"),
        ({"language": "English (UK)"}, "language 'English (UK)' is not a language tag like en or pt-BR"),
        ({"subtitle": "x" * 1001}, "the subtitle is 1,001 characters; the limit is 1000"),
        ({"tags": [f"tag {n}" for n in range(101)]}, "tags: at most 100 tags"),
    ],
)
def test_bad_new_fields_are_refused_with_their_reason(tmp_path, fields, reason):
    records, report = read(write(tmp_path, "bulk.json", [{**ARTICLE, **fields}]))

    assert records == []
    (problem,) = problems(report)
    assert problem.startswith(f"bulk.json #1 (a): {reason}")


def test_wire_credits_are_read_from_the_text_before_cleaning(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(wire, "agency_credits", lambda text, byline="": seen.append((text, byline)) or ["AP"])
    monkeypatch.setattr("articles.importer.bulk.agency_credits", wire.agency_credits)
    body = "The vote was close.\n\nWatch LIVE"
    (record,) = iter_records([write(tmp_path, "bulk.json", [{**ARTICLE, "body": body, "byline": "AP"}])])

    assert seen == [(body, "AP")]  # the chrome line is still there: the text before cleaning
    assert record["wire_agencies"] == ["AP"] and "Watch LIVE" not in record["body"]


# Every bad record, in one run ------------------------------------------------------------------------


def test_every_bad_record_of_a_bulk_file_is_reported_with_its_place_and_true_reason(tmp_path):
    articles = [
        ARTICLE,
        {**ARTICLE, "source_file": "b", "title": ""},
        {**ARTICLE, "source_file": "c", "body": "{mosads}"},
        {**ARTICLE, "source_file": "d"},
        {**ARTICLE, "source_file": "e", "date": "next week"},
    ]
    records, report = read(write(tmp_path, "bulk.json", articles))

    assert [record["source_file"] for record in records] == ["a", "d"]
    assert problems(report) == [
        "bulk.json #2 (b): missing title",  # not blamed on site chrome
        "bulk.json #3 (c): the article has a title but no body text",
        "bulk.json #5 (e): date 'next week' is not a date like 2018-06-20",
    ]
    assert report.rows()[0] == {"file": "bulk.json", "index": 2, "name": "b", "reason": "missing title"}


def test_an_article_nested_too_deep_is_reported_and_the_next_ones_read(tmp_path):
    articles = [{**ARTICLE, "outlet": {"name": {"x": ["y"]}}}, {**ARTICLE, "source_file": "b"}]
    records, report = read(write(tmp_path, "bulk.json", articles))

    assert [record["source_file"] for record in records] == ["b"]
    assert problems(report)[0].startswith("bulk.json #1: the JSON is nested more than 3 levels deep")


def test_broken_json_syntax_stops_the_file_but_not_the_others(tmp_path):
    write(tmp_path, "a.json", b'[{"source_file": "a", "title": "T", "body": "B"}, {"source_file": ')
    write(tmp_path, "b.txt", "A title\nA body.")

    records, report = read(tmp_path)

    assert [record["source_file"] for record in records] == ["a", "b.txt"]
    assert problems(report) == ["a.json: the file is not valid JSON: parse error: premature EOF"]


def test_the_report_lists_a_thousand_problems_and_counts_the_rest(tmp_path):
    bad = [{"source_file": f"n{n}", "title": "", "body": "B"} for n in range(MAX_LISTED_PROBLEMS + 5)]
    records, report = read(write(tmp_path, "bulk.json", bad))

    assert records == [] and report.count == MAX_LISTED_PROBLEMS + 5
    assert len(report.problems) == MAX_LISTED_PROBLEMS and report.unlisted == 5
    assert report.lines()[-1] == "... and 5 more"


def test_a_bad_file_in_a_folder_is_reported_and_the_others_read(tmp_path):
    write(tmp_path, "a.txt", "A title\nA body.")
    write(tmp_path, "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path, "c.txt", "\nThe first line is blank.")
    (tmp_path / "d.txt").symlink_to("/etc/hostname")
    write(tmp_path, "e.txt", "Another title\nAnother body.")

    records, report = read(tmp_path)

    assert [record["source_file"] for record in records] == ["a.txt", "e.txt"]
    assert problems(report) == [
        "b.txt: the file contains NUL bytes (is it a binary file?)",
        "c.txt: missing title: the first line is blank",
        "d.txt: is a symbolic link: the importer does not follow links",
    ]


def test_without_a_report_the_first_problem_is_raised(tmp_path):
    path = write(tmp_path, "bulk.json", [ARTICLE, {**ARTICLE, "source_file": "b", "title": ""}])

    with pytest.raises(ImportProblem, match=r"^bulk.json #2 \(b\): missing title$"):
        list(iter_records([path]))


# JSON Lines ---------------------------------------------------------------------------------------


def test_json_lines_are_read_one_article_a_line(tmp_path):
    path = write(
        tmp_path,
        "feed.jsonl",
        json_lines(ARTICLE, {**ARTICLE, "source_file": "b", "tags": ["Rates"], "authors": ["Jane Doe"]}),
    )

    records = list(iter_records([path]))

    assert [(record["source_file"], record["body"]) for record in records] == [
        ("a", ONE_LINE_BODY),
        ("b", ONE_LINE_BODY),
    ]
    assert records[1]["keywords"] == ["Rates"] and records[1]["byline"] == "Jane Doe"


def test_a_broken_line_in_the_middle_is_reported_by_its_number_and_the_rest_read(tmp_path):
    content = json_lines(
        ARTICLE,
        '{"source_file": "b", "title": "Broken',
        "",
        ["not", "an", "object"],
        {**ARTICLE, "source_file": "d", "title": ""},
        {**ARTICLE, "source_file": "e"},
    )
    records, report = read(write(tmp_path, "feed.jsonl", content))

    assert [record["source_file"] for record in records] == ["a", "e"]
    assert problems(report) == [
        "feed.jsonl #2: the line is not valid JSON: it ends inside a quoted text "
        "(is the line cut short?) (column 38)",
        "feed.jsonl #4: each article must be an object",
        "feed.jsonl #5 (d): missing title",
    ]


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"title": "Cut', "it ends inside a quoted text (is the line cut short?) (column 15)"),
        ('{"title": "T", "body": ', "it ends before the article's object is closed (is the line cut short?)"),
        ('{"title" "T"}', "a colon is missing after a field's name (column 10)"),
        ('{"title": "T" "body": "B"}', "a comma is missing between two values (column 15)"),
        ("{'title': 'T'}", "a field's name is missing or not in double quotes"),
        ('{"title": "T"} {"title": "U"}', "something follows the article's object on the same line"),
        ('{"title": "a\tb"}', "a text holds a tab or line break that is not written as \\t or \\n"),
    ],
)
def test_a_line_that_is_not_json_is_reported_in_plain_words(tmp_path, line, reason):
    _, report = read(write(tmp_path, "feed.jsonl", line + "\n"))

    (problem,) = problems(report)
    assert problem.startswith("feed.jsonl #1: the line is not valid JSON: ") and reason in problem


def test_a_bad_record_without_a_source_file_is_named_by_its_title(tmp_path):
    _, report = read(
        write(tmp_path, "feed.jsonl", json_lines({"title": "Storm hits coast", "body": "B", "date": "May"}))
    )

    assert report.rows()[0]["name"] == "Storm hits coast"
    assert problems(report)[0].startswith("feed.jsonl #1 (Storm hits coast): date 'May'")


def test_json_lines_without_names_are_named_by_their_line(tmp_path):
    path = write(
        tmp_path, "feed.jsonl", json_lines({"title": "T", "body": "B"}, "", {"title": "U", "body": "C"})
    )

    assert [record["source_file"] for record in iter_records([path])] == ["feed.jsonl#1", "feed.jsonl#3"]


def test_an_overlong_or_too_deep_or_undecodable_line_is_reported(tmp_path):
    huge = json.dumps({**ARTICLE, "body": "x" * (MAX_ARTICLE_JSON_BYTES + 10)})
    deep = json.dumps({**ARTICLE, "story": {"title": {"deeper": 1}}})
    path = write(tmp_path, "feed.jsonl", f"{huge}\n{deep}\n".encode() + b'{"title": "caf\xe9"}\n')
    with path.open("ab") as file:
        file.write(json_lines({**ARTICLE, "source_file": "ok"}).encode())

    records, report = read(path)

    assert [record["source_file"] for record in records] == ["ok"]
    assert problems(report) == [
        f"feed.jsonl #1: the line takes more than {MAX_ARTICLE_JSON_BYTES:,} bytes",
        "feed.jsonl #2: the JSON is nested more than 3 levels deep "
        "(a list of articles whose outlet and story may be objects)",
        "feed.jsonl #3: the line is not valid UTF-8 (byte 14)",
    ]


# CSV ----------------------------------------------------------------------------------------------


def test_csv_cells_may_hold_quotes_commas_and_line_breaks(tmp_path):
    body = 'He said "no", twice.\nThen he left,\r\nangry.'
    path = write(
        tmp_path,
        "export.csv",
        csv_text(
            ["source_file", "title", "body", "outlet", "authors", "tags", "date", "language"],
            [
                "a",
                'The "no" vote',
                body,
                "The Daily",
                "Jane Doe; John Smith",
                "Politics;Votes",
                "2024-03-06",
                "en",
            ],
        ),
    )

    (record,) = iter_records([path])

    assert record["title"] == 'The "no" vote'
    assert record["body"] == 'He said "no", twice.\n\nThen he left,\n\nangry.'
    assert record["outlet"]["name"] == "The Daily"
    assert record["byline"] == "Jane Doe and John Smith"
    assert record["keywords"] == ["Politics", "Votes"]
    assert str(record["published_on"]) == "2024-03-06" and record["language"] == "en"


def test_a_csv_cell_may_hold_a_whole_long_article(tmp_path):
    body = "word " * 60_000  # beyond the csv module's default limit of 128 KB
    path = write(tmp_path, "export.csv", csv_text(["title", "body"], ["Long", body]))

    (record,) = iter_records([path])

    assert len(record["body"]) == len(body.strip()) and record["source_file"] == "export.csv#1"


def test_bad_csv_rows_are_reported_by_their_number_and_the_rest_read(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "\ufeff"
        + csv_text(
            ["Title", "Body", "Date"],
            ["Good", "Text.", ""],
            ["", "No title here.", ""],
            ["Bad date", "Text.", "06/03/2024"],
            [],
            ["Too many", "Text.", "", "extra"],
            ["Also good", "More text.", "2024-03-06"],
        ),
    )

    records, report = read(path)

    assert [record["title"] for record in records] == ["Good", "Also good"]
    assert problems(report) == [
        "export.csv #2: missing title",
        "export.csv #3 (Bad date): date '06/03/2024' is not a date like 2018-06-20",
        "export.csv #5 (Too many): the row has 4 cells; the header names 3",
    ]
    assert [row["name"] for row in report.rows()] == ["", "Bad date", "Too many"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty (a CSV file starts with a header row)"),
        (
            b"title,body,section\nT,B,World\n",
            "the header has unknown column(s) section; allowed: authors, body,",
        ),
        (b"title,title,body\n", "the header names a column twice"),
        (b"source_file,title\n", "the header needs at least the columns title and body"),
        (b"title,body\nT,B\x00\n", "the file contains NUL bytes"),
        (b"title,body\nT,caf\xe9\n", "#1: the file is not valid UTF-8 (invalid continuation byte)"),
    ],
)
def test_a_csv_file_that_cannot_be_read_says_why(tmp_path, content, reason):
    _, report = read(write(tmp_path, "export.csv", content))

    assert reason in problems(report)[0]


def test_a_csv_cell_beyond_the_body_limit_stops_the_file_with_that_reason(tmp_path):
    path = write(
        tmp_path, "export.csv", csv_text(["title", "body"], ["A", "B"], ["Huge", "x" * (MAX_FILE_BYTES + 1)])
    )

    records, report = read(path)

    assert [record["title"] for record in records] == ["A"]
    assert problems(report) == [
        f"export.csv #2: a cell is larger than the limit of {MAX_FILE_BYTES:,} characters; "
        "the rest of the file was not read"
    ]


def test_a_csv_file_cut_inside_a_quoted_cell_is_refused_not_read_as_whole(tmp_path):
    content = 'source_file,title,body\nb,Whole,Text.\na,First,"Para one.\n\nPara two is here and'
    records, report = read(write(tmp_path, "cut.csv", content))

    assert [record["source_file"] for record in records] == ["b"]
    assert problems(report) == [
        "cut.csv #2: the file ends inside a quoted cell (is it cut short, or is a closing quote missing?)"
    ]


# Encodings, Unicode and names in any script ---------------------------------------------------------

BULK_FILES = {
    "bulk.json": json.dumps([ARTICLE]),
    "feed.jsonl": json_lines(ARTICLE),
    "export.csv": csv_text(list(ARTICLE), list(ARTICLE.values())),
}


@pytest.mark.parametrize("name", BULK_FILES)
def test_a_bulk_file_may_start_with_the_utf8_byte_order_mark(tmp_path, name):
    (record,) = iter_records([write(tmp_path, name, "\ufeff" + BULK_FILES[name])])

    assert (record["source_file"], record["title"]) == ("a", "Bank holds rates")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("name", BULK_FILES)
def test_a_bulk_file_in_utf16_or_utf32_is_refused_with_what_to_do(tmp_path, name, encoding):
    records, report = read(write(tmp_path, name, ("\ufeff" + BULK_FILES[name]).encode(encoding)))

    assert records == []
    assert problems(report) == [f"{name}: the file is UTF-16 or UTF-32 text: save it as UTF-8"]


# Half of a surrogate pair, as a JSON escape writes it: yajl failed on a low half alone and read a
# high half alone as "?". Each: the field, and the article's name and field in the report.
LONE_HALVES = {
    "low": (rb'"source_file": "a\udfff", "title": "T"', "a\\udfff", "source_file"),
    "high": (rb'"title": "T\ud800"', "T\\ud800", "title"),
    "high before a letter": (rb'"title": "T\ud800\u0041"', "T\\ud800A", "title"),
    "after an escaped backslash": (rb'"title": "T\\\ud800"', "T\\\\ud800", "title"),
    "in the wrong order": (rb'"title": "T", "byline": "\udc00\ud800"', "T", "byline"),
}


@pytest.mark.parametrize("field, name, key", LONE_HALVES.values(), ids=LONE_HALVES.keys())
@pytest.mark.parametrize("file_name", ["bulk.json", "feed.jsonl"])
def test_half_a_surrogate_pair_refuses_its_article_and_the_next_is_read(
    tmp_path, file_name, field, name, key
):
    bad = b'{"body": "Some text.", ' + field + b"}"
    good = json.dumps({**ARTICLE, "source_file": "b"}).encode()
    content = b"[" + bad + b", " + good + b"]" if file_name == "bulk.json" else bad + b"\n" + good + b"\n"
    records, report = read(write(tmp_path, file_name, content))

    assert [record["source_file"] for record in records] == ["b"]
    (problem,) = problems(report)
    assert problem.startswith(f"{file_name} #1 ({name}): field '{key}' is not valid Unicode text: it holds")
    assert problem.endswith(", half of a surrogate pair")


def test_a_surrogate_pair_and_an_escaped_backslash_before_u_are_text(tmp_path):
    article = {**ARTICLE, "title": "Smiles \U0001f600 all round", "byline": r"C:\ud800\Jane"}
    content = json.dumps([article])  # the emoji as two escapes "\ud83d\ude00", the backslash as "\\"
    assert r"\ud83d\ude00" in content and r"C:\\ud800" in content

    (record,) = iter_records([write(tmp_path, "bulk.json", content)])

    assert (record["title"], record["byline"]) == ("Smiles \U0001f600 all round", r"C:\ud800\Jane")


@pytest.mark.parametrize("name", ["הארץ", "日本経済新聞", "Ελευθεροτυπία"])
def test_an_outlet_and_a_story_named_in_another_script_get_ascii_slugs_of_their_own(tmp_path, name):
    articles = [
        {**ARTICLE, "outlet": name, "story": name},
        {**ARTICLE, "source_file": "b", "outlet": f"{name}!", "story": {"title": f"{name} {name}"}},
    ]
    first, second = iter_records([write(tmp_path, "bulk.json", articles)])
    (again,) = iter_records([write(tmp_path, "again.json", articles[:1])])

    assert (first["outlet"]["name"], first["story"]["title"]) == (name, name)
    assert re.fullmatch(r"outlet-[0-9a-f]{12}", first["outlet"]["slug"])
    assert re.fullmatch(r"story-[0-9a-f]{12}", first["story"]["slug"])
    assert second["outlet"]["slug"] == first["outlet"]["slug"]  # as "Le Monde!" is "le-monde"
    assert second["story"]["slug"] != first["story"]["slug"]
    assert (again["outlet"], again["story"]) == (first["outlet"], first["story"])


def test_names_that_differ_only_in_another_script_keep_slugs_apart_and_latin_ones_as_they_were(tmp_path):
    names = ["BBC Русская служба", "BBC 中文", "Süddeutsche Zeitung", "Straße"]
    articles = [{**ARTICLE, "source_file": name, "outlet": name, "story": name} for name in names]
    records = iter_records([write(tmp_path, "bulk.json", articles)])

    slugs = [record["outlet"]["slug"] for record in records]
    assert re.fullmatch(r"bbc-[0-9a-f]{12}", slugs[0]) and re.fullmatch(r"bbc-[0-9a-f]{12}", slugs[1])
    assert slugs[0] != slugs[1] and [record["story"]["slug"] for record in records][:2] != ["bbc", "bbc"]
    assert slugs[2:] == ["suddeutsche-zeitung", "strae"]  # no other script: as before


def test_a_quote_not_doubled_inside_a_quoted_cell_is_refused_with_how_to_write_it(tmp_path):
    content = 'source_file,title,body\na,First,"He said "hi" there."\nb,Second,Text.'
    records, report = read(write(tmp_path, "quotes.csv", content))

    assert records == []
    assert problems(report) == [
        'quotes.csv #1: a quote inside a quoted cell must be doubled ("" for "); '
        "the rest of the file was not read"
    ]


@pytest.mark.parametrize("name", ["!!!", " \u200b ", "— · —"])
def test_an_outlet_named_by_punctuation_alone_is_refused(tmp_path, name):
    records, report = read(write(tmp_path, "bulk.json", [{**ARTICLE, "outlet": name}]))

    assert records == [] and problems(report) == ["bulk.json #1 (a): an outlet needs a name"]


# Saved web pages ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Bank holds rates | The Daily</title>
  <meta property="og:site_name" content="The Daily">
  <meta property="og:title" content="Bank holds rates">
  <meta name="description" content="Inflation is still too high, the governor says.">
  <meta name="author" content="Jane Doe">
  <meta name="keywords" content="Economy, Interest rates">
  <meta property="article:published_time" content="2024-03-06T10:00:00Z">
  <link rel="canonical" href="https://daily.example/economy/bank-holds-rates">
  <script>var tracking = "not text";</script>
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/economy">Economy</a></nav>
  <article>
    <h1>Bank holds rates</h1>
    <p>The central bank held its main interest rate at 5.25% on Thursday, saying that inflation,
    while falling, was still well above its target of two percent.</p>
    <p>“We are not there yet,” Governor Andrew Bailey told reporters at a news conference in London,
    adding that the committee would keep a close eye on wages.</p>
    <p>Markets had expected the decision, which was backed by six of the nine members of the committee.</p>
  </article>
  <footer>Subscribe to our newsletter. Copyright 2024 The Daily.</footer>
</body>
</html>
"""


def test_a_saved_page_gives_its_text_and_facts(tmp_path):
    (record,) = iter_records([write(tmp_path, "bank.html", PAGE)])

    assert record["title"] == "Bank holds rates"
    assert record["body"].startswith("The central bank held its main interest rate at 5.25% on Thursday")
    assert "Markets had expected the decision" in record["body"]
    assert not any(
        chrome in record["body"] for chrome in ["Home", "tracking", "newsletter", "Bank holds rates"]
    )
    assert record["byline"] == "Jane Doe"
    assert str(record["published_on"]) == "2024-03-06"
    assert record["outlet"]["name"] == "The Daily"
    assert record["source_url"] == "https://daily.example/economy/bank-holds-rates"
    assert record["language"] == "en-GB"
    assert record["subtitle"] == "Inflation is still too high, the governor says."
    assert record["keywords"] == ["Economy", "Interest rates"]


def test_a_folder_of_pages_without_a_manifest(tmp_path):
    write(tmp_path, "pages/a.html", PAGE)
    write(
        tmp_path, "pages/b.htm", PAGE.replace("Bank holds rates", "Bank keeps rates").replace("six", "seven")
    )
    write(tmp_path, "pages/c.html", "<html><head><title>A page</title></head><body><div></div></body></html>")

    records, report = read(tmp_path / "pages")

    assert [(record["source_file"], record["title"]) for record in records] == [
        ("a.html", "Bank holds rates"),
        ("b.htm", "Bank keeps rates"),
    ]
    assert problems(report) == ["c.html: no article text found in the page"]


def test_the_manifest_wins_over_what_a_page_says_of_itself(tmp_path):
    write(tmp_path, "a.html", PAGE)
    manifest = {
        "outlets": {"wire": {"name": "The Wire Service"}},
        "stories": {"rates": {"title": "Rates in March"}},
        "files": {
            "a.html": {
                "outlet": "wire",
                "story": "rates",
                "byline": "John Smith",
                "date": "2024-03-07",
                "url": "https://wire.example/rates",
            }
        },
    }
    write(tmp_path, "manifest.json", manifest)

    (record,) = iter_records([tmp_path])

    assert record["outlet"]["name"] == "The Wire Service" and record["story"]["title"] == "Rates in March"
    assert record["byline"] == "John Smith" and str(record["published_on"]) == "2024-03-07"
    assert record["source_url"] == "https://wire.example/rates"


def test_a_page_without_a_title_is_refused_for_that(tmp_path):
    page = PAGE.replace("<title>Bank holds rates | The Daily</title>", "").replace(
        '<meta property="og:title" content="Bank holds rates">', ""
    )
    page = page.replace("<h1>Bank holds rates</h1>", "")

    _, report = read(write(tmp_path, "a.html", page))

    assert problems(report) == ["a.html: missing title"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file contains NUL bytes"),
        (PAGE.encode("utf-16"), "the file contains NUL bytes"),
    ],
)
def test_a_file_that_is_no_page_is_refused(tmp_path, content, reason):
    _, report = read(write(tmp_path, "a.html", content))

    assert reason in problems(report)[0]


def test_a_page_keeps_no_relative_canonical_url_and_no_malformed_language(tmp_path):
    page = PAGE.replace("https://daily.example/economy/bank-holds-rates", "/economy/bank").replace(
        'lang="en-GB"', 'lang="English please"'
    )
    (record,) = iter_records([write(tmp_path, "a.html", page)])

    assert record["source_url"] == "" and record["language"] == ""


def test_a_page_in_the_encoding_its_charset_declares_is_read(tmp_path):
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Markets had", "Café owners had")
    (record,) = iter_records(
        [write(tmp_path, "a.html", page.replace("“", '"').replace("”", '"').encode("latin-1"))]
    )

    assert "Café owners had expected the decision" in record["body"]


def test_a_page_without_a_site_name_is_from_its_host(tmp_path):
    page = PAGE.replace('<meta property="og:site_name" content="The Daily">', "").replace(" | The Daily", "")
    (record,) = iter_records([write(tmp_path, "a.html", page)])

    assert record["outlet"]["name"] == "daily.example"  # trafilatura's stand-in, from the canonical URL


# A page's chrome around no article: a menu, a few words, a notice.
NO_ARTICLE_PAGES = {
    "menu": '<nav><a href="/">Home</a> / <a href="/us">US</a> / <a href="/world">World</a></nav>',
    "a few words": "<main><p>Live updates: storm latest</p></main>",
    "an error page": "<main><h2>Page not found</h2><p>Sorry, this page has moved or been deleted.</p></main>",
    "a list of links": "<main><ul>"
    + "".join(f'<li><a href="/{n}">Storm news story number {n} from the coast</a></li>' for n in range(8))
    + "</ul></main>",
}


@pytest.mark.parametrize("body", NO_ARTICLE_PAGES.values(), ids=NO_ARTICLE_PAGES.keys())
def test_a_page_without_article_text_is_refused_for_that(tmp_path, body):
    page = (
        '<!DOCTYPE html><html><head><title>The Daily - Breaking News</title><meta property="og:site_name" '
        f'content="The Daily"></head><body>{body}<footer>© 2024 The Daily</footer></body></html>'
    )

    records, report = read(write(tmp_path, "index.html", page))

    assert records == [] and problems(report) == ["index.html: no article text found in the page"]


def test_a_short_news_brief_is_article_text(tmp_path):
    brief = (
        "<article><h1>Storm hits coast</h1><p>MIAMI (AP) — A storm hit the Florida coast on Friday, "
        "leaving about 40,000 homes without power and closing two airports, officials said.</p></article>"
    )
    page = f"<html><head><title>Storm hits coast</title></head><body>{brief}</body></html>"

    (record,) = iter_records([write(tmp_path, "a.html", page)])

    assert "A storm hit the Florida coast on Friday" in record["body"]


def without_dates(page: str) -> str:
    return page.replace('<meta property="article:published_time" content="2024-03-06T10:00:00Z">', "")


def test_a_page_date_is_never_guessed_from_a_copyright_year(tmp_path):
    (record,) = iter_records([write(tmp_path, "a.html", without_dates(PAGE))])

    assert "Copyright 2024" in PAGE and record["published_on"] is None


@pytest.mark.parametrize(
    "statement",
    [
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"datePublished": "2024-03-07T08:00:00Z"}</script>',
        '<meta itemprop="datePublished" content="2024-03-07">',
    ],
)
def test_a_date_the_page_states_in_its_metadata_is_kept(tmp_path, statement):
    page = without_dates(PAGE).replace("</head>", f"{statement}</head>")

    (record,) = iter_records([write(tmp_path, "a.html", page)])

    assert str(record["published_on"]) == "2024-03-07"


def test_a_date_in_a_time_element_is_kept(tmp_path):
    page = without_dates(PAGE).replace("<h1>", '<time datetime="2024-03-05">5 March</time><h1>')

    (record,) = iter_records([write(tmp_path, "a.html", page)])

    assert str(record["published_on"]) == "2024-03-05"
