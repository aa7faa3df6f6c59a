"""Files of many articles: bulk JSON (a list of article objects), JSON Lines (one object a line) and
CSV with a header row, all with the same fields (BULK_FIELDS), all read as a stream.

Each yields a record, or the ImportProblem of a bad one, and goes on to the next; only what stops
the file from being read further (broken JSON syntax, an article too large to parse, a broken CSV
row) raises. An article's size and nesting are capped while streaming, so that memory stays bounded
whatever the file holds.
"""

import codecs
import csv
import io
import json
import mmap
import os
import re
from collections.abc import Iterator
from pathlib import Path

import ijson

from articles.importer.checks import (
    MAX_FILE_BYTES,
    byline_of,
    check_body,
    check_date,
    check_keys,
    check_keywords,
    check_language,
    check_source_key,
    check_subtitle,
    check_title,
    check_url,
    clean_lines,
    names_field,
    one_line,
    outlet_name,
    outlet_record,
    remembered,
    story_record,
    text_field,
)
from articles.importer.problems import ImportProblem
from articles.text.wire import agency_credits

BULK_FIELDS = {
    "source_file",
    "title",
    "subtitle",
    "body",
    "outlet",
    "story",
    "byline",
    "authors",
    "date",
    "url",
    "language",
    "tags",
}
LIST_FIELDS = {"authors", "tags"}  # a CSV cell holds them separated by ";"
# A bulk file is a list of articles whose outlet and story may be objects: three levels deep.
MAX_BULK_DEPTH = 3
# The JSON of one article in a bulk file: its body's limit, with room for escapes like \u00e9.
MAX_ARTICLE_JSON_BYTES = 4 * MAX_FILE_BYTES

Record = dict | ImportProblem
NOT_READ = "the rest of the file was not read"
# The byte order marks of UTF-16 and UTF-32 (UTF-32LE's starts with UTF-16LE's).
WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
# A \u escape of half a surrogate pair: the high half (D800-DBFF) comes first, the low (DC00-DFFF) second.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD]([89abAB]|[c-fC-F])[0-9a-fA-F]{2}")
LOW_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def skip_utf8_bom(source: str, file) -> None:
    """Put a binary file past the UTF-8 byte order mark that some editors write, refusing a file in
    UTF-16 or UTF-32 (spreadsheet programs' "Unicode text"), which would read as garbage."""
    head = file.read(4)
    if head.startswith(WIDE_BOMS):
        raise ImportProblem(source, "the file is UTF-16 or UTF-32 text: save it as UTF-8")
    file.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)


def article_record(source: str, number: int, data, memo: dict) -> dict:
    """One article object (or CSV row) as a record. Without a source_file, the article's name is its
    place in the file, "export.jsonl#12": importing the same file again finds it again."""
    if not isinstance(data, dict):
        raise ImportProblem(source, "each article must be an object")
    check_keys(source, "the article", data, BULK_FIELDS)
    name = text_field(source, data, "source_file") or f"{source}#{number}"
    outlet = remembered(memo, outlet_record, source, data.get("outlet"))
    byline = one_line(text_field(source, data, "byline")) or byline_of(names_field(source, data, "authors"))
    body = text_field(source, data, "body")
    return {
        "source_file": check_source_key(source, name),
        "origin": (source, number),
        "title": check_title(source, one_line(text_field(source, data, "title"))),
        "subtitle": check_subtitle(source, one_line(text_field(source, data, "subtitle"))),
        "body": check_body(source, clean_lines(source, body, outlet=outlet_name(outlet))),
        "byline": byline,
        "language": check_language(source, text_field(source, data, "language")),
        "keywords": check_keywords(source, names_field(source, data, "tags")),
        "wire_agencies": agency_credits(body, byline),  # before cleaning takes the credits out
        "published_on": check_date(source, text_field(source, data, "date")),
        "source_url": check_url(source, text_field(source, data, "url")),
        "outlet": outlet,
        "story": remembered(memo, story_record, source, data.get("story")),
    }


def record_or_problem(source: str, number: int, data, memo: dict) -> Record:
    """The record, or its problem located at the article: the file, its number and its name."""
    try:
        return article_record(source, number, data, memo)
    except ImportProblem as problem:
        return problem.at(source, number, record_name(data))


def record_name(data) -> str:
    """What names a bad record in the report: its source_file, else its title (a CSV row or an
    article without a source_file is otherwise known by its number alone)."""
    names = [data.get(key) for key in ("source_file", "title")] if isinstance(data, dict) else []
    return next((one_line(name)[:200] for name in names if isinstance(name, str) and name.strip()), "")


# Bulk JSON -------------------------------------------------------------------------------------


class ArticleSizeLimit:
    """A binary file for ijson that refuses to hand over more than one article's worth of bytes.

    ijson holds a whole string (and the value being built) in memory: the limit bounds both.
    mark() starts the count again after each article.
    """

    def __init__(self, file):
        self.file = file
        self.since_mark = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.since_mark += len(data)
        if self.since_mark > MAX_ARTICLE_JSON_BYTES:
            raise BeyondLimits(f"the article takes more than {MAX_ARTICLE_JSON_BYTES:,} bytes of JSON")
        return data

    def mark(self) -> None:
        self.since_mark = 0


class BeyondLimits(Exception):
    """An article of a bulk file too large or too deep to build: the message says which."""


TOO_DEEP = BeyondLimits(
    f"the JSON is nested more than {MAX_BULK_DEPTH} levels deep "
    "(a list of articles whose outlet and story may be objects)"
)


def list_items(events: Iterator[tuple[str, object]]) -> Iterator[object]:
    """The items of the JSON list whose start ijson just reported, built one at a time.

    An item nested deeper than a bulk file's is not built (from the moment it goes too deep): it
    comes as TOO_DEEP, and the next items follow.
    """
    depth, builder = 0, None  # inside the list
    try:
        for event, value in events:
            if depth == 0:
                if event == "end_array":
                    return
                builder = ijson.ObjectBuilder()
            if event in ("start_map", "start_array"):
                depth += 1
                if depth >= MAX_BULK_DEPTH:
                    builder = None
            elif event in ("end_map", "end_array"):
                depth -= 1
            if builder is not None:
                builder.event(event, value)
            if depth == 0:
                yield TOO_DEEP if builder is None else builder.value
    except BeyondLimits as beyond:
        # Still inside an item too deep to build when the size limit stopped the reading: its depth
        # is the true cause.
        raise (TOO_DEEP if builder is None else beyond) from None


def iter_bulk_file(source: str, path: Path) -> Iterator[Record]:
    """Stream the articles of a bulk JSON file without loading it whole."""
    with path.open("rb") as file:
        skip_utf8_bom(source, file)
        reader = ArticleSizeLimit(file)
        events = json_parser(file).basic_parse(reader, use_float=True)
        memo, number = {}, 1
        try:
            if next(events, ("", None))[0] != "start_array":
                raise ImportProblem(source, "a bulk JSON file must hold a list of articles")
            for item in list_items(events):
                if isinstance(item, BeyondLimits):
                    yield ImportProblem(source, str(item), index=number)
                else:
                    yield record_or_problem(source, number, item, memo)
                reader.mark()
                number += 1
            next(events, None)  # to the end of the file: anything after the list is an error
        except ijson.JSONError as error:
            raise ImportProblem(source, f"the file is not valid JSON: {json_problem(error)}") from None
        except BeyondLimits as problem:
            raise ImportProblem(source, f"{problem}; {NOT_READ}", index=number) from None


def json_parser(file):
    """ijson's fast parser (yajl), unless the file escapes half a surrogate pair alone: yajl reads a
    high half as "?" and fails on a low one, where ijson's Python parser gives both to the checks,
    which refuse the article."""
    if os.fstat(file.fileno()).st_size:
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if has_lone_surrogate(data):
                return ijson.get_backend("python")
    return ijson


def has_lone_surrogate(data) -> bool:
    """Whether the JSON escapes half of a surrogate pair without the other half ("\\ud800" or
    "\\udfff" alone): a regular expression over the bytes, faster than parsing them."""
    pair_end = -1
    for escape in SURROGATE_ESCAPE.finditer(data):
        start = escape.start()
        if start == pair_end or escaped_backslash(data, start):
            continue  # the low half of a pair, or text after an escaped backslash ("\\ud800")
        if escape[1] in b"cdefCDEF" or not LOW_SURROGATE_ESCAPE.match(data, escape.end()):
            return True
        pair_end = escape.end()
    return False


def escaped_backslash(data, position: int) -> bool:
    """Whether the backslash at the position is the second of an escaped one: an odd number of
    backslashes come before it."""
    start = position
    while start and data[start - 1] == ord("\\"):
        start -= 1
    return (position - start) % 2 == 1


def json_problem(error: ijson.JSONError) -> str:
    """The first line of ijson's message, which may come as bytes and quotes the text below it."""
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return (str(message).strip().splitlines() or ["unreadable"])[0]


# JSON Lines ------------------------------------------------------------------------------------


def bounded_lines(file, limit: int) -> Iterator[bytes | None]:
    """A binary file's lines, each None when longer than the limit (the rest of it is skipped
    unread into memory)."""
    while line := file.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := file.readline(limit)) and not rest.endswith(b"\n"):
            pass
        yield None


def depth_of(value) -> int:
    """How deeply a parsed JSON value nests lists and objects (an object of texts: 1)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def iter_json_lines_file(source: str, path: Path) -> Iterator[Record]:
    """The articles of a JSON Lines file, one object a line (blank lines skipped); a record's
    number is its line's."""
    memo = {}
    with path.open("rb") as file:
        skip_utf8_bom(source, file)
        for number, line in enumerate(bounded_lines(file, MAX_ARTICLE_JSON_BYTES), start=1):
            if line is not None and not line.strip():
                continue
            try:
                data = json_line(source, line)
            except ImportProblem as problem:
                yield problem.at(source, number)
                continue
            yield record_or_problem(source, number, data, memo)


def json_line(source: str, line: bytes | None):
    if line is None:
        raise ImportProblem(source, f"the line takes more than {MAX_ARTICLE_JSON_BYTES:,} bytes")
    try:
        data = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportProblem(source, f"the line is not valid UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        problem = f"the line is not valid JSON: {json_line_problem(error)} (column {error.colno})"
        raise ImportProblem(source, problem) from None
    except RecursionError:
        raise ImportProblem(source, str(TOO_DEEP)) from None
    if depth_of(data) >= MAX_BULK_DEPTH:
        raise ImportProblem(source, str(TOO_DEEP))
    return data


# The json module's messages in plain words (its message itself for any other).
JSON_PROBLEMS = {
    "Invalid control character at": "a text holds a tab or line break that is not written as \\t or \\n",
    "Expecting value": "a value is missing or is not written as JSON (texts go in double quotes)",
    "Expecting ',' delimiter": "a comma is missing between two values",
    "Expecting ':' delimiter": "a colon is missing after a field's name",
    "Expecting property name enclosed in double quotes": (
        "a field's name is missing or not in double quotes (or a comma is left before a closing brace)"
    ),
    "Extra data": "something follows the article's object on the same line",
    "Invalid \\escape": "a backslash starts no valid escape (write \\\\ for a backslash)",
    "Invalid \\uXXXX escape": "a \\u escape needs four hexadecimal digits",
}


def json_line_problem(error: json.JSONDecodeError) -> str:
    """Why a line is not JSON, for a person. A line cut short (a truncated export) says so: json
    reports it as a control character (the line's own line break) or an unterminated string."""
    cut_short = not error.doc[error.pos :].strip() or error.msg.startswith("Unterminated string")
    if cut_short and error.msg.startswith(("Unterminated string", "Invalid control character")):
        return "it ends inside a quoted text (is the line cut short?)"
    if cut_short:
        return "it ends before the article's object is closed (is the line cut short?)"
    return JSON_PROBLEMS.get(error.msg, error.msg)


# CSV -------------------------------------------------------------------------------------------


def iter_csv_file(source: str, path: Path) -> Iterator[Record]:
    """The articles of a CSV file whose header row names BULK_FIELDS; authors and tags are cells of
    names separated by ";". A record's number is its row's, the header not counted."""
    csv.field_size_limit(MAX_FILE_BYTES)  # a body's limit (the default, 128 KB, refuses long articles)
    memo, number = {}, 0
    with path.open("rb") as file:
        skip_utf8_bom(source, file)
        # newline="": a line break inside a quoted cell is the cell's (the csv module's own advice).
        text = io.TextIOWrapper(file, encoding="utf-8", newline="")
        try:
            # strict: a file cut short inside a quoted cell is an error, not a row with the cell cut.
            rows = csv.reader(line_checked(text, source), strict=True)
            header = csv_header(source, next(rows, None))
            for number, cells in enumerate(rows, start=1):
                if not any(cells):
                    continue  # a blank line
                yield csv_record(source, number, header, cells, memo)
        except csv.Error as error:
            raise ImportProblem(source, csv_problem(error), index=number + 1) from None
        except UnicodeDecodeError as error:
            problem = f"the file is not valid UTF-8 ({error.reason}); {NOT_READ}"
            raise ImportProblem(source, problem, index=number + 1) from None


def csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is larger than the limit of {MAX_FILE_BYTES:,} characters; {NOT_READ}"
    if "unexpected end of data" in str(error):
        return "the file ends inside a quoted cell (is it cut short, or is a closing quote missing?)"
    if "expected after '\"'" in str(error):
        return f'a quote inside a quoted cell must be doubled ("" for "); {NOT_READ}'
    return f"the CSV cannot be read ({error}); {NOT_READ}"


def line_checked(lines: Iterator[str], source: str) -> Iterator[str]:
    """The lines, refusing a binary file (csv itself stops at a NUL with a cryptic message)."""
    for line in lines:
        if "\x00" in line:
            raise ImportProblem(source, "the file contains NUL bytes (is it a binary file?)")
        yield line


def csv_header(source: str, header: list[str] | None) -> list[str]:
    if not header:
        raise ImportProblem(source, "the file is empty (a CSV file starts with a header row)")
    names = [name.strip().lower() for name in header]
    unknown = sorted(set(names) - BULK_FIELDS)
    if unknown:
        raise ImportProblem(
            source,
            f"the header has unknown column(s) {', '.join(unknown)[:200]}; "
            f"allowed: {', '.join(sorted(BULK_FIELDS))}",
        )
    if len(set(names)) < len(names):
        raise ImportProblem(source, "the header names a column twice")
    if not {"title", "body"} <= set(names):
        raise ImportProblem(source, "the header needs at least the columns title and body")
    return names


def csv_record(source: str, number: int, header: list[str], cells: list[str], memo: dict) -> Record:
    data = {name: cell for name, cell in zip(header, cells, strict=False) if cell.strip()}
    if len(cells) > len(header):
        problem = f"the row has {len(cells)} cells; the header names {len(header)}"
        return ImportProblem(source, problem, index=number, name=record_name(data))
    for name in LIST_FIELDS & set(data):
        data[name] = data[name].split(";")
    return record_or_problem(source, number, data, memo)
