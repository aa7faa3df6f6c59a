"""Note Markdown to safe HTML: the only module that imports bleach, and the only source of `*_html`."""

import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

NOTE_MAX_CHARS = 10_000

# Everything the Markdown below can produce, minus what a note does not need. Headings would fight
# the article's own outline, so they and images and rules are switched off in the parser too.
ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

# Raw HTML in the source is escaped into text by the parser, so bleach only ever sees markup we
# generated; bleach still enforces the allowlist in case the parser ever lets something through.
_markdown = MarkdownIt("commonmark", {"html": False}).disable(["image", "heading", "lheading", "hr"])

# Bleach's default URL pattern also links bare domains ("readme.md" is a Moldovan one), so only
# text that starts with an explicit http(s) scheme becomes a link.
_BARE_URL_RE = re.compile(r"\bhttps?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)

# What browsers ignore inside a URL (whitespace, C0/C1 controls), plus Unicode spaces.
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


def _has_allowed_scheme(url: str) -> bool:
    """Whether the URL names http, https or mailto; relative and scheme-less URLs are refused."""
    normalized = _IGNORED_IN_URL_RE.sub("", html.unescape(url)).lower()
    scheme, colon, _ = normalized.partition(":")
    return bool(colon) and scheme in ALLOWED_PROTOCOLS


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "href":
        return _has_allowed_scheme(value)
    return name == "title"


def _set_link_attributes(attrs: dict, is_new: bool) -> dict | None:
    # Runs on every link, old and new, after the allowlist: rebuilding the dict means nothing but
    # href, title and our rel survives. A link without a usable href is unwrapped to its text.
    href = attrs.get((None, "href"))
    if not href or not _has_allowed_scheme(href):
        return None
    kept = {(None, "href"): href, (None, "rel"): LINK_REL, "_text": attrs.get("_text", "")}
    if (None, "title") in attrs:
        kept[(None, "title")] = attrs[(None, "title")]
    return kept


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,  # anything outside the allowlist comes out as visible, escaped text
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_set_link_attributes],
            skip_tags={"pre", "code"},
            url_re=_BARE_URL_RE,
        )
    ],
)


def render_note(source: str) -> str:
    """Render a note's Markdown to HTML that is safe to mark as safe; blank notes give ""."""
    if len(source) > NOTE_MAX_CHARS:
        raise ValueError(f"Note is longer than {NOTE_MAX_CHARS} characters.")
    if not source.strip():
        return ""
    return _cleaner.clean(_markdown.render(source)).strip()
