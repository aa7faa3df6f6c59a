"""Quotations in article bodies, who said them, and the same statement quoted across outlets.

Pure: no Django. Offsets point into the canonical text (canonical.py), whose paragraphs are
separated by a blank line; a quotation never crosses one.

Quotes: double quotes (“ ” or ") and curly single quotes (‘ ’) used as quotation marks. A
closing ’ followed by a letter is an apostrophe (don’t, Microsoft’s), and an opening ‘ that
is never closed in its paragraph (‘Merica) is slang, so neither starts a quote. Single quotes
inside a double quote belong to it. Quotes of fewer than QUOTE_MIN_WORDS words are scare
quotes or names (“zero tolerance”) and quotes introduced by TITLE_WORDS are titles; neither is
kept. The speaker comes from the attribution after the quote (“...,” Smith wrote), else
from one just before it in the same sentence (Microsoft said in a statement it was “...”),
else from the previous quote of the paragraph that it continues; pronouns are resolved only
to a person the text introduces with a title (CEO Satya Nadella) or to a group noun nearby.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from articles.text.canonical import Paragraph, split_paragraphs
from articles.text.segments import covered
from articles.text.words import (
    WRITTEN_WORD,
    Sentences,
    UnionFind,
    count_alphanumeric_words,
    normalized_text,
    split_sentences,
    without_possessive,
)

# Shorter quotes are scare quotes, names and slogans ("zero tolerance", "Never Again"); three
# words already carry a statement's fragment ("cancel its contracts").
QUOTE_MIN_WORDS = 3
# A quote right after one of these words is the title of something, not a statement.
TITLE_WORDS = ("titled", "entitled", "headlined")
# An attribution before a quote ("X said in a statement it was “...") may sit this many words away.
BEFORE_WINDOW_WORDS = 6
# An attribution before a quote is looked for this many characters back, within the quote's
# sentence: a sentence and a half (the corpus's sentences have 140 characters at the median, 266
# at the 95th percentile), where its attributions before a quote start 29 to 68 characters away.
ATTRIBUTION_CHARS = 200
# Pronouns look for their person or group in this many paragraphs, the quote's own included.
PRONOUN_PARAGRAPHS = 2
# Two quoted sentences state the same thing when this share of the shorter one's words match
# the longer one in order, with at least GROUP_MIN_RUN words in a row.
GROUP_MIN_OVERLAP = 0.7
GROUP_MIN_RUN = 3

GROUP_NOUNS = (
    "employees workers staff staffers signatories activists protesters protestors critics officials "
    "lawmakers executives organizers organisers engineers researchers members students residents"
).split()

_DOUBLE_MARK = re.compile('[“”"]')
_SINGLE_MARK = re.compile("[‘’]")
_CAN_PRECEDE_OPENING = set('([{—–-/“"')

_VERBS = (
    "said|says|wrote|writes|told|tells|added|adds|stated|states|declared|declares|read|reads|explained|"
    "noted|notes|argued|argues|asked|asks|demanded|demands|claimed|claims|insisted|insists|urged|urges|"
    "warned|warns|tweeted|continued|concluded|responded|replied|announced|acknowledged|reported|reports|"
    "recalled|stressed|emphasized|emphasised"
)
_CAPITALISED = r"[A-Z][\w’'.-]*"
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur)"
# Job titles written in lower case between an organisation and a name: "Microsoft spokesman Frank Shaw".
_LOWER_TITLES = "spokesman|spokeswoman|spokesperson|writer|reporter|editor|founder"
_SUBJECT = (
    rf"(?:(?:he|she|they|it)\b|{_DETERMINER}\s+(?:{WRITTEN_WORD}\s+){{0,2}}{WRITTEN_WORD}"
    rf"|(?:{_CAPITALISED}\s+){{0,2}}(?:{_LOWER_TITLES})\s+(?:{_CAPITALISED}\s+){{0,2}}{_CAPITALISED}"
    rf"|(?:{_CAPITALISED}\s+){{0,3}}{_CAPITALISED}|(?:{'|'.join(GROUP_NOUNS)})\b)"
)
_ADVERB = r"(?:also|later|then|further|previously|once|again|had|has|have|[a-z]+ly)"
# “...,” Smith wrote / “...,” said Smith
_AFTER_QUOTE = re.compile(
    rf"[,\s]*(?:(?P<subject>{_SUBJECT})\s+(?:{_ADVERB}\s+)?(?:{_VERBS})\b|(?:{_VERBS})\s+(?P<inverted>{_SUBJECT}))"
)
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_SUBJECT_AT_END = re.compile(rf"(?:^|(?<=[\s,;:(—]))(?P<subject>{_SUBJECT})\s+(?:{_ADVERB}\s+)?$")
_ACCORDING_TO = re.compile(rf"\b[Aa]ccording to (?P<subject>{_SUBJECT})")
_TITLE_BEFORE = re.compile(rf"\b(?:{'|'.join(TITLE_WORDS)})[\s,:]*$", re.IGNORECASE)
_PERSON_TITLE = re.compile(
    r"\b(?:CEO|President|Chairman|Chairwoman|Chief Executive|Secretary|Senator|Sen\.|Rep\.|Governor|Gov\."
    rf"|Mayor|Judge|Director|Commissioner|Mr\.|Ms\.|Mrs\.|Dr\.|{_LOWER_TITLES})"
    r"\s+(?P<name>(?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)"
)
_PREPOSITIONS = {"of", "from", "to", "by", "in", "at", "with", "for", "on"}


@dataclass(frozen=True)
class Quote:
    article: int
    start: int
    end: int
    text: str
    speaker: str | None


def find_quotes(article: int, text: str) -> list[Quote]:
    """The quotations in a canonical text, with who said them where the text says so."""
    paragraphs = split_paragraphs(text)
    marks = [
        (index, paragraph, open_at, close_at)
        for index, paragraph in enumerate(paragraphs)
        for open_at, close_at in _quote_spans(paragraph.text)
    ]
    inner = [(p.start + open_at + 1, p.start + close_at) for _, p, open_at, close_at in marks]
    speakers = _Speakers(_masked(text, inner), [paragraph.start for paragraph in paragraphs])
    sentences = Sentences(text)
    quotes: list[Quote] = []
    previous = (-1, 0, None)  # paragraph, closing mark and speaker of the last quote kept
    for index, paragraph, open_at, close_at in marks:
        if (quoted := _quoted_words(paragraph, open_at, close_at)) is None:
            continue
        sentence_start = sentences.bounds(paragraph.start + open_at)[0] - paragraph.start
        subject = _attribution(paragraph.text, sentence_start, open_at, close_at)
        if subject is not None:
            speaker = speakers.resolve(subject, index, paragraph.start + open_at)
        elif previous[0] == index and _continues(paragraph.text, previous[1], open_at):
            speaker = previous[2]  # “...,” the letter reads. “...”
        else:
            speaker = None
        start, end = quoted
        quotes.append(Quote(article, start, end, text[start:end], speaker))
        previous = (index, close_at, speaker)
    return quotes


def _quoted_words(paragraph: Paragraph, open_at: int, close_at: int) -> tuple[int, int] | None:
    """Where the words quoted between two marks start and end; None for a scare quote or a title."""
    body = paragraph.text[open_at + 1 : close_at]
    words = body.strip().rstrip(",").rstrip()  # the comma of “...,” he said is no quoted word
    is_title = _TITLE_BEFORE.search(paragraph.text, max(0, open_at - 30), open_at)
    if count_alphanumeric_words(words) < QUOTE_MIN_WORDS or is_title:
        return None
    start = paragraph.start + open_at + 1 + (len(body) - len(body.lstrip()))
    return start, start + len(words)


# Quotation marks ------------------------------------------------------------------------------


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Outermost quotation mark pairs of one paragraph, in order."""
    doubles = _double_spans(paragraph)
    singles = _single_spans(paragraph, doubles)
    nested = _marked(len(paragraph), singles)  # a single quote closes outside double ones: all in
    return sorted(singles + [span for span in doubles if not nested[span[0]]])


def _double_spans(paragraph: str) -> list[tuple[int, int]]:
    """Positions of the opening and closing double marks of each quote in a paragraph."""
    spans, opened = [], None
    for match in _DOUBLE_MARK.finditer(paragraph):
        mark, at = match.group(), match.start()
        if mark == "“":
            opened = at  # a second opening mark abandons one never closed
        elif mark == "”":
            if opened is not None:
                spans.append((opened, at))
                opened = None
        # A straight mark opens or closes by what touches it; mixed pairs (“...") are accepted.
        elif opened is not None and not paragraph[at - 1].isspace():
            spans.append((opened, at))
            opened = None
        elif at + 1 < len(paragraph) and not paragraph[at + 1].isspace():
            opened = at
    return spans


def _single_spans(paragraph: str, doubles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Positions of curly single marks used as quotation marks, skipping those inside double quotes."""
    spans, opened = [], None
    quoted = _marked(len(paragraph), doubles)
    padded = f" {paragraph} "  # a mark's neighbours: padded[at] before it, padded[at + 2] after
    for match in _SINGLE_MARK.finditer(paragraph):
        at = match.start()
        if quoted[at]:
            continue
        before, after = padded[at], padded[at + 2]
        if match.group() == "‘":
            if (before.isspace() or before in _CAN_PRECEDE_OPENING) and after.isalnum():
                opened = at
        elif opened is not None and not before.isspace() and not after.isalnum():
            spans.append((opened, at))
            opened = None
    return spans


def _marked(length: int, spans: list[tuple[int, int]]) -> bytearray:
    """One byte per character, set from each opening mark to its closing mark, both included."""
    return covered(length, [(open_at, close_at + 1) for open_at, close_at in spans])


# Who said it ----------------------------------------------------------------------------------


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with quoted words blanked, so that names inside quotes are no mentions."""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    return "".join(pieces) + text[last:]


def _person_surnames(text: str) -> set[str]:
    """Surnames of people the text introduces with a title: "CEO Satya Nadella" -> Nadella."""
    return {without_possessive(match["name"].split()[-1]) for match in _PERSON_TITLE.finditer(text)}


class _Speakers:
    """Turns attribution subjects into speakers, resolving pronouns within one text."""

    def __init__(self, masked: str, paragraph_starts: list[int]):
        self.paragraph_starts = paragraph_starts
        self.persons = _person_surnames(masked)
        words = [(match.start(), without_possessive(match[0])) for match in re.finditer(WRITTEN_WORD, masked)]
        self.person_mentions = [(at, word) for at, word in words if word in self.persons]
        self.group_mentions = [(at, word.lower()) for at, word in words if word.lower() in GROUP_NOUNS]

    def resolve(self, subject: str, paragraph: int, position: int) -> str | None:
        """Who the subject of an attribution is: a pronoun's person or group, a thing, or a name."""
        words = subject.split()
        first = words[0].lower()
        if first in {"he", "she", "they", "it"}:
            return self._pronoun(first, paragraph, position)
        if first in GROUP_NOUNS and len(words) == 1:
            return f"the {first}"
        if re.fullmatch(_DETERMINER, words[0]):
            words = _before_preposition(words[1:])  # "the letter from employees" -> letter
            if not words[-1][0].isupper():
                return f"the {words[-1].lower()}"
            # else a name without its article: "the New York Times"
        return self._name(words)

    def _pronoun(self, pronoun: str, paragraph: int, position: int) -> str | None:
        """The person "he" or "she", or the group "they", last mentioned; "it" names no speaker."""
        if pronoun in {"he", "she"}:
            return self._last_mention(self.person_mentions, paragraph, position)
        if pronoun == "they":
            group = self._last_mention(self.group_mentions, paragraph, position)
            return f"the {group}" if group else None
        return None

    def _name(self, words: list[str]) -> str:
        """The surname of a person the text introduced among the words, else the words."""
        names = [without_possessive(word) for word in words]
        if names[-1].count(".") == 1:  # "said Smith." ends the sentence; "U.S." keeps its dot
            names[-1] = names[-1].removesuffix(".")
        persons = [name for name in names if name in self.persons]
        return persons[-1] if persons else " ".join(names)

    def _last_mention(self, mentions: list[tuple[int, str]], paragraph: int, position: int) -> str | None:
        """The last of the mentions before position, within PRONOUN_PARAGRAPHS paragraphs."""
        index = bisect_left(mentions, (position, "")) - 1
        window_start = self.paragraph_starts[max(0, paragraph - PRONOUN_PARAGRAPHS + 1)]
        return mentions[index][1] if index >= 0 and mentions[index][0] >= window_start else None


def _before_preposition(words: list[str]) -> list[str]:
    """The words of a noun phrase up to a preposition after its first word."""
    for index, word in enumerate(words):
        if index and word.lower() in _PREPOSITIONS:
            return words[:index]
    return words


def _attribution(paragraph: str, sentence_start: int, open_at: int, close_at: int) -> str | None:
    """The subject attributed to the quote between two marks, after it or just before it."""
    inner = paragraph[open_at + 1 : close_at].rstrip()
    following = paragraph[close_at + 1 : close_at + 3].lstrip(" ")
    # “...border.” The post urged -> a new sentence, not an attribution
    ends_sentence = inner.endswith((".", "!", "?")) and not following[:1].islower()
    if not ends_sentence and (match := _AFTER_QUOTE.match(paragraph, close_at + 1)):
        return match["subject"] or match["inverted"]
    prefix = paragraph[max(sentence_start, open_at - ATTRIBUTION_CHARS) : open_at]
    for verb in reversed(list(_VERB.finditer(prefix))):
        gap = prefix[verb.end() :]
        if count_alphanumeric_words(gap) > BEFORE_WINDOW_WORDS or _DOUBLE_MARK.search(gap):
            break
        if match := _SUBJECT_AT_END.search(prefix[: verb.start()]):
            return match["subject"]
    if according := list(_ACCORDING_TO.finditer(prefix)):
        return according[-1]["subject"]
    return None


def _continues(paragraph: str, previous_close: int, open_at: int) -> bool:
    """Whether only the previous quote's attribution, one sentence at most, separates the two."""
    gap = paragraph[previous_close + 1 : open_at]
    return len(split_sentences(gap + " ")) <= 2 and not _DOUBLE_MARK.search(gap)


# The same statement across outlets ----------------------------------------------------------------


def group_quotes(quotes: Iterable[Quote]) -> list[list[Quote]]:
    """Quotes of the same statement grouped, most articles first; every quote is in some group.

    Sentences are compared, not whole quotes, so a quote holding two statements that other
    outlets quote separately belongs to both their groups.
    """
    quotes = sorted(set(quotes), key=lambda quote: (quote.article, quote.start, quote.end))
    shared = _shared_statements(quotes)
    # A group whose quotes all share a bigger group too is that group's second sentence.
    kept = [group for group in shared if not any(group < other for other in shared)]
    grouped = set().union(*kept) if kept else set()
    kept += [frozenset({index}) for index in range(len(quotes)) if index not in grouped]
    groups = [[quotes[index] for index in sorted(group)] for group in kept]
    return sorted(
        groups,
        key=lambda group: (
            -len({quote.article for quote in group}),
            -len(group),
            group[0].article,
            group[0].start,
        ),
    )


def _shared_statements(quotes: list[Quote]) -> set[frozenset[int]]:
    """For each statement that two or more of the quotes say, the indices of those quotes."""
    units = [(index, words) for index, quote in enumerate(quotes) for words in _sentences(quote.text)]
    statements = UnionFind(len(units))
    for a, b in combinations(range(len(units)), 2):
        (quote_a, words_a), (quote_b, words_b) = units[a], units[b]
        if quote_a != quote_b and _same_statement(words_a, words_b):
            statements.join(a, b)
    quoted_by = (frozenset(units[unit][0] for unit in group) for group in statements.groups())
    return {group for group in quoted_by if len(group) > 1}


def _sentences(text: str) -> list[list[str]]:
    """A quote's sentences, as runs of normalised words."""
    return [words for piece in split_sentences(text) if (words := normalized_text(piece))]


def _same_statement(first: list[str], second: list[str]) -> bool:
    """Whether two quoted sentences say the same words, one perhaps a fragment of the other."""
    shorter = min(len(first), len(second))
    if shorter < GROUP_MIN_RUN or len(set(first) & set(second)) < GROUP_MIN_RUN:
        return False
    blocks = SequenceMatcher(None, first, second, autojunk=False).get_matching_blocks()
    matched = sum(block.size for block in blocks)
    return matched >= GROUP_MIN_OVERLAP * shorter and max(block.size for block in blocks) >= GROUP_MIN_RUN


def statement_texts(groups: list[list[Quote]]) -> list[str]:
    """The words each group of quotes says: its longest quote that says nothing else.

    A quote of two statements belongs to both their groups; shown for each, it would make one
    quotation look like two rows of the same words.
    """
    groups_of = Counter(quote for group in groups for quote in group)
    texts = []
    for group in groups:
        own = [quote for quote in group if groups_of[quote] == 1]
        texts.append(max(own, key=lambda q: len(q.text)).text if own else _shared_sentences(group))
    return texts


def _shared_sentences(group: list[Quote]) -> str:
    """The sentences of the group's shortest quote that each of its other quotes says too."""
    shortest = min(group, key=lambda quote: len(quote.text))
    others = [_sentences(quote.text) for quote in group if quote is not shortest]
    shared = [
        sentence.strip()
        for sentence in split_sentences(shortest.text)
        if (words := normalized_text(sentence))
        and all(any(_same_statement(words, theirs) for theirs in sentences) for sentences in others)
    ]
    return " ".join(shared) or shortest.text
