"""Numeric facts in article bodies, and how they line up across outlets.

Pure: no Django. Offsets point into the canonical text (canonical.py). Facts are amounts of money
(with their currency), percentages, counts of something plural and calendar dates, each with the
qualifier in front (normalised through QUALIFIERS), what it is about (its subject), the unit it
is in (a currency, "per hour", "of GDP") and, for counts, amounts and percentages, the day or
year the sentence ties it to. Numbers inside names ("Article 50", "G20", "Boeing 737") are none.

Two facts of different articles are the same fact when kind, unit, subject and time agree: a
date by its day alone, however written. They are "stated differently" only then (differs()).
"""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from articles.text.segments import covered
from articles.text.words import STOP_WORDS, Sentences, without_possessive

# A date's subject, the event noun nearest to it, is looked for this many characters away within
# its sentence: a sentence and a half (the corpus's sentences have 140 characters at the median,
# 266 at the 95th percentile), where a date's event noun stands 4 to 20 characters from it.
SUBJECT_CHARS = 200
# Counts, amounts and percentages with one subject are one fact when within this fraction of the
# larger of them: an outlet's "at least 11 dead" and another's "14 dead" are; the 157 dead of a
# crash and the 189 of the one before it are not. Subjects must agree first.
ALIGN_TOLERANCE = 0.4
# A day or year ties a number to its time when it follows within this many characters, in the
# same clause: "1,534 cases on Thursday", "78 percent in 2017".
WHEN_CHARS = 30

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
    "protest vote speech contract deal lawsuit ruling election agreement summit verdict strike"
).split()
# What is counted when news counts people: written next to the count ("killing 18 people", "87
# wounded", "the death toll rose to 22"), normalised. A count of people, persons or individuals
# is about its outcome alone; of others, about both ("officers injured").
OUTCOMES = {
    "killed": "killed kill killing kills dead died die dies dying deaths toll",
    "injured": "injured injuring injure injures wounded wounding wound wounds hurt",
    "missing": "missing",
    "arrested": "arrested arresting arrest detained detaining",
    "evacuated": "evacuated evacuating evacuate",
    "displaced": "displaced displacing",
    "rescued": "rescued rescuing rescue saved saving",
    "affected": "affected",
}
_OUTCOME_OF = {word: outcome for outcome, words in OUTCOMES.items() for word in words.split()}
# The same outcomes named by a noun before "of": "forced the evacuation of about 3,000 people".
_OUTCOME_NOUNS = {
    "evacuation": "evacuated",
    "evacuations": "evacuated",
    "deaths": "killed",
    "arrest": "arrested",
    "arrests": "arrested",
    "detention": "arrested",
    "rescue": "rescued",
    "displacement": "displaced",
}
GENERIC_NOUNS = {"people", "persons", "individuals"}
# Counted with an outcome, these are about the outcome alone too: "About 40 others were injured"
# beside "more than 40 were injured", "Some 52,000 residents were evacuated" beside "52,000 people".
_OUTCOME_ALONE = GENERIC_NOUNS | {"others", "residents", "inhabitants"}
# Nouns that name one thing two ways, as subjects: -> the one form compared.
SUBJECT_SYNONYMS = {"infections": "cases", "protestors": "protesters", "demonstrators": "protesters"}
TIME_UNITS = set("seconds minutes hours days weeks months years decades centuries".split())
IRREGULAR_PLURALS = {"people", "children", "men", "women", "staff", "police", "personnel"}

# Currencies: signs and codes written before the amount, words after it -> ISO 4217 code.
CURRENCY_SIGNS = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "jpy": "JPY",
    "cny": "CNY",
    "a$": "AUD",
    "aud": "AUD",
    "c$": "CAD",
    "cad": "CAD",
    "hk$": "HKD",
    "nz$": "NZD",
    "s$": "SGD",
    "chf": "CHF",
    "₹": "INR",
    "inr": "INR",
    "rs": "INR",
    "rs.": "INR",
    "pkr": "PKR",
    "r$": "BRL",
}
CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",  # "350 million pounds"; "200 pounds of cocaine" is a weight, see _money_after
    "pound": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "francs": "CHF",
    "rubles": "RUB",
    "roubles": "RUB",
}
# An amount per something: "12 euros an hour", "$93 a barrel", "£100m a day".
PER_UNITS = (
    "hour day week month year annum barrel dose shot share person head tonne ton litre gallon ounce "
    "kilogram kilo unit"
).split()
# Percentages of these are about the sentence's subject, in that unit: "a deficit of 4.3% of GDP".
SHARE_OF = ("gdp", "output", "gross domestic product", "economic output")

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9, "tn": 1e12}
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {word: 10 * tens for tens, word in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
_SCALE = r"(?:\s?(?P<scale>(?i:thousand|million|billion|trillion)\b|(?:bn|mn|mln|bln|tn|[kKmMbB])\b))"
_WORD_NUMBER = r"(?i:\b(?P<word>" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|a)\b)"
_SIGN = "|".join(re.escape(sign) for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_MONEY_BEFORE = re.compile(
    rf"(?<![\w$])(?P<sign>(?i:{_SIGN}))\s?(?P<number>{_NUMBER}){_SCALE}?"
    r"(?!\w|[.,]\d)"
)
_CURRENCY_WORD = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_MONEY_AFTER = re.compile(
    rf"(?<![\w.,$£€¥#-])(?:(?P<number>{_NUMBER})|{_WORD_NUMBER}){_SCALE}?"
    rf"\s(?:(?P<code>EUR|USD|GBP|JPY|CHF)\b|(?P<currency>(?i:{_CURRENCY_WORD}))\b)"
)
_ANY_CURRENCY_AFTER = re.compile(rf"\s(?:EUR|USD|GBP|JPY|CHF|(?i:{_CURRENCY_WORD}))\b")
_PERCENT = re.compile(
    rf"(?<![\w.,$-])(?P<number>{_NUMBER})\s?(?:%|(?i:percent|per cent|pct)\b)"
    r"(?P<points>\s(?i:percentage\s)?points?\b)?"
)
_COUNT = re.compile(
    rf"(?<![\w.,$£€¥#/:-])(?:(?P<number>{_NUMBER})|{_WORD_NUMBER}){_SCALE}?(?![\w%-]|[.,:/]\d)"
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
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = "|".join(WEEKDAYS)
_ORDINAL = r"(?:st|nd|rd|th)?"
# "Tuesday, March 6, 2018", "Tuesday 6 March", "6th of March 2018", "Mar. 6", "2018-03-06".
_DATE = re.compile(
    rf"\b(?:(?P<weekday>{_WEEKDAY}),?\s+)?"
    rf"(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month2>{_MONTH})\.?(?:,?\s+(?P<year2>\d{{4}}))?"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))(?![\w-])"
)
_LONE_WEEKDAY = re.compile(rf"\b(?:{_WEEKDAY})\b")
# A weekday ahead of publication: "from Friday", "next Monday", "talks will resume on Tuesday".
_FUTURE_BEFORE = re.compile(
    r"\b(?:next|from|until|this coming)\s+$|\b(?:will|to be|due to|is expected to)\b", re.I
)
_QUALIFIER_BEFORE = re.compile(
    rf"\b(?P<qualifier>{'|'.join(sorted(QUALIFIERS, key=len, reverse=True))})\s+$", re.IGNORECASE
)
# A word as read around a number (hyphens and apostrophes inside), or one mark of punctuation.
_TOKEN = re.compile(r"[A-Za-z][\w’'-]*|\d[\d,.]*|[^\w\s]")
_EVENT_NOUN = re.compile(rf"\b(?P<noun>{'|'.join(EVENT_NOUNS)})s?\b", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\s+(?:in|for|of|during)\s+(?:fiscal\s+)?(?P<year>(?:18|19|20)\d\d)\b")
_PER_UNIT = re.compile(
    rf"\s+(?:a|an|per|each)\s+(?P<unit>{'|'.join(PER_UNITS)})\b|\s+(?P<yearly>annually)\b", re.IGNORECASE
)
_SHARE_OF = re.compile(rf"\s+of\s+(?:the\s+)?(?:{'|'.join(SHARE_OF)})\b", re.IGNORECASE)
# What an amount is of or for ("$550 billion in new spending", "$66 billion for rail"), and what a
# percentage is of ("52% of voters").
_AMOUNT_LINK = re.compile(r" +(?:of|in|for)\b")
_PERCENT_LINK = re.compile(r" +of\b")
_FOLLOWING_WORD = re.compile(r" +([A-Za-z][\w’'-]*)")

# Reading backwards from a number to its subject ("turnout was 78%", "the toll rose to 22"),
# these words are stepped over: verbs of stating and changing, and the little words between.
_STEP_OVER = set(
    """
    was is were are be been being will would could should may might must can shall has have had also now
    still
    stood stands stand held holds hold remained remains remain rose rise rises risen fell fall falls
    fallen grew grow grows jumped jump jumps dropped drop drops slipped slip climbed climb increased
    increase decreased decrease eased ease slowed slow hit hits reached reach reaches stayed stay
    won win wins took take takes got get gets cut cuts trim trims reduce put puts putting estimated
    estimate totalled totaled total came come seen forecast expected set sets surged surge soared
    plunged plunge shrank shrink expanded expand at to by of from around about worth valued costing
    cost costs priced totalling totaling per cent percent % $ € £ ¥
    """.split()
)
# Words that end the noun phrase after a number; the verbs of _STEP_OVER that are nouns too ("a 3%
# pay rise", "the 6.6 percent forecast") do not.
_ENDS_PHRASE = STOP_WORDS | (
    _STEP_OVER - set("forecast total cut cuts estimate increase decrease rise fall drop set".split())
)
# Subjects that are times, not things: "6.7% in the year", "0.6% for the month".
_TIMES = TIME_UNITS | {unit[:-1] for unit in TIME_UNITS} | {"quarter", "quarters", "period", "row"}
# Between a rate and its new level, what is not its subject: "raised its rate by 25 basis points to
# 4%", "lifted rates to a record high of 4%"; read from before it.
_CHANGE_BEFORE = re.compile(
    r"(?:\bby\s+(?:[^,;:.!?()\"“”]|\.\d){1,40}?\s+)?\bto\s+(?:(?:a|an|the|its|their)\s+)?"
    r"(?:(?:new|fresh|record|all-time|historic|\d+-year)\s+)*(?:(?:high|low|peak|level)\s+of\s+)?$",
    re.IGNORECASE,
)
# The names of a central bank's rate before "rate": all are what outlets call "interest rates".
_POLICY_RATES = {
    "interest",
    "deposit",
    "benchmark",
    "policy",
    "base",
    "key",
    "lending",
    "refinancing",
    "repo",
}
_RELATIVES = {"that", "which", "who"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those"}
_COMPLEMENTS = {"with", "for", "to", "by", "from"}
_CHAIN = {"of", "in", "from"}  # "Turnout in the first round of the election was": the first head
# Heads that stand for the word before them: "the unemployment rate" is about unemployment.
_VAGUE_HEADS = {"rate", "rates", "level", "levels", "index"}


@dataclass(frozen=True)
class Fact:
    article: int
    start: int
    end: int
    kind: str
    value: float | str
    qualifier: str | None
    subject: str
    unit: str = ""  # a currency ("EUR"), "per hour", "of GDP", "points", "" for none
    when: str = ""  # the day (ISO) or year the sentence ties a number to, "" for none


def find_facts(article: int, text: str, published: datetime.date | None = None) -> list[Fact]:
    """Counts, amounts of money, percentages and dates stated in a canonical text, in order.

    With the article's date of publication, weekdays and dates without a year become days.
    """
    sentences = Sentences(text)
    dates = _dates(article, text, sentences, published)
    facts = dates + _money(article, text, sentences) + _percentages(article, text, sentences)
    facts += _counts(article, text, sentences, facts)
    facts = [_at_time(fact, text, dates) for fact in facts]
    return sorted(facts, key=lambda fact: (fact.start, fact.end))


# Dates -------------------------------------------------------------------------------------------


def _dates(article: int, text: str, sentences: Sentences, published: datetime.date | None) -> list[Fact]:
    """Calendar dates (with the weekday before them, if any) and weekdays alone, as days."""
    facts = []
    for match in _DATE.finditer(text):
        if value := _date_value(match, published):
            facts.append(_date_fact(article, text, sentences, match.start(), match.end(), value))
    taken = covered(len(text), [(fact.start, fact.end) for fact in facts])
    for match in _LONE_WEEKDAY.finditer(text):
        if not taken[match.start()]:
            value = _weekday_value(match[0], published, text, sentences.bounds(match.start()), match.start())
            facts.append(_date_fact(article, text, sentences, match.start(), match.end(), value))
    return facts


def _date_value(match: re.Match, published: datetime.date | None) -> str | None:
    """The matched date in ISO 8601 ("--06-19" without a year nor a date to take one from)."""
    if match["iso_year"]:
        year, month, day = int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
    else:
        year = int(match["year"] or match["year2"] or 0)
        month = _MONTHS[match["month"] or match["month2"]]
        day = int(match["day"] or match["day2"])
    try:
        datetime.date(year or 2000, month, day)  # 2000 has a 29 February
    except ValueError:
        return None
    if not year and published:
        return _nearest(published, month, day).isoformat()
    return datetime.date(year, month, day).isoformat() if year else f"--{month:02d}-{day:02d}"


def _nearest(published: datetime.date, month: int, day: int) -> datetime.date:
    """The day of this month and day nearest to the date of publication: "29 December" written in January."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(datetime.date(year, month, day))
        except ValueError:  # 29 February
            continue
    return min(candidates, key=lambda date: abs(date - published))


def _weekday_value(
    weekday: str, published: datetime.date | None, text: str, sentence: tuple[int, int], at: int
) -> str:
    """A weekday as a day: the last one on or before publication, the next one in a sentence about
    what will come. Without a date of publication, the weekday's name (aligned with nothing)."""
    if not published:
        return weekday
    offset = (published.weekday() - WEEKDAYS.index(weekday)) % 7
    if offset and _FUTURE_BEFORE.search(text, max(sentence[0], at - 60), at):
        return (published + datetime.timedelta(days=7 - offset)).isoformat()
    return (published - datetime.timedelta(days=offset)).isoformat()


def _date_fact(article: int, text: str, sentences: Sentences, start: int, end: int, value: str) -> Fact:
    """A date, about the event noun nearest to it in its sentence."""
    sentence_start, sentence_end = sentences.bounds(start)
    nouns = _EVENT_NOUN.finditer(
        text, max(sentence_start, start - SUBJECT_CHARS), min(sentence_end, end + SUBJECT_CHARS)
    )
    nearest = min(nouns, key=lambda noun: min(abs(noun.start() - end), abs(start - noun.end())), default=None)
    return Fact(article, start, end, "date", value, None, nearest["noun"].lower() if nearest else "")


# Money and percentages ---------------------------------------------------------------------------


def _money(article: int, text: str, sentences: Sentences) -> list[Fact]:
    """Amounts with a currency sign or code before them or a currency word after them."""
    facts = []
    for match in _MONEY_BEFORE.finditer(text):
        currency = CURRENCY_SIGNS[match["sign"].lower()]
        facts.append(_amount(article, text, sentences, match, currency))
    if not _ANY_CURRENCY_AFTER.search(text):  # most texts name none: one quick scan, not a slow one
        return facts
    taken = covered(len(text), [(fact.start, fact.end) for fact in facts])
    for match in _MONEY_AFTER.finditer(text):
        if taken[match.start()] or (match["word"] and not match["scale"]):
            continue  # "two dollars" is rarely news; "a million euros" is
        word = (match["currency"] or "").lower()
        if word in ("pounds", "pound") and not match["scale"]:
            continue  # "200 pounds of cocaine"
        facts.append(_amount(article, text, sentences, match, match["code"] or CURRENCY_WORDS[word]))
    return facts


def _amount(article: int, text: str, sentences: Sentences, match: re.Match, currency: str) -> Fact:
    qualifier, start = _qualifier(text, match.start())
    end = match.end()
    unit = currency
    if per := _PER_UNIT.match(text, end):
        unit, end = f"{currency} per {(per['unit'] or 'year').lower()}", per.end()
    subject, subject_end = _subject_after(text, end, _AMOUNT_LINK)
    if subject:
        end = subject_end
    else:
        subject = _subject_before(text, sentences, start)
    return Fact(article, start, end, "money", _value(match), qualifier, subject, unit)


def _percentages(article: int, text: str, sentences: Sentences) -> list[Fact]:
    facts = []
    for match in _PERCENT.finditer(text):
        qualifier, start = _qualifier(text, match.start())
        end, unit = match.end(), "points" if match["points"] else ""
        if share := _SHARE_OF.match(text, end):
            end, unit = share.end(), "of GDP"
        subject, subject_end = (None, end) if unit == "of GDP" else _subject_after(text, end, _PERCENT_LINK)
        if subject:
            end = subject_end
        else:
            subject = _subject_before(text, sentences, start)
        facts.append(Fact(article, start, end, "percent", _value(match), qualifier, subject, unit))
    return facts


# Counts ------------------------------------------------------------------------------------------


def _counts(article: int, text: str, sentences: Sentences, taken_facts: list[Fact]) -> list[Fact]:
    """Numbers of something plural, or of people killed, injured, ... with no noun ("87 wounded")."""
    facts = []
    taken = covered(len(text), [(fact.start, fact.end) for fact in taken_facts])
    for match in _COUNT.finditer(text):
        if taken[match.start()] or _in_name(text, match) or _is_year(match):
            continue
        if match["word"] and match["word"].lower() == "a" and not match["scale"]:
            continue  # "a" counts only as "a million"
        qualifier, start = _qualifier(text, match.start())
        noun, end = _counted_noun(text, match.end())
        outcome = _outcome(text, sentences, start, end)
        if noun is None and outcome is None:
            continue  # "20-year", "six months", "World War II" and bare numbers are not counts
        if noun in _OUTCOME_ALONE and outcome:
            subject = outcome
        else:
            subject = " ".join(filter(None, (noun, outcome)))
        facts.append(Fact(article, start, end, "count", _value(match), qualifier, subject))
    return facts


def _in_name(text: str, match: re.Match) -> bool:
    """Whether the number is part of a name: "Article 50", "Boeing 737", "Section 230", "No. 10"."""
    before = text[max(0, match.start() - 20) : match.start()]
    word = re.search(r"([A-Za-z][\w.’'-]*)\s$", before)
    if not word or match["word"]:
        return False
    previous = word[1]
    if previous.lower() in ("no.", "number", "no"):
        return True
    return (
        previous[0].isupper()
        and previous.rstrip(".") not in _MONTHS
        and previous not in WEEKDAYS
        and not _QUALIFIER_BEFORE.search(before)
        and not re.search(r"(?:^|[.!?:;\"“”)—–-]\s+|\n)$", before[: word.start()])  # a sentence starts there
    )


def _is_year(match: re.Match) -> bool:
    number = match["number"] or ""
    return number.isdigit() and len(number) == 4 and 1800 <= int(number) <= 2100 and not match["scale"]


def _counted_noun(text: str, position: int) -> tuple[str | None, int]:
    """The plural noun a number at position counts, and its end: "100 Microsoft employees",
    "20 injured people", "3 police officers", "43 of the missiles"; None if there is none."""
    if of := re.match(r" +of +(?:the|its|their|all)(?= )", text[position : position + 20]):
        position += of.end()  # "43 of the missiles"
    noun, end, at = None, position, position
    for _ in range(3):
        word = _FOLLOWING_WORD.match(text, at)
        if not word:
            break
        lower = without_possessive(word[1]).lower()
        if lower in STOP_WORDS or lower in TIME_UNITS:
            return (None, position) if noun is None else (noun, end)
        if _is_plural(lower):
            noun, end = SUBJECT_SYNONYMS.get(lower, lower), word.end()
        elif noun is not None:
            break  # "3 police officers killed": the run of plurals ends
        at = word.end()
    return noun, end


def _is_plural(word: str) -> bool:
    return word in IRREGULAR_PLURALS or (
        word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")) and len(word) > 3
    )


def _outcome(text: str, sentences: Sentences, start: int, end: int) -> str | None:
    """What happened to those counted, written next to the count: "killing 18 people", "18 people
    were killed", "87 wounded", "the death toll rose to 22"."""
    after = re.match(
        r"(?:\s+(?:were|was|have|has|had|been|are|is|be|being|reportedly|also|later|now|all))*"
        r"\s+([a-z]+)",
        text[end : end + 60],
    )
    if after and after[1] in _OUTCOME_OF:
        return _OUTCOME_OF[after[1]]
    sentence_start = sentences.bounds(start)[0]
    before = _TOKEN.findall(text[max(sentence_start, start - 80) : start])
    while before and before[-1].lower() in ("all", "the", "some"):
        before.pop()
    if before and before[-1].lower() in _OUTCOME_OF and before[-1].lower() != "toll":
        return _OUTCOME_OF[before[-1].lower()]
    if len(before) > 1 and before[-1] == "of" and before[-2].lower() in _OUTCOME_NOUNS:
        return _OUTCOME_NOUNS[before[-2].lower()]
    return "killed" if _subject_before(text, sentences, start) == "toll" else None


# Subjects ----------------------------------------------------------------------------------------


def _subject_after(text: str, position: int, link: re.Pattern) -> tuple[str | None, int]:
    """The noun phrase right after an amount or percentage ("$19.4 million contract", "25% tariffs",
    "$550 billion in new spending"): its head, lower case, and its end; None if there is none."""
    heads, end, offset = [], position, position
    if linked := link.match(text, position):
        offset = linked.end()
    while len(heads) < 3 and (word := _FOLLOWING_WORD.match(text, offset)):
        lower = without_possessive(word[1]).lower()
        offset = word.end()
        if lower in _DETERMINERS and not heads:
            continue
        if lower in _ENDS_PHRASE or lower.endswith("ed") or word[1] in _MONTHS or word[1] in WEEKDAYS:
            break
        if heads and _is_plural(heads[-1]) and not _is_plural(lower):
            break  # "3.5% of workers quit"
        heads.append(lower)
        end = offset
    if not heads or heads[-1] in _TIMES:
        return None, position
    return _head(heads), end


def _subject_before(text: str, sentences: Sentences, start: int) -> str:
    """The subject a number is stated of, read backwards in its clause: "turnout was 78%" ->
    turnout, "Turnout in the first round of the election was 73.7%" -> turnout; "" if none."""
    sentence_start = sentences.bounds(start)[0]
    window_start = max(sentence_start, start - SUBJECT_CHARS)
    if _QUALIFIER_BEFORE.search(text, max(0, start - 20), start):
        return ""  # the qualifier is the number's own: read from it instead
    if (change := _CHANGE_BEFORE.search(text, window_start, start)) and change.start() > window_start:
        start = change.start()
    tokens = _TOKEN.findall(text[window_start:start])
    stepped = 0
    while tokens and stepped < 6 and _steps_over(tokens[-1]):
        tokens.pop()
        stepped += 1
    head = _phrase_before(tokens)
    if head and _relative_clause(tokens):
        head = _phrase_before(tokens) or head  # "Inflation in the 20 countries that use the euro was"
        while tokens and (tokens[-1][0].isdigit() or tokens[-1].lower() in _DETERMINERS):
            tokens.pop()
    # "The toll from the quake in Turkey", not "the Bank of England's rate": chains of names end
    while head and len(tokens) > 1 and tokens[-1].lower() in _CHAIN and not _names(tokens[:-1]):
        tokens.pop()
        head = _phrase_before(tokens) or head
    return head or ""


def _relative_clause(tokens: list[str]) -> bool:
    """Pop a relative pronoun and its verb that end the tokens ("countries that use"): whether there were."""
    if len(tokens) > 2 and tokens[-2].lower() in _RELATIVES and tokens[-1].isalpha() and tokens[-1].islower():
        del tokens[-2:]
        return True
    return False


def _names(tokens: list[str]) -> bool:
    """Whether the tokens end in a name ("the Bank" of England), not a sentence's first word."""
    return tokens[-1][0].isupper() and len(tokens) > 1 and tokens[-2] not in '.!?:;-—–)"'


def _steps_over(token: str) -> bool:
    lower = token.lower()
    return lower in _STEP_OVER or lower.endswith("ed") or token[0].isdigit()


def _phrase_before(tokens: list[str]) -> str | None:
    """Pop the noun phrase that ends the tokens (with its determiner) and give its head; a name
    after "with", "for", ... is the complement of the phrase before it: "a contract with ICE"."""
    head = _noun_phrase_before(tokens)
    while head and head[1] and len(tokens) > 1 and tokens[-1].lower() in _COMPLEMENTS:
        tokens.pop()
        head = _noun_phrase_before(tokens) or head
    return head[0] if head else None


def _noun_phrase_before(tokens: list[str]) -> tuple[str, bool] | None:
    """Pop the noun phrase that ends the tokens: its head, and whether it is a name."""
    words, name = [], True
    while tokens and len(words) < 3:
        lower = without_possessive(tokens[-1]).lower()
        if not tokens[-1][0].isalpha() or lower in STOP_WORDS or lower in _STEP_OVER:
            break
        words.insert(0, lower)
        name = tokens.pop()[0].isupper() and name
    if not words:
        return None
    while tokens and tokens[-1].lower() in _DETERMINERS:
        tokens.pop()
    return _head(words), name


def _head(words: list[str]) -> str:
    """The head of a noun phrase, its last word: "unemployment rate" -> unemployment, though."""
    if words[-1] in _VAGUE_HEADS and len(words) > 1:
        if words[-1] in ("rate", "rates") and words[-2] in _POLICY_RATES:
            return "interest"
        return SUBJECT_SYNONYMS.get(words[-2], words[-2])
    return SUBJECT_SYNONYMS.get(words[-1], words[-1])


# Numbers, qualifiers and times -------------------------------------------------------------------


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    """The normalised qualifier right before start, and where the phrase then begins."""
    match = _QUALIFIER_BEFORE.search(text, max(0, start - 20), start)
    if not match:
        return None, start
    return QUALIFIERS[match["qualifier"].lower()], match.start()


def _value(match: re.Match) -> float:
    """The matched number times its scale, computed in decimal: 19.4 million is 19400000.0."""
    if match.groupdict().get("word"):
        word = match["word"].lower()
        value = Decimal(1 if word == "a" else _NUMBER_WORDS[word])
    else:
        value = Decimal(match["number"].replace(",", ""))
    scale = (match.groupdict().get("scale") or "").lower()
    factor = _SCALES.get(scale) or _SHORT_SCALES.get(scale, 1)
    return float(value * Decimal(str(factor)))


def _at_time(fact: Fact, text: str, dates: list[Fact]) -> Fact:
    """The fact with the day or year its clause ties it to, if one follows it closely."""
    if fact.kind == "date":
        return fact
    window = text[fact.end : fact.end + WHEN_CHARS]
    clause_end = fact.end + len(re.split(r"[,;:!?]|\.\s", window, maxsplit=1)[0])
    day = next((date for date in dates if fact.end <= date.start < clause_end), None)
    if day and day.value[:1].isdigit():
        return _replace(fact, when=day.value)
    if year := _YEAR_AFTER.match(text, fact.end, clause_end):
        return _replace(fact, when=year["year"])
    return fact


def _replace(fact: Fact, **changes) -> Fact:
    return Fact(**{**fact.__dict__, **changes})


# Alignment ---------------------------------------------------------------------------------------


def align_facts(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts that are the same fact in at least two articles, grouped, most articles first.

    Dates are the same fact when they are the same day (weekdays and dates without a year need a
    date of publication). Counts, amounts and percentages when kind, unit, subject and time agree
    (a fact that names no time joins the one time the others name) and their values are within
    ALIGN_TOLERANCE; where one article gives several values for one subject, only equal values
    are one fact.
    """
    facts = set(facts)
    stated = {(fact.article, fact.kind, fact.unit, fact.value) for fact in facts}
    groups = [
        sorted(group, key=lambda fact: (fact.article, fact.start))
        for slot in _slots(facts)
        for group in _same_facts(slot, stated)
        if len({fact.article for fact in group}) >= 2
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


def _slots(facts: Iterable[Fact]) -> list[list[Fact]]:
    """The facts that may be one fact: dates by day; the others by kind, unit, subject and time."""
    by_key: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in set(facts):
        if fact.kind == "date":
            by_key[("date", fact.value)].append(fact)
        elif fact.subject and fact.subject not in GENERIC_NOUNS:  # "39 people" of what?
            by_key[(fact.kind, fact.unit, _singular(fact.subject))].append(fact)
    slots = []
    for key, members in by_key.items():
        if key[0] == "date":
            if not members[0].value[:1].isalpha():  # a weekday without a date is no day
                slots.append(members)
            continue
        by_time: dict[str, list[Fact]] = defaultdict(list)
        for fact in members:
            by_time[fact.when].append(fact)
        timeless = by_time.pop("", [])
        if len(by_time) == 1:
            (only,) = by_time.values()
            only += timeless
        elif timeless:
            by_time[""] = timeless
        slots.extend(by_time.values())
    return slots


def _singular(word: str) -> str:
    """A subject compared without its plural ending: "votes" and "vote" are one subject."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _same_facts(slot: list[Fact], stated: set[tuple]) -> list[list[Fact]]:
    """A slot's facts in groups that are one fact each.

    Values that differ are one fact only if no article tells them apart: none gives two of them,
    and none states the other's value elsewhere ("$300 billion of imports" and "$250 billion of
    goods" in one, the other way round in another).
    """
    if slot[0].kind == "date":
        return [slot]
    values_per_article = Counter(article for article, _ in {(fact.article, fact.value) for fact in slot})
    if max(values_per_article.values()) > 1:
        return _equal_values(slot)
    groups = []
    for run in _close_values(slot):
        told_apart = any(
            (other.article, fact.kind, fact.unit, fact.value) in stated
            for fact in run
            for other in run
            if other.value != fact.value
        )
        groups.extend(_equal_values(run) if told_apart else [run])
    return groups


def _equal_values(facts: list[Fact]) -> list[list[Fact]]:
    by_value: dict[float, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_value[fact.value].append(fact)
    return list(by_value.values())


def _close_values(facts: list[Fact]) -> list[list[Fact]]:
    """The facts in runs of values, each within ALIGN_TOLERANCE of the run's largest."""
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
    """Whether the facts of a group state their value or qualifier differently: never a date's,
    since a date of another value is another fact."""
    return group[0].kind != "date" and len({(fact.value, fact.qualifier) for fact in group}) > 1


def group_subject(group: list[Fact]) -> str:
    """What a group of facts is about, as most of them say it (dates may name different events)."""
    subjects = Counter(fact.subject for fact in group if fact.subject)
    return subjects.most_common(1)[0][0] if subjects else ""
