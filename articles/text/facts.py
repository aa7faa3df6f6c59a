"""Numeric facts in article bodies, and how they line up across outlets.

Pure: no Django. Offsets point into the canonical text (canonical.py). Facts are dollar amounts,
percentages, counts of something plural written in digits, calendar dates and weekdays, each
with the qualifier in front (normalised through QUALIFIERS) and the noun it is about.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from articles.text.segments import covered
from articles.text.words import STOP_WORDS, WRITTEN_WORD, Sentences, without_possessive

# The noun a date is about, or the thing an amount is worth, is looked for this many characters
# away, within the fact's sentence: a sentence and a half (the corpus's sentences have 140
# characters at the median, 266 at the 95th percentile), where a date's event noun stands 4 to 20
# characters from it.
SUBJECT_CHARS = 200
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
# Nouns a date is about: the nearest one in the date's sentence becomes its subject.
EVENT_NOUNS = (
    "statement post letter email memo order tweet report announcement meeting hearing interview "
    "protest vote speech contract deal lawsuit ruling election"
).split()
TIME_UNITS = set("seconds minutes hours days weeks months years decades centuries".split())
IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "personnel"}

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
_NEXT_WORD = re.compile(rf"\s+((?=[A-Za-z]){WRITTEN_WORD})")  # a written word starting with a letter
_OF_PHRASE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?")
_WORTH_BEFORE = re.compile(
    r"\b(?P<head>(?!(?:is|was|are|were|it|that|this|which)\b)[a-z]+)"
    r"(?:\s+(?:with|from|for|to|by)(?:\s+[\w.’'-]+){1,3}?)?(?:\s+(?:is|was|are|were))?"
    r"\s+(?:worth|valued at|totaling|totalling|costing|priced at)\s+$"
)
_EVENT_NOUN = re.compile(rf"\b(?P<noun>{'|'.join(EVENT_NOUNS)})s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    article: int
    start: int
    end: int
    kind: str
    value: float | str
    qualifier: str | None
    subject: str


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
        head, end = without_possessive(match[1]), match.end()
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


def _dates(article: int, text: str, sentences: Sentences) -> list[Fact]:
    """Calendar dates and weekdays, each about the event noun nearest to it."""
    dates = [(match, value) for match in _DATE.finditer(text) if (value := _date_value(match))]
    dates += [(match, match[0]) for match in _WEEKDAY.finditer(text)]
    return [_date_fact(article, text, sentences, match.start(), match.end(), value) for match, value in dates]


def _date_value(match: re.Match) -> str | None:
    """The matched date in ISO 8601 ("--06-19" without a year); None if there is no such day."""
    if match["iso_year"]:
        year, month, day = int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
    else:
        year = int(match["year"] or match["year2"] or 0)
        month = _MONTHS[match["month"] or match["month2"]]
        day = int(match["day"] or match["day2"])
    try:
        date = datetime.date(year or 2000, month, day)  # 2000 has a 29 February
    except ValueError:
        return None
    return date.isoformat() if year else f"--{month:02d}-{day:02d}"


def _date_fact(article: int, text: str, sentences: Sentences, start: int, end: int, value: str) -> Fact:
    """A date, about the event noun nearest to it in its sentence."""
    sentence_start, sentence_end = sentences.bounds(start)
    nouns = _EVENT_NOUN.finditer(
        text, max(sentence_start, start - SUBJECT_CHARS), min(sentence_end, end + SUBJECT_CHARS)
    )
    nearest = min(nouns, key=lambda noun: min(abs(noun.start() - end), abs(start - noun.end())), default=None)
    return Fact(article, start, end, "date", value, None, nearest["noun"].lower() if nearest else "")


def _amounts(article: int, text: str, sentences: Sentences) -> list[Fact]:
    facts = []
    for match in _MONEY.finditer(text):
        value = _number(match, match["scale"] or match["short"])
        qualifier, start = _qualifier(text, match.start())
        head, end = _noun_after(text, match.end())
        if head is None:
            end = match.end()
            sentence_start = max(sentences.bounds(start)[0], start - SUBJECT_CHARS)
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
    taken_at = covered(len(text), [(fact.start, fact.end) for fact in taken])
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
    sentences = Sentences(text)
    facts = _dates(article, text, sentences) + _amounts(article, text, sentences)
    facts += _counts(article, text, facts)
    return sorted(facts, key=lambda fact: (fact.start, fact.end))


def align_facts(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts about the same thing in at least two articles, grouped, most articles first.

    Same kind and subject; counts, amounts and percentages also within ALIGN_TOLERANCE of the
    smallest value in the group. Weekdays are not aligned: the same "Tuesday" in articles
    published on different days need not be the same day.
    """
    groups = [
        sorted(cluster, key=lambda fact: (fact.article, fact.start))
        for (kind, _), members in _by_subject(facts).items()
        for cluster in ([members] if kind == "date" else _close_values(members))
        if len({fact.article for fact in cluster}) >= 2
    ]
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


def _by_subject(facts: Iterable[Fact]) -> dict[tuple[str, str], list[Fact]]:
    """Each fact but weekdays and those about nothing named, by kind and subject."""
    by_subject: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in set(facts):
        if fact.subject and not (fact.kind == "date" and fact.value[:1].isalpha()):  # weekdays
            by_subject[(fact.kind, fact.subject)].append(fact)
    return by_subject


def _close_values(facts: list[Fact]) -> list[list[Fact]]:
    """The facts in runs of values, each within ALIGN_TOLERANCE of the run's smallest."""
    runs: list[list[Fact]] = []
    for fact in sorted(facts, key=lambda fact: fact.value):
        if runs and _close(runs[-1][0].value, fact.value):
            runs[-1].append(fact)
        else:
            runs.append([fact])
    return runs


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= ALIGN_TOLERANCE * max(abs(first), abs(second))


def differs(group: list[Fact]) -> bool:
    """Whether the facts of a group state their value or qualifier differently."""
    return len({(fact.value, fact.qualifier) for fact in group}) > 1
