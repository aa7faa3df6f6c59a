"""Quotations and numeric facts in article bodies, and how they line up across outlets.

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

Facts: dollar amounts, percentages, counts of something plural written in digits, calendar
dates and weekdays, each with the qualifier in front (normalised through QUALIFIERS) and the
noun it is about.
"""

import datetime
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from articles.text.canonical import split_paragraphs

# Shorter quotes are scare quotes, names and slogans ("zero tolerance", "Never Again"); three
# words already carry a statement's fragment ("cancel its contracts").
QUOTE_MIN_WORDS = 3
# A quote right after one of these words is the title of something, not a statement.
TITLE_WORDS = ("titled", "entitled", "headlined")
# An attribution before a quote ("X said in a statement it was “...") may sit this many words away.
BEFORE_WINDOW_WORDS = 6
# Pronouns look for their person or group in this many paragraphs, the quote's own included.
PRONOUN_PARAGRAPHS = 2
# How far, in characters, an attribution before a quote or the noun a date is about may be.
NEAR_CHARS = 200
# Two quoted sentences state the same thing when this share of the shorter one's words match
# the longer one in order, with at least GROUP_MIN_RUN words in a row.
GROUP_MIN_OVERLAP = 0.7
GROUP_MIN_RUN = 3
# Counts and amounts describe the same thing when they are within this fraction of each other.
ALIGN_TOLERANCE = 0.25

KINDS = ("count", "money", "percent", "date")
# As written (lower case) -> normalised; longer phrases are tried first.
QUALIFIERS = {
    "more than": "more than",
    "over": "more than",
    "just over": "more than",
    "upwards of": "more than",
    "in excess of": "more than",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "at least": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
    "up to": "up to",
    "as many as": "up to",
}
GROUP_NOUNS = (
    "employees workers staff staffers signatories activists protesters protestors critics officials "
    "lawmakers executives organizers organisers engineers researchers members students residents"
).split()
# Nouns a date is about: the nearest one in the date's sentence becomes its subject.
EVENT_NOUNS = (
    "statement post letter email memo order tweet report announcement meeting hearing interview "
    "protest vote speech contract deal lawsuit ruling election"
).split()
TIME_UNITS = set("seconds minutes hours days weeks months years decades centuries".split())
IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "personnel"}
# Words that end the noun phrase after a number: it is about nothing nameable.
STOP_WORDS = set(
    """a an the of in on at to for from by with and or but than as per that which who whom whose this
    these those is was are were be been being has have had can could will would may might must shall
    should do does did not no it its their his her our your my over under into onto about after before
    last next each every more most less least only just also still already a.m p.m""".split()
)

_PARAGRAPH_BREAK = "\n\n"
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bJr\.)(?<!\bMrs\.)"
    r"(?<!\bInc\.)(?<!\bCo\.)(?<!\bNo\.)[”\"’)]*\s+"
)
_DOUBLE_MARK = re.compile('[“”"]')
_SINGLE_MARK = re.compile("[‘’]")
_CAN_PRECEDE_OPENING = set('([{—–-/“"')

_VERBS = (
    "said|says|wrote|writes|told|tells|added|adds|stated|states|declared|declares|read|reads|explained|"
    "noted|notes|argued|argues|asked|asks|demanded|demands|claimed|claims|insisted|insists|urged|urges|"
    "warned|warns|tweeted|continued|concluded|responded|replied|announced|acknowledged|reported|reports|"
    "recalled|stressed|emphasized|emphasised"
)
_WORD = r"[\w’'-]+"
_CAPITALISED = r"[A-Z][\w’'.-]*"
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur)"
# Job titles written in lower case between an organisation and a name: "Microsoft spokesman Frank Shaw".
_LOWER_TITLES = "spokesman|spokeswoman|spokesperson|writer|reporter|editor|founder"
_SUBJECT = (
    rf"(?:(?:he|she|they|it)\b|{_DETERMINER}\s+(?:{_WORD}\s+){{0,2}}{_WORD}"
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
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_MONEY = re.compile(
    rf"\$\s?(?P<number>{_NUMBER})(?:\s?(?P<scale>(?i:thousand|million|billion|trillion))\b"
    r"|(?P<short>bn|mn|[kKmMbB])\b)?"
)
_PERCENT = re.compile(rf"(?<![\w.,$-])(?P<number>{_NUMBER})\s?(?:%|percent\b|per cent\b)")
_COUNT = re.compile(
    rf"(?<![\w.,$£€#-])(?P<number>{_NUMBER})(?:\s(?P<scale>thousand|million|billion)\b)?(?![\w%-]|[.,]\d)"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\.?(?:,?\s+(?P<year2>\d{{4}}))?"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))(?![\w-])"
)
_WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_QUALIFIER_BEFORE = re.compile(
    rf"\b(?P<qualifier>{'|'.join(sorted(QUALIFIERS, key=len, reverse=True))})\s+$", re.IGNORECASE
)
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w’'-]*)")
_OF_PHRASE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?")
_WORTH_BEFORE = re.compile(
    r"\b(?P<head>(?!(?:is|was|are|were|it|that|this|which)\b)[a-z]+)"
    r"(?:\s+(?:with|from|for|to|by)(?:\s+[\w.’'-]+){1,3}?)?(?:\s+(?:is|was|are|were))?"
    r"\s+(?:worth|valued at|totaling|totalling|costing|priced at)\s+$"
)
_EVENT_NOUN = re.compile(rf"\b(?P<noun>{'|'.join(EVENT_NOUNS)})s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    article: int
    start: int
    end: int
    text: str
    speaker: str | None


@dataclass(frozen=True)
class Fact:
    article: int
    start: int
    end: int
    kind: str
    value: float | str
    qualifier: str | None
    subject: str


# Quotes ---------------------------------------------------------------------------------------


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
    quoted = _coverage(len(paragraph), doubles)
    for match in _SINGLE_MARK.finditer(paragraph):
        at = match.start()
        if quoted[at]:
            continue
        before = paragraph[at - 1] if at else " "
        after = paragraph[at + 1] if at + 1 < len(paragraph) else " "
        if match.group() == "‘":
            if (before.isspace() or before in _CAN_PRECEDE_OPENING) and after.isalnum():
                opened = at
        elif opened is not None and not before.isspace() and not after.isalnum():
            spans.append((opened, at))
            opened = None
    return spans


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Outermost quotation mark pairs of one paragraph, in order."""
    doubles = _double_spans(paragraph)
    singles = _single_spans(paragraph, doubles)
    nested = _coverage(len(paragraph), singles)  # a single quote closes outside double ones: all in
    return sorted(singles + [span for span in doubles if not nested[span[0]]])


def _coverage(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """One byte per character, set where some span (both ends included) covers it."""
    covered = bytearray(length)
    for start, end in spans:
        covered[start : end + 1] = b"\x01" * (min(end, length - 1) - start + 1)
    return covered


def _count_words(text: str) -> int:
    return sum(1 for word in text.split() if any(character.isalnum() for character in word))


class _Sentences:
    """Where the sentences of a text begin, found once so that each lookup is a binary search."""

    def __init__(self, text: str):
        breaks = re.finditer(re.escape(_PARAGRAPH_BREAK), text)
        ends = _SENTENCE_END.finditer(text)
        self.starts = sorted({0} | {match.end() for match in breaks} | {match.end() for match in ends})
        self.length = len(text)

    def bounds(self, position: int) -> tuple[int, int]:
        """Start and end of the sentence holding position."""
        index = bisect_right(self.starts, position) - 1
        return self.starts[index], self.starts[index + 1] if index + 1 < len(self.starts) else self.length


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with quoted words blanked, so that names inside quotes are no mentions."""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    return "".join(pieces) + text[last:]


def _person_surnames(text: str) -> set[str]:
    """Surnames of people the text introduces with a title: "CEO Satya Nadella" -> Nadella."""
    return {_POSSESSIVE.sub("", match["name"].split()[-1]) for match in _PERSON_TITLE.finditer(text)}


class _Speakers:
    """Turns attribution subjects into speakers, resolving pronouns within one text."""

    def __init__(self, masked: str, paragraph_starts: list[int]):
        self.paragraph_starts = paragraph_starts
        self.persons = _person_surnames(masked)
        words = [
            (match.start(), _POSSESSIVE.sub("", match.group())) for match in re.finditer(r"[\w’'-]+", masked)
        ]
        self.person_mentions = [(at, word) for at, word in words if word in self.persons]
        self.group_mentions = [(at, word.lower()) for at, word in words if word.lower() in GROUP_NOUNS]

    def resolve(self, subject: str, paragraph: int, position: int) -> str | None:
        words = subject.split()
        first = words[0].lower()
        if first in {"he", "she"}:
            return self._last_mention(self.person_mentions, paragraph, position)
        if first == "they":
            group = self._last_mention(self.group_mentions, paragraph, position)
            return f"the {group}" if group else None
        if first == "it":
            return None
        if first in GROUP_NOUNS and len(words) == 1:
            return f"the {first}"
        if re.fullmatch(_DETERMINER, words[0]):
            rest = words[1:]
            for index, word in enumerate(rest):
                if index and word.lower() in _PREPOSITIONS:  # "the letter from employees"
                    rest = rest[:index]
                    break
            if not rest[-1][0].isupper():
                return f"the {rest[-1].lower()}"
            words = rest  # "the New York Times"
        names = [_POSSESSIVE.sub("", word) for word in words]
        if names[-1].count(".") == 1:  # "said Smith." ends the sentence; "U.S." keeps its dot
            names[-1] = names[-1].removesuffix(".")
        persons = [name for name in names if name in self.persons]
        return persons[-1] if persons else " ".join(names)

    def _last_mention(self, mentions: list[tuple[int, str]], paragraph: int, position: int) -> str | None:
        """The last of the mentions before position, within PRONOUN_PARAGRAPHS paragraphs."""
        index = bisect_left(mentions, (position, "")) - 1
        window_start = self.paragraph_starts[max(0, paragraph - PRONOUN_PARAGRAPHS + 1)]
        return mentions[index][1] if index >= 0 and mentions[index][0] >= window_start else None


def _attribution(paragraph: str, sentence_start: int, open_at: int, close_at: int) -> str | None:
    """The subject attributed to the quote between two marks, after it or just before it."""
    inner = paragraph[open_at + 1 : close_at].rstrip()
    following = paragraph[close_at + 1 : close_at + 3].lstrip(" ")
    # “...border.” The post urged -> a new sentence, not an attribution
    ends_sentence = inner.endswith((".", "!", "?")) and not following[:1].islower()
    if not ends_sentence and (match := _AFTER_QUOTE.match(paragraph, close_at + 1)):
        return match["subject"] or match["inverted"]
    prefix = paragraph[max(sentence_start, open_at - NEAR_CHARS) : open_at]
    for verb in reversed(list(_VERB.finditer(prefix))):
        gap = prefix[verb.end() :]
        if _count_words(gap) > BEFORE_WINDOW_WORDS or _DOUBLE_MARK.search(gap):
            break
        if match := _SUBJECT_AT_END.search(prefix[: verb.start()]):
            return match["subject"]
    if according := list(_ACCORDING_TO.finditer(prefix)):
        return according[-1]["subject"]
    return None


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
    sentences = _Sentences(text)
    quotes: list[Quote] = []
    previous = (-1, 0, None)  # paragraph, closing mark and speaker of the last quote kept
    for index, paragraph, open_at, close_at in marks:
        body = paragraph.text[open_at + 1 : close_at]
        words = body.strip().rstrip(",").rstrip()  # the comma of “...,” he said is no quoted word
        is_title = _TITLE_BEFORE.search(paragraph.text, max(0, open_at - 30), open_at)
        if _count_words(words) < QUOTE_MIN_WORDS or is_title:
            continue
        start = paragraph.start + open_at + 1 + (len(body) - len(body.lstrip()))
        end = start + len(words)
        sentence_start = sentences.bounds(paragraph.start + open_at)[0] - paragraph.start
        subject = _attribution(paragraph.text, sentence_start, open_at, close_at)
        if subject is not None:
            speaker = speakers.resolve(subject, index, paragraph.start + open_at)
        elif previous[0] == index and _continues(paragraph.text, previous[1], open_at):
            speaker = previous[2]  # “...,” the letter reads. “...”
        else:
            speaker = None
        quotes.append(Quote(article, start, end, text[start:end], speaker))
        previous = (index, close_at, speaker)
    return quotes


def _continues(paragraph: str, previous_close: int, open_at: int) -> bool:
    """Whether only the previous quote's attribution, one sentence at most, separates the two."""
    gap = paragraph[previous_close + 1 : open_at]
    return len(_SENTENCE_END.findall(gap + " ")) <= 1 and not _DOUBLE_MARK.search(gap)


def _sentence_texts(text: str) -> list[str]:
    """A quote's sentences as written."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _sentences(text: str) -> list[list[str]]:
    """A quote's sentences, as runs of normalised words."""
    return [words for piece in _sentence_texts(text) if (words := _normal_words(piece))]


def _normal_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold().replace("’", "").replace("'", ""))


def _same_statement(first: list[str], second: list[str]) -> bool:
    """Whether two quoted sentences say the same words, one perhaps a fragment of the other."""
    shorter = min(len(first), len(second))
    if shorter < GROUP_MIN_RUN or len(set(first) & set(second)) < GROUP_MIN_RUN:
        return False
    blocks = SequenceMatcher(None, first, second, autojunk=False).get_matching_blocks()
    matched = sum(block.size for block in blocks)
    return matched >= GROUP_MIN_OVERLAP * shorter and max(block.size for block in blocks) >= GROUP_MIN_RUN


def group_quotes(quotes: Iterable[Quote]) -> list[list[Quote]]:
    """Quotes of the same statement grouped, most articles first; every quote is in some group.

    Sentences are compared, not whole quotes, so a quote holding two statements that other
    outlets quote separately belongs to both their groups.
    """
    quotes = sorted(set(quotes), key=lambda quote: (quote.article, quote.start, quote.end))
    units = [(index, words) for index, quote in enumerate(quotes) for words in _sentences(quote.text)]
    parent = list(range(len(units)))

    def root(unit: int) -> int:
        while parent[unit] != unit:
            parent[unit] = parent[parent[unit]]
            unit = parent[unit]
        return unit

    for a, (quote_a, words_a) in enumerate(units):
        for b in range(a + 1, len(units)):
            quote_b, words_b = units[b]
            if quote_a != quote_b and _same_statement(words_a, words_b):
                parent[root(a)] = root(b)
    members: dict[int, set[int]] = defaultdict(set)
    for unit, (quote, _) in enumerate(units):
        members[root(unit)].add(quote)
    shared = {frozenset(group) for group in members.values() if len(group) > 1}
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
        for sentence in _sentence_texts(shortest.text)
        if (words := _normal_words(sentence))
        and all(any(_same_statement(words, theirs) for theirs in sentences) for sentences in others)
    ]
    return " ".join(shared) or shortest.text


# Facts ----------------------------------------------------------------------------------------


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    """The normalised qualifier right before start, and where the phrase then begins."""
    match = _QUALIFIER_BEFORE.search(text, max(0, start - 20), start)
    if not match:
        return None, start
    return QUALIFIERS[match["qualifier"].lower()], match.start()


def _noun_after(text: str, position: int) -> tuple[str | None, int]:
    """The noun that a number at position is about ("100 Microsoft employees"), and its end."""
    head, end = None, position
    for _ in range(3):
        match = _NEXT_WORD.match(text, end)
        if not match or match[1].lower() in STOP_WORDS:
            break
        head, end = _POSSESSIVE.sub("", match[1]), match.end()
        if head[0].islower():  # capitalised words may be modifiers: "$19.4M ICE Contract"
            break
    return head, end


def _is_plural(word: str) -> bool:
    word = word.lower()
    return word in IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us", "is")))


def _number(match: re.Match, scale: str | None = None) -> float:
    """The matched number times its scale, computed in decimal: 19.4 million is 19400000.0."""
    value = Decimal(match["number"].replace(",", ""))
    factor = _SCALES.get((scale or "").lower()) or _SHORT_SCALES.get((scale or "").lower(), 1)
    return float(value * Decimal(str(factor)))


def _dates(article: int, text: str, sentences: _Sentences) -> list[Fact]:
    facts = []
    for match in _DATE.finditer(text):
        if match["iso_year"]:
            year, month, day = int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
        else:
            year = int(match["year"] or match["year2"] or 0)
            month = _MONTHS[match["month"] or match["month2"]]
            day = int(match["day"] or match["day2"])
        try:
            date = datetime.date(year or 2000, month, day)  # 2000 has a 29 February
        except ValueError:
            continue
        value = date.isoformat() if year else f"--{month:02d}-{day:02d}"
        facts.append(_date_fact(article, text, sentences, match.start(), match.end(), value))
    dated = _coverage(len(text), [(fact.start, fact.end - 1) for fact in facts])
    for match in _WEEKDAY.finditer(text):
        if not dated[match.start()]:
            facts.append(_date_fact(article, text, sentences, match.start(), match.end(), match.group()))
    return facts


def _date_fact(article: int, text: str, sentences: _Sentences, start: int, end: int, value: str) -> Fact:
    """A date, about the event noun nearest to it in its sentence."""
    sentence_start, sentence_end = sentences.bounds(start)
    nouns = _EVENT_NOUN.finditer(
        text, max(sentence_start, start - NEAR_CHARS), min(sentence_end, end + NEAR_CHARS)
    )
    nearest = min(nouns, key=lambda noun: min(abs(noun.start() - end), abs(start - noun.end())), default=None)
    return Fact(article, start, end, "date", value, None, nearest["noun"].lower() if nearest else "")


def _amounts(article: int, text: str, sentences: _Sentences) -> list[Fact]:
    facts = []
    for match in _MONEY.finditer(text):
        value = _number(match, match["scale"] or match["short"])
        qualifier, start = _qualifier(text, match.start())
        head, end = _noun_after(text, match.end())
        if head is None:
            end = match.end()
            sentence_start = max(sentences.bounds(start)[0], start - NEAR_CHARS)
            worth = _WORTH_BEFORE.search(text, sentence_start, start)  # "a contract with ICE worth"
            head = worth["head"] if worth else ""
        facts.append(Fact(article, start, end, "money", value, qualifier, head.lower()))
    for match in _PERCENT.finditer(text):
        value = _number(match)
        qualifier, start = _qualifier(text, match.start())
        of = _OF_PHRASE.match(text, match.end())
        head, end = _noun_after(text, of.end() - 1) if of else (None, match.end())
        if head is None:
            end = match.end()
        facts.append(Fact(article, start, end, "percent", value, qualifier, (head or "").lower()))
    return facts


def _counts(article: int, text: str, taken: list[Fact]) -> list[Fact]:
    facts = []
    taken_at = _coverage(len(text), [(fact.start, fact.end - 1) for fact in taken])
    for match in _COUNT.finditer(text):
        if taken_at[match.start()]:
            continue
        if match["number"].isdigit() and len(match["number"]) == 4 and 1800 <= int(match["number"]) <= 2100:
            continue  # a year
        head, end = _noun_after(text, match.end())
        if head is None or not _is_plural(head) or head.lower() in TIME_UNITS:
            continue  # "20-year", "six months", "World War II" and bare numbers are not counts
        qualifier, start = _qualifier(text, match.start())
        facts.append(
            Fact(article, start, end, "count", _number(match, match["scale"]), qualifier, head.lower())
        )
    return facts


def find_facts(article: int, text: str) -> list[Fact]:
    """Counts, amounts of money, percentages and dates stated in a canonical text, in order."""
    sentences = _Sentences(text)
    facts = _dates(article, text, sentences) + _amounts(article, text, sentences)
    facts += _counts(article, text, facts)
    return sorted(facts, key=lambda fact: (fact.start, fact.end))


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= ALIGN_TOLERANCE * max(abs(first), abs(second))


def align_facts(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts about the same thing in at least two articles, grouped, most articles first.

    Same kind and subject; counts, amounts and percentages also within ALIGN_TOLERANCE of the
    smallest value in the group. Weekdays are not aligned: the same "Tuesday" in articles
    published on different days need not be the same day.
    """
    by_subject: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in set(facts):
        if fact.subject and not (fact.kind == "date" and fact.value[:1].isalpha()):  # weekdays
            by_subject[(fact.kind, fact.subject)].append(fact)
    groups = []
    for (kind, _), members in by_subject.items():
        if kind == "date":
            clusters = [members]
        else:
            clusters = []
            for fact in sorted(members, key=lambda fact: fact.value):
                if clusters and _close(clusters[-1][0].value, fact.value):
                    clusters[-1].append(fact)
                else:
                    clusters.append([fact])
        groups += [cluster for cluster in clusters if len({fact.article for fact in cluster}) >= 2]
    groups = [sorted(group, key=lambda fact: (fact.article, fact.start)) for group in groups]
    return sorted(
        groups,
        key=lambda group: (
            -len({fact.article for fact in group}),
            KINDS.index(group[0].kind),
            group[0].subject,
            group[0].article,
            group[0].start,
        ),
    )


def differs(group: list[Fact]) -> bool:
    """Whether the facts of a group state their value or qualifier differently."""
    return len({(fact.value, fact.qualifier) for fact in group}) > 1
