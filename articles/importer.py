"""Parse corpus files into plain dicts (records) for services.import_articles().

Pure Python, no database. Inputs:
- a text file (.txt): after site chrome is removed, the first line is the title (a blank one is
  refused), byline and date lines right below it become fields, the rest is the body;
- a bulk JSON file (.json): a list of article objects (see BULK_FIELDS), read as a stream;
- a folder: its .txt and .json files and those of its subfolders in path order, with the
  folder's manifest.json.

A file's source key (Article.source_file) is its path inside the folder imported, "A/real.txt",
or its name when the file itself is named; the manifest names files by the same key. The
manifest says per file what is known (outlet, story, byline, date, URL, lines to drop);
whatever it does not say stays empty. Any problem raises ImportProblem naming the file.

Symbolic links are refused, never followed: a link in a folder could publish any file the
server can read. A bulk file's nesting and each article's size are capped while streaming, so
that memory stays bounded whatever the file holds.
"""

import datetime
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from django.utils.text import slugify

from articles.text import cleaning
from articles.text.canonical import PARAGRAPH_SEPARATOR, canonical_lines, tidy_line
from articles.text.cleaning import is_chrome

MANIFEST_NAME = "manifest.json"
MAX_FILE_BYTES = 1_000_000  # of a text file or a manifest, and characters of an article's body
MAX_TITLE_CHARS = 500
MAX_SOURCE_CHARS = 255  # Article.source_file
# A bulk file is a list of articles whose outlet and story may be objects: three levels deep.
MAX_BULK_DEPTH = 3
# The JSON of one article in a bulk file: its body's limit, with room for escapes like \u00e9.
MAX_ARTICLE_JSON_BYTES = 4 * MAX_FILE_BYTES

# "By" and capitalised names, so that a first paragraph like "By the time ..." stays text.
BYLINE = re.compile(r"(?i:by)\s+(?P<name>[A-Z][\w.'’-]*(?:(?:,| and| &)? [A-Z][\w.'’-]*){0,11})")
PERSON_NAME = re.compile(r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}")
DATE_PREFIX = re.compile(r"^(?:published|posted|updated)(?: on)?:?\s+", re.IGNORECASE)
# What no text holds but a binary file: control characters other than tab and line breaks.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
LINE_BREAK = re.compile(r"\r\n?|\n")  # as canonical_lines() splits lines
DATE_FORMATS = ["%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%d %B %Y", "%Y-%m-%d", "%b. %d, %Y"]

OUTLET_FIELDS = {"name", "homepage_url", "description"}
STORY_FIELDS = {"title", "summary", "date"}
FILE_FACTS = {"outlet", "story", "byline", "date", "url", "drop_lines"}
BULK_FIELDS = {"source_file", "title", "body", "outlet", "story", "byline", "date", "url"}


class ImportProblem(Exception):
    """A file that cannot be imported; the message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass
class Manifest:
    outlets: dict[str, dict] = field(default_factory=dict)
    stories: dict[str, dict] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    def facts_for(self, file_name: str) -> dict:
        return self.files.get(file_name, {})


def parse_date(text: str) -> datetime.date | None:
    text = DATE_PREFIX.sub("", text.strip())
    try:
        return datetime.date.fromisoformat(text)  # the bulk format's dates: 100x faster than strptime
    except ValueError:
        pass
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def check_url(source: str, url: str) -> str:
    if url and not re.match(r"https?://[^\s/]+", url, re.IGNORECASE):
        raise ImportProblem(source, f"URL {url!r} must start with http:// or https://")
    return url


def check_date(source: str, value: str) -> datetime.date | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ImportProblem(source, f"date {value!r} is not a date like 2018-06-20")
    return parsed


def check_object(source: str, what: str, data) -> dict:
    if not isinstance(data, dict):
        raise ImportProblem(source, f"{what} must be an object")
    return data


def check_keys(source: str, what: str, data, allowed: set[str]) -> dict:
    unknown = sorted(set(check_object(source, what, data)) - allowed)
    if unknown:
        raise ImportProblem(
            source, f"{what} has unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    return data


def text_field(source: str, data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportProblem(source, f"field {key!r} must be text, not {type(value).__name__}")
    if CONTROL_CHARACTER.search(value):
        raise ImportProblem(source, f"field {key!r} contains control characters")
    return value


def decode(source: str, raw: bytes) -> str:
    """Bytes to text, refusing what is not a UTF-8 text file."""
    if not raw.strip():
        raise ImportProblem(source, "the file is empty")
    if len(raw) > MAX_FILE_BYTES:
        raise ImportProblem(source, f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if b"\x00" in raw:
        raise ImportProblem(source, "the file contains NUL bytes (is it a binary file?)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(source, f"the file is not valid UTF-8 (byte {error.start})") from None
    if CONTROL_CHARACTER.search(text):
        raise ImportProblem(source, "the file contains control characters (is it a binary file?)")
    return text


def clean_lines(source: str, text: str, drop_lines: Iterable[str] = (), outlet: str = "") -> list[str]:
    """The text's lines, repaired, without site chrome and trailers (text.cleaning) and without the
    lines the manifest drops."""
    lines = cleaning.clean_lines(canonical_lines(cleaning.repair(text)), outlet)
    for dropped in map(tidy_line, drop_lines):
        if dropped not in lines:
            raise ImportProblem(
                source, f"the manifest drops a line that is not in the file: {dropped[:80]!r}"
            )
        lines = [line for line in lines if line != dropped]
    return lines


def take_byline_and_date(lines: list[str]) -> tuple[str, datetime.date | None, list[str]]:
    """Recognise byline and date lines at the top of the body and take them out."""
    byline, published_on, rest = "", None, lines
    while rest and (byline == "" or published_on is None):
        following = rest[1] if len(rest) > 1 else ""
        if published_on is None and (date := parse_date(rest[0])):
            published_on = date
        elif byline == "" and (name := byline_name(rest[0], following)):
            byline = name
        else:
            break
        rest = rest[1:]
    return byline, published_on, rest


def byline_name(line: str, following: str) -> str:
    """The author a line names: "By Jane Doe", or a bare name with a date on the next line."""
    if match := BYLINE.fullmatch(line):
        return match["name"]
    return line if PERSON_NAME.fullmatch(line) and parse_date(following) else ""


def check_title(source: str, title: str) -> str:
    if not title:
        raise ImportProblem(source, "missing title")
    if len(title) > MAX_TITLE_CHARS:
        raise ImportProblem(source, f"the title is {len(title):,} characters; the limit is {MAX_TITLE_CHARS}")
    return title


def check_body(source: str, lines: list[str]) -> str:
    if not lines:
        raise ImportProblem(source, "the article has a title but no body text")
    body = PARAGRAPH_SEPARATOR.join(lines)
    if len(body) > MAX_FILE_BYTES:
        raise ImportProblem(source, f"the body is {len(body):,} characters; the limit is {MAX_FILE_BYTES:,}")
    return body


def check_title_line(source: str, text: str, drop_lines: Iterable[str]) -> None:
    """Refuse a file whose title line is blank: the body's first line would become its title.

    The title is the first line, or the first after the site chrome above it and the blank
    lines that set the chrome apart ("Watch LIVE", "", "The title").
    """
    dropped = set(map(tidy_line, drop_lines))
    after_chrome = False
    for line in map(tidy_line, LINE_BREAK.split(text)):
        if is_chrome(line) or line in dropped:
            after_chrome = True
        elif line:
            return
        elif not after_chrome:
            raise ImportProblem(source, "missing title: the first line is blank")
    raise ImportProblem(source, "missing title: the file has no text besides site chrome")


def parse_text_file(source: str, raw: bytes, manifest: Manifest | None = None) -> dict:
    """One corpus text file (first line title, rest body) as a record."""
    facts = (manifest or Manifest()).facts_for(source)
    text = decode(source, raw)
    outlet = manifest.outlets[facts["outlet"]] if facts.get("outlet") else None
    check_title_line(source, text, facts.get("drop_lines", []))
    lines = clean_lines(source, text, facts.get("drop_lines", []), outlet_name(outlet))
    title = check_title(source, lines[0])
    byline, published_on, body_lines = take_byline_and_date(lines[1:])
    return {
        "source_file": source,
        "title": title,
        "body": check_body(source, body_lines),
        # What the manifest knows wins over what the text seems to say.
        "byline": facts.get("byline") or byline,
        "published_on": check_date(source, facts.get("date")) or published_on,
        "source_url": check_url(source, facts.get("url") or ""),
        "outlet": outlet,
        "story": manifest.stories[facts["story"]] if facts.get("story") else None,
    }


def outlet_name(record: dict | None) -> str:
    return record["name"] if record else ""


def outlet_record(source: str, data) -> dict | None:
    if not data:
        return None
    data, name = named(source, data, "outlet", "name", OUTLET_FIELDS)
    return {
        "name": name,
        "slug": slugify(name)[:200],
        "homepage_url": check_url(source, text_field(source, data, "homepage_url")),
        "description": text_field(source, data, "description"),
    }


def story_record(source: str, data) -> dict | None:
    if not data:
        return None
    data, title = named(source, data, "story", "title", STORY_FIELDS)
    return {
        "title": title,
        "slug": slugify(title)[:200],
        "summary": text_field(source, data, "summary"),
        "date": check_date(source, text_field(source, data, "date")),
    }


def named(source: str, data, what: str, name_field: str, fields: set[str]) -> tuple[dict, str]:
    """An outlet or story given by its name alone or as an object, and its name (never empty)."""
    data = {name_field: data} if isinstance(data, str) else check_keys(source, what, data, fields)
    name = tidy_line(text_field(source, data, name_field))
    if not name or not slugify(name):
        raise ImportProblem(source, f"{'an' if what[0] in 'aeiou' else 'a'} {what} needs a {name_field}")
    return data, name


def load_manifest(path: Path) -> Manifest:
    """Read and check a manifest; every reference in it must resolve."""
    source = path.name
    refuse_link(source, path)
    try:
        data = json.loads(read_file(source, path))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportProblem(source, f"the manifest is not valid JSON: {error}") from None
    except RecursionError:
        raise ImportProblem(source, "the manifest is nested too deeply") from None
    data = check_keys(source, "the manifest", data, {"outlets", "stories", "files"})
    manifest = Manifest()
    for key, outlet in check_object(source, "outlets", data.get("outlets", {})).items():
        manifest.outlets[key] = outlet_record(f"{source} (outlet {key})", outlet)
    for key, story in check_object(source, "stories", data.get("stories", {})).items():
        manifest.stories[key] = story_record(f"{source} (story {key})", story)
    for file_name, facts in check_object(source, "files", data.get("files", {})).items():
        manifest.files[file_name] = check_file_facts(f"{source} (file {file_name})", facts, manifest)
    return manifest


def check_file_facts(where: str, facts, manifest: Manifest) -> dict:
    """What the manifest says of one file, each reference resolving to its outlets or stories."""
    check_keys(where, "the entry", facts, FILE_FACTS)
    for key in FILE_FACTS - {"drop_lines"}:
        text_field(where, facts, key)
    for key, known in [("outlet", manifest.outlets), ("story", manifest.stories)]:
        if facts.get(key) and facts[key] not in known:
            raise ImportProblem(where, f"unknown {key} {facts[key]!r}")
    drop_lines = facts.get("drop_lines", [])
    if not isinstance(drop_lines, list) or not all(isinstance(line, str) for line in drop_lines):
        raise ImportProblem(where, "drop_lines must be a list of lines")
    return facts


def remembered(memo: dict, build, where: str, data):
    """build(where, data), once per distinct value: a bulk file names each outlet many times."""
    key = (build.__name__, data if isinstance(data, str) else json.dumps(data, sort_keys=True))
    if key not in memo:
        memo[key] = build(where, data)
    return memo[key]


def bulk_record(source: str, data, memo: dict) -> dict:
    """One object of a bulk JSON file as a record."""
    if not isinstance(data, dict):
        raise ImportProblem(source, "each article must be an object")
    check_keys(source, "the article", data, BULK_FIELDS)
    name = text_field(source, data, "source_file")
    if not name:
        raise ImportProblem(source, "the article has no source_file (a unique name for it)")
    where = f"{source} ({name[:80]})"
    outlet = remembered(memo, outlet_record, where, data.get("outlet"))
    return {
        "source_file": check_source_key(where, name),
        "title": check_title(where, tidy_line(text_field(where, data, "title"))),
        "body": check_body(
            where, clean_lines(where, text_field(where, data, "body"), outlet=outlet_name(outlet))
        ),
        "byline": tidy_line(text_field(where, data, "byline")),
        "published_on": check_date(where, text_field(where, data, "date")),
        "source_url": check_url(where, text_field(where, data, "url")),
        "outlet": outlet,
        "story": remembered(memo, story_record, where, data.get("story")),
    }


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


def list_items(events: Iterator[tuple[str, object]]) -> Iterator[object]:
    """The items of the JSON list whose start ijson just reported, built one at a time.

    Nesting deeper than a bulk file's is refused as soon as it opens, before anything is built.
    """
    depth = 0  # inside the list
    for event, value in events:
        if depth == 0:
            if event == "end_array":
                return
            builder = ijson.ObjectBuilder()
        if event in ("start_map", "start_array"):
            depth += 1
            if depth >= MAX_BULK_DEPTH:
                raise BeyondLimits(
                    f"the JSON is nested more than {MAX_BULK_DEPTH} levels deep "
                    "(a list of articles whose outlet and story may be objects)"
                )
        elif event in ("end_map", "end_array"):
            depth -= 1
        builder.event(event, value)
        if depth == 0:
            yield builder.value


def iter_bulk_file(source: str, path: Path) -> Iterator[dict]:
    """Stream the articles of a bulk JSON file without loading it whole."""
    with path.open("rb") as file:
        reader = ArticleSizeLimit(file)
        events = ijson.basic_parse(reader, use_float=True)
        memo, number = {}, 1
        try:
            if next(events, ("", None))[0] != "start_array":
                raise ImportProblem(source, "a bulk JSON file must hold a list of articles")
            for item in list_items(events):
                yield bulk_record(f"{source} #{number}", item, memo)
                reader.mark()
                number += 1
            next(events, None)  # to the end of the file: anything after the list is an error
        except ijson.JSONError as error:
            raise ImportProblem(source, f"the file is not valid JSON: {json_problem(error)}") from None
        except BeyondLimits as problem:
            raise ImportProblem(f"{source} #{number}", str(problem)) from None


def json_problem(error: ijson.JSONError) -> str:
    """The first line of ijson's message, which may come as bytes and quotes the text below it."""
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return (str(message).strip().splitlines() or ["unreadable"])[0]


def refuse_link(source: str, path: Path) -> None:
    if path.is_symlink():
        raise ImportProblem(source, "is a symbolic link: the importer does not follow links")


def check_source_key(source: str, key: str) -> str:
    if len(key) > MAX_SOURCE_CHARS:
        raise ImportProblem(source, f"the name is {len(key):,} characters; the limit is {MAX_SOURCE_CHARS}")
    return key


def read_file(source: str, path: Path) -> bytes:
    """A text file or manifest's bytes, never more than the limit."""
    with path.open("rb") as file:
        raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportProblem(source, f"the file is larger than the limit of {MAX_FILE_BYTES:,} bytes")
    return raw


def folder_files(folder: Path, root: Path) -> Iterator[Path]:
    """The .txt and .json files in a folder and its subfolders, in path order.

    Hidden files and folders (".git", "._a.txt") are skipped; symbolic links are refused.
    """
    for path in sorted(folder.iterdir()):
        where = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue
        refuse_link(where, path)
        if path.is_dir():
            yield from folder_files(path, root)
        elif path.name == MANIFEST_NAME and folder != root:
            raise ImportProblem(where, f"only the {MANIFEST_NAME} of the folder imported is read")
        elif path.suffix in {".txt", ".json"} and path.name != MANIFEST_NAME:
            yield path


def iter_records(paths: Iterable[Path], manifest_path: Path | None = None) -> Iterator[dict]:
    """Every record in the given files and folders, one at a time."""
    for path in map(Path, paths):
        refuse_link(str(path), path)
        if not path.exists():
            raise ImportProblem(str(path), "no such file or folder")
        root = path if path.is_dir() else path.parent
        files = folder_files(root, root) if path.is_dir() else [path]
        manifest_file = manifest_path or root / MANIFEST_NAME
        manifest = load_manifest(manifest_file) if os.path.lexists(manifest_file) else Manifest()
        for file in files:
            source = check_source_key(str(file), file.relative_to(root).as_posix())
            if file.suffix == ".json":
                yield from iter_bulk_file(source, file)
            elif file.suffix == ".txt":
                yield parse_text_file(source, read_file(source, file), manifest)
            else:
                raise ImportProblem(source, "unsupported file type: use .txt or .json")
