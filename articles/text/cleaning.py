"""Cleaning imported text: site chrome, trailers and damaged characters. Pure: no Django.

The importer repairs a text (repair) and then drops what is not the article's (clean_lines);
Article.clean() marks a body that still holds damaged characters (is_damaged).
"""

import re

# Site chrome: whole lines (after whitespace is tidied) that are never article text.
# Matched case-insensitively against the entire line. Add a pattern and a test to extend.
CHROME_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        r"watch live",  # live-video banner
        r"\{/?[a-z_]+\}",  # template placeholders: {mosads}
        r"(?:copyright|©|\(c\))\s*(?:©\s*)?\d{4}\b.*",  # "Copyright 2024 Nexstar Media Inc. ..."
        r"(?:(?:copyright|©|\(c\)).*)?all rights reserved\b.*",  # not a sentence that quotes it
        r"most recent|all articles|related articles",  # related-links footers
        r"discuss this article|other reports by",
        r"news & politics",  # section label above the title
        r".*\(photo by [^()]*\)",  # captions: "... (Photo by X/Getty Images)"
        r".*\([^()]*/(?:getty images|ap|reuters|afp)\b[^()]*\)",  # "... (Drew Angerer/Getty Images)"
    ]
]

# All the patterns as one, so that each line is matched once.
_ANY_CHROME = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in CHROME_LINES), re.IGNORECASE)


def is_chrome(line: str) -> bool:
    return _ANY_CHROME.fullmatch(line) is not None


def repair(text: str) -> str:
    """The text with damage that can be undone safely undone."""
    return text


def clean_lines(lines: list[str], outlet: str = "") -> list[str]:
    """Canonical lines without what the outlet's site adds around an article."""
    return [line for line in lines if not is_chrome(line)]


def is_damaged(text: str) -> bool:
    """Whether the text holds characters lost before it reached us, which no repair brings back."""
    return "\ufffd" in text
