"""Snippets as the database marks them, made safe to show and linked to their place in the text."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.search.backends import END_MARK, START_MARK


@dataclass(frozen=True)
class Snippet:
    html: SafeString  # escaped, matches in <mark>
    passage: tuple[int, int] | None  # the first match's offsets in the body, if it was found there
    starts_text: bool
    ends_text: bool


def marked(text: str) -> SafeString:
    """The text escaped, with the words between the database's marks in <mark>: whatever the text
    holds (markup, stray marks), the result is well-formed."""
    html, inside = [], False
    for number, piece in enumerate(text.replace(END_MARK, START_MARK).split(START_MARK)):
        if number:
            html.append("</mark>" if inside else "<mark>")
            inside = not inside
        html.append(escape(piece))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))  # nosec B308, B703  # every piece of text is escaped above


def article_snippet(body: str, snippet: str) -> Snippet:
    """A passage of an article's body with its matches marked, and where its first match is in
    the body: a link selects it there (passage-link.js)."""
    plain = snippet.replace(START_MARK, "").replace(END_MARK, "")
    where = body.find(plain) if plain else -1
    passage = None
    first = snippet.find(START_MARK)
    if where >= 0 and first >= 0:
        start = where + first
        length = snippet.find(END_MARK, first) - first - 1
        passage = (start, start + max(length, 1))
    return Snippet(
        html=marked(snippet),
        passage=passage,
        starts_text=where == 0,
        ends_text=where >= 0 and where + len(plain) == len(body),
    )
