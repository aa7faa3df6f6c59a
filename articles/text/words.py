"""Words and sentences as the text core reads them: one toolkit for passages, quotes and facts.

Pure: no Django. Words are compared normalised (normalized_words, normalized_text): case,
apostrophes and the forms of an abbreviation ("U.S.", "USA", "United States") do not matter.
Words read in place, as names or as the noun a number is about, keep their apostrophes and
hyphens (WRITTEN_WORD). Sentences are split two ways, for the two costs of a mistake
(Sentences, sentence_starts_at_words).
"""

import re
from bisect import bisect_right
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from articles.text.canonical import PARAGRAPH_SEPARATOR

# Function words and reporting verbs: a run of them is too common to seed a shared passage, and
# one at a passage's edge is trimmed off unless a sentence starts there (alignment); after a number
# they end the noun phrase, "100 of them" being about nothing nameable (facts).
STOP_WORDS = frozenset(
    """
    a about after again against all already also am an and any are as at be because been before
    being between both but by can could did do does doing down during each every few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just last least less may me might more most must my myself next no nor not now of off on
    once only onto or other our ours ourselves out over own per same shall she should so some still
    such than that the their theirs them themselves then there these they this those through to too
    under until up us very was we were what when where which while who whom whose why will with
    would you your yours yourself yourselves said says say told
    """.split()
)

# One form for each way of writing an abbreviation; written forms count only when dotted or in
# capitals, so that the pronoun "us" stays a pronoun.
ABBREVIATIONS = {"us": "u.s.", "usa": "u.s.", "uk": "u.k.", "un": "u.n.", "eu": "e.u."}
# Names written out, as normalised words, and the abbreviation they stand for.
PHRASES = {
    ("united", "states", "of", "america"): "u.s.",
    ("united", "states"): "u.s.",
    ("united", "kingdom"): "u.k.",
    ("united", "nations"): "u.n.",
    ("european", "union"): "e.u.",
}

# A word as written, read in place: apostrophes and hyphens belong to it, so that "O’Rourke’s"
# loses only its possessive and "rank-and-file" stays one word of a name or noun phrase.
WRITTEN_WORD = r"[\w’'-]+"

# A word as compared: letters and digits, with apostrophes, dots and commas inside ("company’s",
# "U.S", "19.4", "1,000"). Most words have neither dot nor comma; those that do are split by
# _PRECISE.
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ.,][^\W_]+)*")
_PRECISE = re.compile(
    r"[^\W\d_](?:\.[^\W\d_](?![^\W_]))+\.?"  # dotted abbreviations: U.S., U.S.A., e.g.
    r"|\d+(?:[.,]\d+)*[^\W_]*"  # numbers with decimals, thousands and units: 19.4, 1,000, 19.4M
    r"|[^\W_]+(?:['’‘ʼ][^\W_]+)*"  # other words: "end.The" is two
)
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ")
_PHRASE_STARTS = {phrase[0] for phrase in PHRASES}
_LONGEST_PHRASE = max(map(len, PHRASES))
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")

# Where a sentence ends: its end mark, then any closing quotes or brackets and white space; not
# at the dot of a title or an initial ("Mr. Smith", "John F. Kennedy", "the U.S. government").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bJr\.)(?<!\bMrs\.)"
    r"(?<!\bInc\.)(?<!\bCo\.)(?<!\bNo\.)[”\"’)]*\s+"
)
# Anything between two words that ends a sentence, for sentence_starts_at_words.
_END_BETWEEN_WORDS = re.compile(r"[.!?\n]")


class Word(NamedTuple):
    norm: str
    start: int
    end: int


@lru_cache(maxsize=100_000)
def normalize_word(raw: str) -> str:
    """One word as compared: lower case, no apostrophes or dots, one form per abbreviation."""
    plain = raw.translate(_APOSTROPHES)
    if plain[0].isdigit():
        return plain.replace(",", "").casefold()  # 1,000 = 1000; "$" is never part of a word
    key = plain.replace(".", "").casefold()
    if key in ABBREVIATIONS and ("." in plain or plain.isupper()):
        return ABBREVIATIONS[key]
    return key


def normalized_words(text: str) -> list[Word]:
    """The words of a text, normalised, with their character offsets."""
    matches = []
    for match in _WORD.finditer(text):
        if "." in match[0] or "," in match[0]:  # one character more: the dot that ends "U.S."
            matches.extend(_PRECISE.finditer(text, match.start(), match.end() + 1))
        else:
            matches.append(match)
    words = [Word(normalize_word(match[0]), match.start(), match.end()) for match in matches]
    for start, end, abbreviation in reversed(_phrases([word.norm for word in words])):
        words[start:end] = [Word(abbreviation, words[start].start, words[end - 1].end)]
    return words


def normalized_text(text: str) -> list[str]:
    """The normalised words of a text alone: normalized_words() without offsets, twice as fast."""
    raw = _WORD.findall(text)
    joined = " ".join(raw)
    if "." in joined or "," in joined:  # checked at C speed; few texts need the loop
        raw = [
            part
            for word in raw
            for part in (_PRECISE.findall(word) if "." in word or "," in word else (word,))
        ]
    norms = list(map(normalize_word, raw))
    for start, end, abbreviation in reversed(_phrases(norms)):
        norms[start:end] = [abbreviation]
    return norms


def _phrases(norms: list[str]) -> list[tuple[int, int, str]]:
    """The names written out among normalised words: their start and end, and their abbreviation."""
    if _PHRASE_STARTS.isdisjoint(norms):  # checked at C speed; most texts name none
        return []
    phrases, end = [], 0
    for k in [k for k, norm in enumerate(norms) if norm in _PHRASE_STARTS]:
        if k >= end and (phrase := _phrase_at(norms, k)):
            abbreviation, size = phrase
            end = k + size
            phrases.append((k, end, abbreviation))
    return phrases


def _phrase_at(norms: list[str], k: int) -> tuple[str, int] | None:
    """The abbreviation and length of a name written out at position k, if one starts there."""
    for size in range(min(_LONGEST_PHRASE, len(norms) - k), 1, -1):
        if (abbreviation := PHRASES.get(tuple(norms[k : k + size]))) is not None:
            return abbreviation, size
    return None


def without_possessive(word: str) -> str:
    """A written word without its possessive ending: "Nadella’s" -> "Nadella", "employees’" -> "employees"."""
    return _POSSESSIVE.sub("", word)


def count_alphanumeric_words(text: str) -> int:
    """Words as written, holding a letter or digit: "rank-and-file" is one, a dash or "..." none.

    canonical.count_words counts every run between spaces instead, for an article's length.
    """
    return sum(1 for word in text.split() if any(character.isalnum() for character in word))


# Two sentence splitters, because a wrong split costs the two readers differently. Quotes and
# facts look for an attribution or a subject inside a sentence: a false end cuts "Mr. Smith said"
# off its quote, so Sentences never ends one at a title or an initial. Passages only stop
# growing an alignment at a sentence start: a false one costs a word or two at a passage's edge,
# while a missed one lets the passage run into the next sentence ("... in the U.S. The"), so
# sentence_starts_at_words() takes every end mark between two words.


class Sentences:
    """Where a text's sentences start (paragraph breaks too), found once: each lookup is a bisection."""

    def __init__(self, text: str):
        breaks = re.finditer(re.escape(PARAGRAPH_SEPARATOR), text)
        ends = _SENTENCE_END.finditer(text)
        self.starts = sorted({0} | {match.end() for match in breaks} | {match.end() for match in ends})
        self.length = len(text)

    def bounds(self, position: int) -> tuple[int, int]:
        """Start and end of the sentence holding position."""
        index = bisect_right(self.starts, position) - 1
        return self.starts[index], self.starts[index + 1] if index + 1 < len(self.starts) else self.length


def split_sentences(text: str) -> list[str]:
    """A text's sentences as written, each up to its end mark: no closing quotes or space after it."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def sentence_starts_at_words(text: str, words: list[Word]) -> list[bool]:
    """For each word and the end: whether a sentence starts there, at any end mark or line break."""
    starts = [True] * (len(words) + 1)
    for k in range(1, len(words)):
        previous, word = words[k - 1], words[k]
        starts[k] = bool(_END_BETWEEN_WORDS.search(text, previous.end, word.start)) or (
            text[previous.end - 1] == "." and text[word.start].isupper()  # "... in the U.S. The"
        )
    return starts


class UnionFind:
    """Items 0 to size - 1 joined into groups, pair by pair (union-find with path halving)."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def root(self, item: int) -> int:
        """The item that stands for the group of this one."""
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, first: int, second: int) -> None:
        self.parent[self.root(first)] = self.root(second)

    def groups(self) -> list[list[int]]:
        """Every item in its group, the groups in the order of their first items."""
        members: dict[int, list[int]] = defaultdict(list)
        for item in range(len(self.parent)):
            members[self.root(item)].append(item)
        return list(members.values())
