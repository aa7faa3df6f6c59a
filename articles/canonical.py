"""The canonical form of an article body: the text every offset points into.

Plain text, NFC-normalised, one paragraph per line of the source, paragraphs separated by
exactly one blank line, no spaces at line edges and no runs of spaces. Pure: no Django.
"""

import hashlib
import re
import unicodedata
from typing import NamedTuple

PARAGRAPH_SEPARATOR = "\n\n"

# Invisible characters that scraped text carries and that would shift offsets unseen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Anything canonicalize() would change: invisible characters, whitespace other than single
# spaces inside lines, and newlines that are not exactly one blank line between paragraphs.
_NOT_CANONICAL = re.compile(
    r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]|[^\S \n]|  |\A[ \n]|[ \n]\Z| \n|\n |\n\n\n|(?<!\n)\n(?!\n)"
)


class Paragraph(NamedTuple):
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tidy_line(line: str) -> str:
    """One line with normalised Unicode and single spaces."""
    # Drop invisible characters before normalising: one between a letter and its accent
    # would otherwise keep them apart until a second pass.
    line = unicodedata.normalize("NFC", _INVISIBLE.sub("", line))
    return " ".join(line.split())  # any run of whitespace (tabs, NBSP, thin spaces...) -> one space


def canonical_lines(text: str) -> list[str]:
    """The non-empty, tidied lines of a text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [tidy for line in text.split("\n") if (tidy := tidy_line(line))]


def is_canonical(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not _NOT_CANONICAL.search(text)


def canonicalize(text: str) -> str:
    """Bring any body text to canonical form; applying it twice changes nothing."""
    if is_canonical(text):  # the common case (every import, most saves), ~20x faster to check
        return text
    return PARAGRAPH_SEPARATOR.join(canonical_lines(text))


def split_paragraphs(body: str) -> list[Paragraph]:
    """The paragraphs of a canonical body with their start offsets."""
    paragraphs, start = [], 0
    for text in body.split(PARAGRAPH_SEPARATOR):
        if text:
            paragraphs.append(Paragraph(start, text))
        start += len(text) + len(PARAGRAPH_SEPARATOR)
    return paragraphs


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()
