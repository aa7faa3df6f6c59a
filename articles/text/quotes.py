"""Quotations in article bodies, who said them, and the same statement quoted across outlets.

Pure: no Django. Offsets point into the canonical text (canonical.py), whose paragraphs are
separated by a blank line; a quotation never crosses one.

Quotes: double quotes (“ ” or ") and curly single quotes (‘ ’) used as quotation marks. A
closing ’ followed by a letter is an apostrophe (don’t, Microsoft’s), and an opening ‘ that
is never closed in its paragraph (‘Merica) is slang, so neither starts a quote. Single quotes
inside a double quote belong to it. Quotes of fewer than QUOTE_MIN_WORDS words are scare
quotes or names (“zero tolerance”) and quotes introduced by TITLE_WORDS are titles; neither is
kept.

A speaker is given only when the text supports it, else None. It comes from the attribution
after the quote (“...,” Smith wrote / “...,” said Smith), else from one just before it in the
same sentence (Microsoft said in a statement it was “...”; according to police, “...”), else
from the previous quote of the paragraph when nothing but its attribution lies between them.
An attribution never runs across the end of a sentence, and its subject phrase is read by
speakers.py (the person's surname, a bare title, an organisation). Pronouns bind to the
nearest mention of a fitting kind and gender in the quote's sentence and the PRONOUN_SENTENCES
before it: "he" and "she" to a person (named with a title, an honorific or a known first name,
or the subject of a reporting verb), "it" to an organisation, "they" to a group noun.
"""

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from operator import itemgetter

from articles.text.canonical import Paragraph, split_paragraphs
from articles.text.segments import covered
from articles.text.speakers import (
    FEMALE,
    GROUP_NOUNS,
    MALE,
    Speaker,
    introduces_person,
    is_abbreviation,
    read_subject,
)
from articles.text.words import Sentences, count_alphanumeric_words, normalized_text, split_sentences

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
# A subject longer than this is a clause, not a noun phrase naming a speaker.
SUBJECT_MAX_WORDS = 12
# Pronouns look for their person in the quote's sentence and this many sentences before it.
PRONOUN_SENTENCES = 2
# Two quoted sentences state the same thing when this share of the shorter one's words match
# the longer one in order, with at least GROUP_MIN_RUN words in a row.
GROUP_MIN_OVERLAP = 0.7
GROUP_MIN_RUN = 3
# A quoted sentence is compared with the statements sharing most of its GROUP_MIN_RUN-word runs,
# this many at most: enough for a fragment to find its statement among near-identical ones.
GROUP_CANDIDATES = 8

_DOUBLE_MARK = re.compile('[“”"]')
_SINGLE_MARK = re.compile("[‘’]")
_ANY_MARK = re.compile('[“”"‘’]')
_CAN_PRECEDE_OPENING = set('([{—–-/“"')
# Case-insensitive only in the first letter: "Employees" opening a sentence (and 3 times faster).
_GROUP = re.compile(rf"\b(?:{'|'.join(f'[{noun[0].upper()}{noun[0]}]{noun[1:]}' for noun in GROUP_NOUNS)})\b")
# A run of capitalised words, honorifics with their dot and connectors between capitals: a name.
_NAME_WORD = r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|St|[A-Z])\.|[A-Z][\w’'-]*)"
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:of|for|and|the)\s+)*{_NAME_WORD})*")

# Reporting verbs; those in _INVERTIBLE also come before their subject ("...," said Smith).
_INVERTIBLE = (
    "said|says|added|adds|wrote|writes|asked|asks|continued|explained|replied|recalled|warned|insisted|"
    "declared|noted|stated|argued|concluded|cautioned|countered"
)
_VERBS = (
    rf"went on to say|{_INVERTIBLE}|told|tells|declares|read|reads|explains|notes|argues|demanded|demands|"
    "claimed|claims|insists|urged|urges|warns|tweeted|posted|posts|responded|announced|acknowledged|"
    "reported|reports|stressed|emphasized|emphasised|admitted|admits|confirmed|confirms|conceded|"
    "promised|pledged|vowed|predicted|suggested|called|calls|described|describes|hailed|branded|"
    "complained|remarked|agreed|boasted|joked|radioed|testified|maintained|observed|shouted|"
    "announces|welcomed|criticised|criticized|denied|denies|added|adding|saying|insisting|warning|"
    "noting|calling|describing|arguing|reiterated|repeated"
)
_PARTICIPLES = {"adding", "saying", "insisting", "warning", "noting", "calling", "describing", "arguing"}
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_INVERTED = re.compile(rf"[\s,—–-]*(?:{_INVERTIBLE})\s+(?P<subject>[^;:()]+)")
_ADVERBS = frozenset("also later then further previously once again had has have".split())
_ACCORDING_TO = re.compile(r"\b[Aa]ccording to (?P<subject>[^,;:“”\"‘’]+)")
_TITLE_BEFORE = re.compile(rf"\b(?:{'|'.join(TITLE_WORDS)})[\s,:]*$", re.IGNORECASE)
_END_MARK = re.compile(r"[.!?][”\"’)]*(?=\s)")
# Where a subject before its verb starts: after a quotation mark, a colon, a dash or a bracket.
_CLAUSE_START = re.compile(r"[“”\"‘’:;(—–]")
# Words that end a clause: a subject starts after the last of them ("... and police said").
_CONJUNCTIONS = frozenset(
    "and but or as while because that when after before since although though if so".split()
)
# Words that end an inverted subject: "said Sarah Pike of the ...", "said Smith on Friday".
_INVERTED_ENDS = re.compile(
    r"\s(?:of|at|from|in|on|for|to|with|who|which|after|before|during|when|as|while|and|but|adding|"
    r"referring|speaking|according|last|this|earlier)\b"
)


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
    sentences = Sentences(text)
    speakers = _Speakers(_masked(text, inner), sentences)
    quotes: list[Quote] = []
    previous = (-1, 0, None)  # paragraph, closing mark and speaker of the last quote kept
    for index, paragraph, open_at, close_at in marks:
        if (quoted := _quoted_words(paragraph, open_at, close_at)) is None:
            continue
        sentence_start = sentences.bounds(paragraph.start + open_at)[0] - paragraph.start
        subject = _attribution(paragraph.text, sentence_start, open_at, close_at)
        if subject is not None:
            speaker = speakers.resolve(subject, paragraph.start + open_at)
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


def _attribution(paragraph: str, sentence_start: int, open_at: int, close_at: int) -> str | None:
    """The subject phrase attributed to the quote between two marks, after it or just before it."""
    inner = paragraph[open_at + 1 : close_at].rstrip()
    following = paragraph[close_at + 1 : close_at + 3].lstrip(" ")
    # “...border.” The post urged -> a new sentence, not an attribution
    ends_sentence = inner.endswith((".", "!", "?")) and not following[:1].islower()
    if not ends_sentence and (subject := _attribution_after(paragraph, close_at + 1)):
        return subject
    start = max(sentence_start, open_at - ATTRIBUTION_CHARS)
    for verb in reversed(list(_VERB.finditer(paragraph, start, open_at))):
        gap = paragraph[verb.end() : open_at]
        if count_alphanumeric_words(gap) > BEFORE_WINDOW_WORDS or _ANY_MARK.search(gap):
            break
        if subject := _subject_before(paragraph, start, verb):
            return subject
    if according := list(_ACCORDING_TO.finditer(paragraph, start, open_at)):
        return according[-1]["subject"]
    return None


def _attribution_after(paragraph: str, at: int) -> str | None:
    """The subject of an attribution right after a quote: “...,” Smith said / “...,” said Smith."""
    rest = _first_sentence(paragraph[at : at + ATTRIBUTION_CHARS])
    verb = _VERB.search(rest)
    if verb is None or _ANY_MARK.search(rest, 0, verb.start()):
        return None
    if rest[: verb.start()].strip(" ,—–-"):
        return _subject_before(rest, 0, verb)
    return _inverted_subject(rest, verb.start())


def _inverted_subject(text: str, at: int) -> str | None:
    """The subject after the verb at `at`: "said Sarah Pike of the network" -> "Sarah Pike"."""
    if (inverted := _INVERTED.match(text, at)) is None:
        return None
    subject = _INVERTED_ENDS.split(inverted["subject"], maxsplit=1)[0].strip()
    subject = _first_sentence(subject).rstrip(".!? ")
    return subject if subject and count_alphanumeric_words(subject) <= SUBJECT_MAX_WORDS else None


def _first_sentence(text: str) -> str:
    """The text up to the end of its first sentence: not at the dot of "Sen." or "F."."""
    for end in _END_MARK.finditer(text):
        if not is_abbreviation(text[: end.start() + 1].rsplit(None, 1)[-1]):
            return text[: end.start() + 1]
    return text


def _subject_before(text: str, start: int, verb: re.Match) -> str | None:
    """The noun phrase before a reporting verb, within its clause: "In a memo, CEO Dana Whitfield"."""
    if verb[0] in _PARTICIPLES:  # “...,” she said, adding that ... -> the subject of "said"
        earlier = [
            match for match in _VERB.finditer(text, start, verb.start()) if match[0] not in _PARTICIPLES
        ]
        return _subject_before(text, start, earlier[-1]) if earlier else None
    clause = text[start : verb.start()]
    last = clause.rsplit(None, 1)
    if len(last) == 2 and (last[1] in _ADVERBS or (last[1].endswith("ly") and last[1].islower())):
        clause = last[0]  # "Smith later said", "he previously said"
    if clause.rsplit(None, 1)[-1:] in (["was"], ["were"], ["is"], ["are"], ["be"], ["been"], ["being"]):
        return None  # "The raid was described as “...”" names no speaker
    clause = clause[max((match.end() for match in _CLAUSE_START.finditer(clause)), default=0) :]
    parts = clause.split(",")
    while parts and not parts[-1].strip():
        parts.pop()
    appositive = len(parts) < len(clause.split(","))  # "Chile's minister, Rodrigo Paz, said"
    while parts and _is_aside(parts[-1]):  # "Haines, 58, said"; "the engineer, who asked ..., said"
        parts.pop()
        appositive = False
    if not parts:
        return None
    words = parts[-1].split()
    cut = max((k + 1 for k in range(len(words)) if _ends_clause(words, k)), default=0)
    if not words[cut:] or len(words) - cut > SUBJECT_MAX_WORDS:
        return None
    if appositive and cut == 0 and len(parts) > 1:
        return f"{parts[-2].strip()}, {parts[-1].strip()}"
    return " ".join(words[cut:])


def _is_aside(part: str) -> bool:
    """A part between commas that names nobody: an age, a relative clause."""
    words = part.split()
    return bool(words) and (words[0][:1].isdigit() or words[0] in {"who", "which", "whose", "aged", "where"})


def _ends_clause(words: list[str], k: int) -> bool:
    """Whether words[k] ends a clause before the subject: a conjunction not inside a name, an end mark."""
    if words[k].endswith((".", "!", "?")) and k < len(words) - 1 and not is_abbreviation(words[k]):
        return True
    if words[k].lower() not in _CONJUNCTIONS:  # "But the union said"
        return False
    return not (0 < k < len(words) - 1 and words[k - 1][:1].isupper() and words[k + 1][:1].isupper())


def _continues(paragraph: str, previous_close: int, open_at: int) -> bool:
    """Whether only the rest of the previous quote's sentence separates the two: “...,” she said. “...”"""
    gap = paragraph[previous_close + 1 : open_at]
    if paragraph[previous_close - 1] in ".!?" and gap.strip():  # “... start.” The report found “...”
        return False
    sentences = split_sentences(gap + " ")
    return not any(sentence.strip() for sentence in sentences[1:]) and not _DOUBLE_MARK.search(gap)


class _Speakers:
    """Turns attribution subjects into speakers, binding pronouns to the people a text mentions.

    Mentions are the people the text names with a title, an honorific or a known first name,
    and every subject of a reporting verb, quoted or not ("One mother said her son ..."), in
    the text with its quotes blanked. A pronoun binds to the last mention of a fitting kind and
    gender in its sentence and the PRONOUN_SENTENCES before it, and is a mention in turn.
    """

    def __init__(self, masked: str, sentences: Sentences):
        self.sentences = sentences
        runs = [(run.start(), run[0], run[0].split()) for run in _NAME_RUN.finditer(masked)]
        self.persons = frozenset(speaker.name for _, speaker in _named_people(runs, frozenset()))
        # A second pass: a surname named in full elsewhere is a person alone ("Nadella in a statement").
        named = _named_people(runs, self.persons)
        self.genders: dict[str, str] = {}
        self.mentions: list[tuple[int, Speaker]] = []
        groups = [
            (match.start(), Speaker(f"the {match[0].lower()}", "group")) for match in _GROUP.finditer(masked)
        ]
        for at, speaker in sorted(
            named + groups + _attributed(masked, sentences, self.persons), key=itemgetter(0)
        ):
            self._mention(at, speaker)

    def resolve(self, subject: str, position: int) -> str | None:
        """Who the subject of an attribution for a quote at position is."""
        first = subject.split()[0].lower()
        if first in {"he", "she"}:
            speaker = self._bind(position, MALE if first == "he" else FEMALE, {"person"})
        elif first == "it":
            speaker = self._bind(position, None, {"organisation"})
        elif first == "they":
            speaker = self._bind(position, None, {"group"})
        else:
            speaker = read_subject(subject, self.persons)
        if speaker is not None:
            insort(self.mentions, (position, speaker), key=itemgetter(0))
        return speaker.name if speaker else None

    def _mention(self, at: int, speaker: Speaker) -> None:
        self.mentions.append((at, speaker))
        if speaker.gender:
            self.genders.setdefault(speaker.name, speaker.gender)

    def _bind(self, position: int, gender: str | None, kinds: set[str]) -> Speaker | None:
        """The last mention before position, within PRONOUN_SENTENCES, of a fitting kind and gender.

        A bare proper name ("Okafor said", "Greenpeace said") may be a person or an organisation.
        """
        starts = self.sentences.starts
        sentence = bisect_right(starts, position) - 1
        window_start = starts[max(0, sentence - PRONOUN_SENTENCES)]
        first = bisect_left(self.mentions, window_start, key=itemgetter(0))
        last = bisect_left(self.mentions, position, key=itemgetter(0))
        for _, speaker in reversed(self.mentions[first:last]):
            fits = speaker.kind in kinds or (_bare_name(speaker) and kinds & {"person", "organisation"})
            if fits and self.genders.get(speaker.name, gender) == gender:
                if gender:
                    self.genders[speaker.name] = gender  # learnt: "Okafor said ... she said"
                return speaker
        return None


def _bare_name(speaker: Speaker) -> bool:
    """A proper name the text does not tell a person's or an organisation's: "Okafor", "Greenpeace"."""
    return speaker.kind == "other" and speaker.name[:1].isupper()


def _named_people(
    runs: list[tuple[int, str, list[str]]], persons: frozenset[str]
) -> list[tuple[int, Speaker]]:
    """People the text names with a title, an honorific or a known first name ("CEO Satya Nadella"),
    or by the surname of one of these persons ("Nadella")."""
    people = []
    for at, run, words in runs:
        if words[-1] in persons or introduces_person(words):
            speaker = read_subject(run, persons)
            if speaker is not None and speaker.kind == "person":
                people.append((at, speaker))
    return people


def _attributed(masked: str, sentences: Sentences, persons: frozenset[str]) -> list[tuple[int, Speaker]]:
    """The subject of every reporting verb outside quotes, as a mention where the verb is."""
    mentions = []
    for verb in _VERB.finditer(masked):
        start = max(sentences.bounds(verb.start())[0], verb.start() - ATTRIBUTION_CHARS)
        subject = (
            _subject_before(masked, start, verb) if masked[start : verb.start()].strip(' ,—–-“”"‘’') else None
        )
        subject = subject or _inverted_subject(masked, verb.start())
        if subject and subject.split()[0].lower() not in {"he", "she", "it", "they"}:
            if speaker := read_subject(subject, persons):
                mentions.append((verb.start(), speaker))
    return mentions


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
    """For each statement that two or more of the quotes say, the indices of those quotes.

    Each statement is grouped around its core, its longest quoted sentence: a sentence joins
    the statement whose core it says (_same_statement), never one it merely shares words with
    another member of, so that fragments of different statements do not chain into one group
    (A~B and B~C without A~C). Cores are found by their GROUP_MIN_RUN-word runs, not by
    comparing every pair: a story of 1,500 articles has thousands of quoted sentences.
    """
    units = [(index, words) for index, quote in enumerate(quotes) for words in _sentences(quote.text)]
    cores: list[list[str]] = []  # each statement's longest sentence
    members: list[set[int]] = []  # the quotes saying each statement
    by_run: dict[tuple[str, ...], list[int]] = defaultdict(list)  # statements whose core has a run
    for quote, words in sorted(units, key=lambda unit: -len(unit[1])):
        runs = set(_runs(words))
        candidates = Counter(statement for run in runs for statement in by_run.get(run, ()))
        statement = next(
            (s for s, _ in candidates.most_common(GROUP_CANDIDATES) if _same_statement(cores[s], words)), None
        )
        if statement is None:
            statement = len(cores)
            cores.append(words)
            members.append(set())
            for run in runs:
                by_run[run].append(statement)
        members[statement].add(quote)
    return {frozenset(group) for group in members if len(group) > 1}


def _runs(words: list[str]) -> Iterable[tuple[str, ...]]:
    """The runs of GROUP_MIN_RUN words in a row: two sentences of one statement share one at least."""
    return zip(*(words[k:] for k in range(GROUP_MIN_RUN)), strict=False)


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
