"""The search box's query syntax, parsed into terms that each database can match.

Words must all match; "an exact phrase"; -excluded; OR between two items; prefix* (three
characters at least). English stop words ("the", "of") are dropped outside phrases, as
PostgreSQL does, so that both databases find the same things. Nothing here raises: what is not
syntax is read as plain words. Django-free.
"""

import re
from dataclasses import dataclass

MIN_PREFIX_CHARS = 3
MAX_STEM_CUT = 4  # characters an English stemmer takes off a word's end, at most ("-ation")
MAX_ITEMS = 16  # more words than anyone types; the rest is ignored, and the page says so

# Letters and digits: both databases split words at an underscore, as at any other punctuation.
WORD = re.compile(r"[^\W_]+")
# A chunk is a quoted phrase or a run of non-space characters, each perhaps after a minus sign.
CHUNK = re.compile(r'(-?)"([^"]*)"|(\S+)')

# PostgreSQL's English list: words it leaves out of the index and of queries.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves
    s t don""".split()
)


@dataclass(frozen=True)
class Term:
    """One word, or with prefix set every word that starts with it."""

    word: str
    prefix: bool = False

    @property
    def cut_forms(self) -> list[str]:
        """For a prefix, the shorter forms that a stemmer may have cut the words it starts to:
        the index holds "immigr" for "immigration", which "immigra*" does not start."""
        if not self.prefix:
            return []
        return [
            self.word[:-cut] for cut in range(1, MAX_STEM_CUT + 1) if len(self.word) - cut > MIN_PREFIX_CHARS
        ]


@dataclass(frozen=True)
class Phrase:
    """Words that must follow each other, in this order."""

    words: tuple[str, ...]


Item = Term | Phrase


@dataclass(frozen=True)
class Query:
    """Every group of `required` must match (one of its items is enough); no item of `excluded` may."""

    required: tuple[tuple[Item, ...], ...] = ()
    excluded: tuple[Item, ...] = ()
    truncated: bool = False  # more items than MAX_ITEMS were typed

    def __bool__(self):
        return bool(self.required)

    @property
    def prefixes(self) -> list[Term]:
        items = [item for group in self.required for item in group] + list(self.excluded)
        return [item for item in items if isinstance(item, Term) and item.prefix]


def parse(text: str) -> Query:
    """The query typed in the search box. Without anything left to look for (only stop words, or
    only exclusions), the result is falsy."""
    groups: list[list[Item]] = []
    excluded: list[Item] = []
    joining = False  # the previous chunk was OR
    count = 0
    for minus, quoted, bare in CHUNK.findall(text):
        if bare == "OR" and groups and not joining:
            joining = True
            continue
        if bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        item = _phrase(quoted) if not bare else _item(bare)
        if item is None:
            continue
        count += 1
        if count > MAX_ITEMS:
            return Query(_frozen(groups), tuple(excluded), truncated=True)
        if minus:
            excluded.append(item)
        elif joining:
            groups[-1].append(item)
        else:
            groups.append([item])
        joining = False
    return Query(_frozen(groups), tuple(excluded))


def _frozen(groups: list[list[Item]]) -> tuple[tuple[Item, ...], ...]:
    return tuple(tuple(group) for group in groups)


def _item(chunk: str) -> Item | None:
    """A bare chunk: one word, a prefix, or several words joined by punctuation ("COVID-19",
    "U.S."), which is read as a phrase, as the databases' word splitting reads it."""
    words = [word.lower() for word in WORD.findall(chunk)]
    if len(words) == 1 and chunk.endswith("*") and len(words[0]) >= MIN_PREFIX_CHARS:
        return Term(words[0], prefix=True)
    if len(words) == 1:
        return None if words[0] in STOP_WORDS else Term(words[0])
    return _phrase(chunk)


def _phrase(text: str) -> Item | None:
    words = tuple(word.lower() for word in WORD.findall(text))
    if not words or all(word in STOP_WORDS for word in words):
        return None
    return Term(words[0]) if len(words) == 1 else Phrase(words)
