"""Saved web pages of articles (.html, .htm): the article's text and facts, as trafilatura extracts
them from the file alone (no URL is fetched). What the folder's manifest says of a page wins over
what the page says of itself."""

import logging
import re

from django.utils.text import slugify

from articles.importer.checks import (
    CONTROL_CHARACTER,
    LANGUAGE_TAG,
    MAX_SUBTITLE_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    byline_of,
    check_body,
    check_date,
    check_text_bytes,
    check_title,
    check_url,
    clean_lines,
    one_line,
    outlet_name,
    outlet_record,
)
from articles.importer.problems import ImportProblem
from articles.importer.text_files import Manifest
from articles.text.canonical import tidy_line
from articles.text.wire import agency_credits

# A saved page carries scripts, styles and markup around the article: more room than a text file.
MAX_PAGE_BYTES = 5_000_000
MAX_OUTLET_CHARS = 200  # Outlet.name

# trafilatura reports pages it finds little in at WARNING; our report says it once, as a problem.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

# The dates a page states (its metadata, JSON-LD, <time datetime>, a full date in its text), never
# one htmldate's extensive search guesses from a bare year ("© 2024" would give 1 January 2024).
STATED_DATES_ONLY = {"extensive_search": False, "original_date": True}

# A page holds article text when, its chrome removed, it has this many words and at least one
# sentence of SENTENCE_WORDS words ending in a full stop, a question or an exclamation: a menu
# ("Home / US / World"), a cookie notice or an error page's few words have not.
MIN_ARTICLE_WORDS = 20
SENTENCE_WORDS = 6
SENTENCE_END = re.compile(r"[.!?…][\"”’')]*(?=\s|$)")
NO_ARTICLE_TEXT = "no article text found in the page"


def extract(source: str, raw: bytes):
    """trafilatura's Document for the page (text and metadata), and the page's declared language."""
    check_text_bytes(source, raw, MAX_PAGE_BYTES)  # its encoding is the page's to say (its charset)
    import trafilatura  # noqa: PLC0415 (here: 0.2 s and 28 MB that only imports of web pages need)

    tree = trafilatura.load_html(raw)
    if tree is None:
        raise ImportProblem(source, "not an HTML page that can be read")
    language = tree.get("lang") or ""
    page = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=STATED_DATES_ONLY,
    )
    if page is None or not (page.text or "").strip():
        raise ImportProblem(source, NO_ARTICLE_TEXT)
    return page, language


def parse_html_file(source: str, raw: bytes, manifest: Manifest | None = None) -> dict:
    """One saved article page as a record."""
    manifest = manifest or Manifest()
    facts = manifest.facts_for(source)
    page, language = extract(source, raw)
    outlet = manifest.outlet_for(facts) or page_outlet(source, page.sitename or "")
    title = one_line(without_controls(page.title or ""))
    text = without_controls(page.text)
    lines = clean_lines(source, text, facts.get("drop_lines", []), outlet_name(outlet))
    if lines and lines[0] == title:
        lines = lines[1:]  # the page's heading, which trafilatura keeps in the text
    if not has_article_text(lines):
        raise ImportProblem(source, NO_ARTICLE_TEXT)
    byline = facts.get("byline") or byline_of([one_line(name) for name in (page.author or "").split(";")])
    return {
        "source_file": source,
        "origin": (source, None),
        "title": check_title(source, title),
        "subtitle": subtitle(page.description or "", lines),
        "body": check_body(source, lines),
        "byline": byline,
        "language": page_language(language or page.language or ""),
        "keywords": page_keywords(page.tags or []),
        "wire_agencies": agency_credits(text, byline),  # before cleaning takes the credits out
        "published_on": check_date(source, facts.get("date") or page.date or ""),
        "source_url": check_url(source, facts.get("url") or page_url(page.url or "")),
        "outlet": outlet,
        "story": manifest.story_for(facts),
    }


def has_article_text(lines: list[str]) -> bool:
    """Whether the lines are an article's text rather than a page's menus and notices."""
    words = sum(len(line.split()) for line in lines)
    return words >= MIN_ARTICLE_WORDS and any(map(has_sentence, lines))


def has_sentence(line: str) -> bool:
    start = 0
    for end in SENTENCE_END.finditer(line):
        if len(line[start : end.start()].split()) >= SENTENCE_WORDS:
            return True
        start = end.end()
    return False


def subtitle(description: str, lines: list[str]) -> str:
    """The page's description as the subtitle, unless it only repeats the start of the text."""
    description = one_line(description)
    repeats_lede = bool(lines) and lines[0].startswith(description.rstrip(".…").rstrip())
    return "" if repeats_lede or len(description) > MAX_SUBTITLE_CHARS else description


# What the page says of itself is a hint: a malformed hint is left out rather than refusing the page.


def without_controls(text: str) -> str:
    return CONTROL_CHARACTER.sub("", text)


def page_outlet(source: str, name: str) -> dict | None:
    name = one_line(name)
    return outlet_record(source, name) if slugify(name) and len(name) <= MAX_OUTLET_CHARS else None


def page_language(tag: str) -> str:
    return tag if LANGUAGE_TAG.fullmatch(tag := tag.strip().replace("_", "-")) else ""


def page_keywords(tags: list[str]) -> list[str]:
    spellings = {}
    for tag in (tidy_line(part) for given in tags for part in given.split(",")):  # meta keywords: "a, b"
        spellings.setdefault(tag.casefold(), tag)
    return [tag for tag in spellings.values() if tag and len(tag) <= MAX_TAG_CHARS][:MAX_TAGS]


def page_url(url: str) -> str:
    """The page's canonical URL, when it gives a full one (a relative one says nothing alone)."""
    return url if url.lower().startswith(("http://", "https://")) else ""
