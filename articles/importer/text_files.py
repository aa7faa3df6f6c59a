"""Corpus text files (.txt) and the folder's manifest.json that says what is known of each file."""

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from articles.importer.checks import (
    check_body,
    check_date,
    check_keys,
    check_object,
    check_title,
    check_url,
    clean_lines,
    decode,
    outlet_name,
    outlet_record,
    parse_date,
    read_file,
    refuse_link,
    story_record,
    text_field,
)
from articles.importer.problems import ImportProblem
from articles.text.canonical import tidy_line
from articles.text.cleaning import is_chrome
from articles.text.wire import agency_credits

# "By" and capitalised names, so that a first paragraph like "By the time ..." stays text.
BYLINE = re.compile(r"(?i:by)\s+(?P<name>[A-Z][\w.'’-]*(?:(?:,| and| &)? [A-Z][\w.'’-]*){0,11})")
PERSON_NAME = re.compile(r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}")
LINE_BREAK = re.compile(r"\r\n?|\n")  # as canonical_lines() splits lines
FILE_FACTS = {"outlet", "story", "byline", "date", "url", "drop_lines"}


@dataclass
class Manifest:
    outlets: dict[str, dict] = field(default_factory=dict)
    stories: dict[str, dict] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    def facts_for(self, file_name: str) -> dict:
        return self.files.get(file_name, {})

    def outlet_for(self, facts: dict) -> dict | None:
        return self.outlets[facts["outlet"]] if facts.get("outlet") else None

    def story_for(self, facts: dict) -> dict | None:
        return self.stories[facts["story"]] if facts.get("story") else None


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
    manifest = manifest or Manifest()
    facts = manifest.facts_for(source)
    text = decode(source, raw)
    outlet = manifest.outlet_for(facts)
    check_title_line(source, text, facts.get("drop_lines", []))
    lines = clean_lines(source, text, facts.get("drop_lines", []), outlet_name(outlet))
    title = check_title(source, lines[0])
    byline, published_on, body_lines = take_byline_and_date(lines[1:])
    byline = facts.get("byline") or byline  # what the manifest knows wins over what the text seems to say
    return {
        "source_file": source,
        "origin": (source, None),
        "title": title,
        "subtitle": "",
        "body": check_body(source, body_lines),
        "byline": byline,
        "language": "",
        "keywords": [],
        "wire_agencies": agency_credits(text, byline),  # before cleaning takes the credits out
        "published_on": check_date(source, facts.get("date")) or published_on,
        "source_url": check_url(source, facts.get("url") or ""),
        "outlet": outlet,
        "story": manifest.story_for(facts),
    }


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
