"""The checks every format's fields pass, and the records of outlets and stories they name.

Each check returns the value it accepts or raises ImportProblem with the true cause.
"""

import datetime
import email.utils
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from django.utils.text import slugify

from articles.importer.problems import ImportProblem
from articles.text import cleaning
from articles.text.canonical import PARAGRAPH_SEPARATOR, canonical_lines, tidy_line

MANIFEST_NAME = "manifest.json"
MAX_FILE_BYTES = 1_000_000  # of a text file or a manifest, and characters of an article's body
MAX_TITLE_CHARS = 500
MAX_SUBTITLE_CHARS = 1000  # Article.subtitle
MAX_SOURCE_CHARS = 255  # Article.source_file
MAX_TAGS = 100
MAX_TAG_CHARS = 100

DATE_PREFIX = re.compile(r"^(?:published|posted|updated)(?: on)?:?\s+", re.IGNORECASE)
# What no text holds but a binary file: control characters other than tab and line breaks.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Half of a surrogate pair: no character, yet a JSON escape ("\\ud800") can write one.
SURROGATE = re.compile("[\ud800-\udfff]")
DATE_FORMATS = ["%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%d %B %Y", "%Y-%m-%d", "%b. %d, %Y", "%d %b %Y"]
# What strptime does not read in dates as news sites write them: "Sept 12th, 2024" -> "Sep 12, 2024".
DATE_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
DATE_SEPT = re.compile(r"\bSept\b", re.IGNORECASE)
# A language tag (BCP 47 in its usual short forms): en, pt-BR, zh-Hant-TW; "_" is read as "-".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")

OUTLET_FIELDS = {"name", "homepage_url", "description"}
STORY_FIELDS = {"title", "summary", "date"}


def parse_date(text: str) -> datetime.date | None:
    """The day a date names, as files write them; None for anything else (also for 12/09/2024,
    whose day and month only the file's country tells apart)."""
    text = DATE_PREFIX.sub("", text.strip())
    try:
        return datetime.date.fromisoformat(text)  # the bulk format's dates: 100x faster than strptime
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text).date()  # exports' timestamps: 2024-09-12T10:00:00Z
    except ValueError:
        pass
    text = DATE_SEPT.sub("Sep", DATE_ORDINAL.sub("", text))
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(text).date()  # feeds': Thu, 12 Sep 2024 10:00:00 GMT
    except (TypeError, ValueError):
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


def check_language(source: str, value: str) -> str:
    tag = value.strip().replace("_", "-")
    if tag and not LANGUAGE_TAG.fullmatch(tag):
        raise ImportProblem(source, f"language {value[:40]!r} is not a language tag like en or pt-BR")
    return tag


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


def check_text(source: str, key: str, value) -> str:
    if not isinstance(value, str):
        raise ImportProblem(source, f"field {key!r} must be text, not {type(value).__name__}")
    if CONTROL_CHARACTER.search(value):
        raise ImportProblem(source, f"field {key!r} contains control characters")
    if surrogate := SURROGATE.search(value):
        half = f"\\u{ord(surrogate[0]):x}"
        problem = f"field {key!r} is not valid Unicode text: it holds {half}, half of a surrogate pair"
        raise ImportProblem(source, problem)
    return value


def text_field(source: str, data: dict, key: str) -> str:
    value = data.get(key)
    return "" if value is None else check_text(source, key, value)


def names_field(source: str, data: dict, key: str) -> list[str]:
    """A list of short texts (authors, tags), tidied, without blanks and repeats."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem(source, f"field {key!r} must be a list of texts, not {type(value).__name__}")
    names = {}
    for item in value:
        name = tidy_line(cleaning.repair(check_text(source, key, item)))
        names.setdefault(name.casefold(), name)
    return [name for name in names.values() if name]


def check_keywords(source: str, tags: list[str]) -> list[str]:
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_CHARS for tag in tags):
        raise ImportProblem(source, f"tags: at most {MAX_TAGS} tags of at most {MAX_TAG_CHARS} characters")
    return tags


def byline_of(authors: list[str]) -> str:
    """Names as a byline: "A", "A and B", "A, B and C"."""
    return " and ".join(filter(None, [", ".join(authors[:-1]), *authors[-1:]]))


def check_text_bytes(source: str, raw: bytes, limit: int) -> None:
    """Refuse a file that is empty, larger than the limit or binary (text files and web pages)."""
    if not raw.strip():
        raise ImportProblem(source, "the file is empty")
    if len(raw) > limit:
        raise ImportProblem(source, f"the file is {len(raw):,} bytes; the limit is {limit:,}")
    if b"\x00" in raw:
        raise ImportProblem(source, "the file contains NUL bytes (is it a binary file?)")


def decode(source: str, raw: bytes, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes to text, refusing what is not a UTF-8 text file."""
    check_text_bytes(source, raw, limit)
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


def one_line(text: str) -> str:
    """A title, subtitle or byline: repaired, on one tidy line."""
    return tidy_line(cleaning.repair(text))


def check_title(source: str, title: str) -> str:
    if not title:
        raise ImportProblem(source, "missing title")
    if len(title) > MAX_TITLE_CHARS:
        raise ImportProblem(source, f"the title is {len(title):,} characters; the limit is {MAX_TITLE_CHARS}")
    return title


def check_subtitle(source: str, subtitle: str) -> str:
    if len(subtitle) > MAX_SUBTITLE_CHARS:
        raise ImportProblem(
            source, f"the subtitle is {len(subtitle):,} characters; the limit is {MAX_SUBTITLE_CHARS}"
        )
    return subtitle


def check_body(source: str, lines: list[str], empty: str = "the article has a title but no body text") -> str:
    if not lines:
        raise ImportProblem(source, empty)
    body = PARAGRAPH_SEPARATOR.join(lines)
    if len(body) > MAX_FILE_BYTES:
        raise ImportProblem(source, f"the body is {len(body):,} characters; the limit is {MAX_FILE_BYTES:,}")
    return body


def check_source_key(source: str, key: str) -> str:
    if len(key) > MAX_SOURCE_CHARS:
        raise ImportProblem(source, f"the name is {len(key):,} characters; the limit is {MAX_SOURCE_CHARS}")
    return key


def outlet_name(record: dict | None) -> str:
    return record["name"] if record else ""


def outlet_record(source: str, data) -> dict | None:
    if not data:
        return None
    data, name = named(source, data, "outlet", "name", OUTLET_FIELDS)
    return {
        "name": name,
        "slug": slug_for(name, "outlet"),
        "homepage_url": check_url(source, text_field(source, data, "homepage_url")),
        "description": text_field(source, data, "description"),
    }


def story_record(source: str, data) -> dict | None:
    if not data:
        return None
    data, title = named(source, data, "story", "title", STORY_FIELDS)
    return {
        "title": title,
        "slug": slug_for(title, "story"),
        "summary": text_field(source, data, "summary"),
        "date": check_date(source, text_field(source, data, "date")),
    }


def named(source: str, data, what: str, name_field: str, fields: set[str]) -> tuple[dict, str]:
    """An outlet or story given by its name alone or as an object, and its name (never empty)."""
    data = {name_field: data} if isinstance(data, str) else check_keys(source, what, data, fields)
    name = tidy_line(text_field(source, data, name_field))
    if not slugify(name, allow_unicode=True):
        raise ImportProblem(source, f"{'an' if what[0] in 'aeiou' else 'a'} {what} needs a {name_field}")
    return data, name


def slug_for(name: str, what: str) -> str:
    """An outlet's or story's URL slug, in ASCII as its SlugField and URL want it. Letters of other
    scripts than Latin ("BBC 中文", "日本経済新聞") would be lost from it, and two names would share
    one slug: such a name's slug ends with a hash of its slug in any script, the same on every
    import so that its row is found again ("bbc-…", or "outlet-…" where nothing is left)."""
    if not any(is_lost_letter(character) for character in name):
        return slugify(name)[:200]  # Latin letters fold into ASCII or drop ("Süddeutsche", "Straße")
    digest = hashlib.sha256(slugify(name, allow_unicode=True).encode()).hexdigest()[:12]
    return f"{slugify(name)[:187] or what}-{digest}"


def is_lost_letter(character: str) -> bool:
    latin = unicodedata.name(character, "").startswith("LATIN")
    return character.isalnum() and not character.isascii() and not latin


def remembered(memo: dict, build, where: str, data):
    """build(where, data), once per distinct value: a bulk file names each outlet many times."""
    key = (build.__name__, data if isinstance(data, str) else json.dumps(data, sort_keys=True))
    if key not in memo:
        memo[key] = build(where, data)
    return memo[key]


def refuse_link(source: str, path: Path) -> None:
    if path.is_symlink():
        raise ImportProblem(source, "is a symbolic link: the importer does not follow links")


def read_file(source: str, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, never more than the limit."""
    with path.open("rb") as file:
        raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ImportProblem(source, f"the file is larger than the limit of {limit:,} bytes")
    return raw
