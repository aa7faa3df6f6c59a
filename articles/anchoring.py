"""Anchor annotations in an article's canonical text, and find them again after it changes.

An annotation keeps two W3C selectors: its offsets (TextPositionSelector) and its quote with
some context on each side (TextQuoteSelector). relocate() anchors like Hypothesis does: offsets
first, then the exact quote, then an approximate match scored on quote, context and nearness.
Unlike Hypothesis it refuses weak matches: an orphaned annotation is better than one pinned to a
lookalike passage. Offsets are Python str indices (code points). Pure: no Django.
"""

import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import edlib

CONTEXT_CHARS = 32

# Hypothesis's weights for a candidate match: its quote, prefix and suffix similarity, and its
# nearness to the old offsets. The score is their weighted mean, from 0 to 1.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2

# An approximate match may differ from the quote in at most a quarter of its characters (one
# word in a short sentence). Hypothesis allows half; that finds rewritten sentences too.
MAX_ERROR_RATE = 0.25

# Thresholds, set from the fixtures corpus (figures in the report of the change that added them).
# A side of context is compared with the same number of characters beside the candidate; two
# unrelated 32-character windows of news text have a similarity of 0.125 at the median and 0.31
# at the 99th percentile, a window with one word changed 0.75 at the median and 0.53 at the 5th
# percentile.
#
# Every match that is not at its old offsets needs this score. The quote alone brings 50 of 92
# points (0.54), so the context must agree: for an exact quote, intact on one side (0.79 with
# the other side unrelated) or lightly edited on both (0.89), but not unrelated on both (0.59 to
# 0.70); for an approximate one, about as much again.
MIN_SCORE = 0.75
# An approximate match also needs each side of its context to look like the stored one. This is
# what tells a quote edited in place (its context intact or lightly edited) from a lookalike
# passage elsewhere, whose context is unrelated on at least one side: the weighted score cannot,
# since a lookalike sentence next to the deleted one keeps its prefix and scores up to 0.81.
MIN_CONTEXT_SIMILARITY = 0.5

# An exact quote this long that occurs once is taken even if its context was rewritten: 32
# identical characters are as good a witness as the context would have been.
DISTINCTIVE_CHARS = 32

# Bounds on the search, so that relocating a thousand annotations stays fast: look this far on
# each side of the old offsets before searching the whole text, score at most this many exact
# occurrences (the nearest) and this many approximate candidates, found in this many rounds.
NEAR_CHARS = 1_000
MAX_EXACT_CANDIDATES = 100
MAX_FUZZY_CANDIDATES = 50
MAX_FUZZY_ROUNDS = 4
# How much of the stored context an approximate match may be trimmed of at its edges.
EDGE_CHARS = 8

# edlib compares at most 256 distinct symbols.
_EDLIB_ALPHABET = 256
_NOT_WORD = "".join(map(chr, range(0x80))).translate(
    dict.fromkeys(map(ord, string.ascii_letters + string.digits))
)


@dataclass(frozen=True)
class TextQuote:
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: str  # "position", "quote" or "fuzzy": how it was found


@dataclass(frozen=True)
class Segment:
    start: int  # absolute offset in the article text
    text: str
    annotation_ids: tuple  # ids covering every character of this segment, sorted; () if none


def trim_selection(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets clamped to the text and moved inward past whitespace; (start, start) if none is left."""
    start = min(max(start, 0), len(text))
    end = min(max(end, start), len(text))
    trimmed_start, trimmed_end = start, end
    while trimmed_start < trimmed_end and text[trimmed_start].isspace():
        trimmed_start += 1
    while trimmed_end > trimmed_start and text[trimmed_end - 1].isspace():
        trimmed_end -= 1
    if trimmed_start == trimmed_end:
        return start, start
    return trimmed_start, trimmed_end


def quote_at(text: str, start: int, end: int) -> TextQuote:
    """The passage text[start:end] with up to CONTEXT_CHARS characters of context on each side."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    return TextQuote(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def relocate(text: str, *, start: int, end: int, quote: TextQuote) -> Anchor | None:
    """Where the quoted passage is in the text now, or None if it cannot be found with confidence."""
    exact = quote.exact
    if not exact or len(exact) > len(text):
        return None
    at_position = 0 <= start and end == start + len(exact) and text.startswith(exact, start)
    if at_position and quote_at(text, start, end) == quote:
        return Anchor(start, end, "position")
    return _find_exact(text, start, quote, at_position) or _find_approximate(text, start, quote)


def highlight_segments(
    paragraph_start: int, paragraph_text: str, spans: Iterable[tuple[object, int, int]]
) -> list[Segment]:
    """One paragraph cut into pieces at every span boundary, each with the ids of the spans over it."""
    paragraph_end = paragraph_start + len(paragraph_text)
    events = []
    for annotation_id, start, end in spans:
        start, end = max(start, paragraph_start), min(end, paragraph_end)
        if start < end:
            events += [(start, 1, annotation_id), (end, -1, annotation_id)]
    events.sort(key=itemgetter(0))  # ids need not be comparable with each other

    segments: list[Segment] = []
    active: Counter = Counter()
    ids: tuple = ()
    position = paragraph_start

    def cut(until: int) -> None:
        if until <= position:
            return
        piece = paragraph_text[position - paragraph_start : until - paragraph_start]
        if segments and segments[-1].annotation_ids == ids:
            previous = segments.pop()
            piece, start = previous.text + piece, previous.start
        else:
            start = position
        segments.append(Segment(start, piece, ids))

    index = 0
    while index < len(events):
        offset = events[index][0]
        cut(offset)
        position = offset
        while index < len(events) and events[index][0] == offset:
            _, change, annotation_id = events[index]
            active[annotation_id] += change
            if not active[annotation_id]:
                del active[annotation_id]
            index += 1
        ids = tuple(sorted(active))
    cut(paragraph_end)
    return segments


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    score: float
    context: float  # the similarity of the less similar side of its context
    distance: int  # from the old start


def _find_exact(text: str, old_start: int, quote: TextQuote, at_position: bool) -> Anchor | None:
    """The best exact occurrence of the quote, if its context, offsets or uniqueness vouch for it."""
    exact = quote.exact
    starts = _occurrences(text, exact)
    if not starts:
        return None
    starts.sort(key=lambda start: abs(start - old_start))
    for start in starts:  # nearest first: an occurrence with all its context intact wins
        if quote_at(text, start, start + len(exact)) == quote:
            return _anchor(start, start + len(exact), old_start, "quote")
    candidates = [
        _score(text, start, start + len(exact), old_start, quote, 1.0)
        for start in starts[:MAX_EXACT_CANDIDATES]
    ]
    best = _best(candidates)
    if at_position and (best.score < MIN_SCORE or candidates[0].score >= MIN_SCORE):
        # The quote is still at its old offsets, and no other occurrence has a clearly better claim
        # (one does after an edit shifted the text by a multiple of some repeated phrase's length).
        return Anchor(old_start, old_start + len(exact), "position")
    if best.score >= MIN_SCORE or (len(starts) == 1 and len(exact) >= DISTINCTIVE_CHARS):
        return _anchor(best.start, best.end, old_start, "quote")
    return None


def _find_approximate(text: str, old_start: int, quote: TextQuote) -> Anchor | None:
    """The best approximate match of the quote that passes both thresholds, near the old start first."""
    exact = quote.exact
    max_errors = int(len(exact) * MAX_ERROR_RATE)
    if max_errors == 0 or len(set(exact)) >= _EDLIB_ALPHABET:
        return None  # too short to match approximately, or too many symbols for edlib
    around = min(max(old_start, 0), len(text))
    near = (max(0, around - NEAR_CHARS), min(len(text), around + len(exact) + NEAR_CHARS))
    regions = [near] if near == (0, len(text)) else [near, (0, len(text))]
    for region_start, region_end in regions:
        candidates = [
            candidate
            for candidate in _approximate_candidates(
                text, region_start, region_end, old_start, quote, max_errors
            )
            if candidate.score >= MIN_SCORE and candidate.context >= MIN_CONTEXT_SIMILARITY
        ]
        if candidates:
            best = _best(candidates)
            method = "quote" if text[best.start : best.end] == exact else "fuzzy"
            return _anchor(best.start, best.end, old_start, method)
    return None


def _approximate_candidates(
    text: str, region_start: int, region_end: int, old_start: int, quote: TextQuote, max_errors: int
) -> list[_Candidate]:
    """Scored spans of text[region_start:region_end] within max_errors edits of the quote."""
    exact = quote.exact
    sentinel = _sentinel(exact)
    region = _symbols(text[region_start:region_end], set(exact), sentinel)
    candidates: dict[tuple[int, int], _Candidate] = {}
    for _ in range(MAX_FUZZY_ROUNDS):
        found = edlib.align(exact, region, mode="HW", task="locations", k=max_errors)
        if found["editDistance"] < 0 or not found["locations"]:
            break
        spans = sorted((region_start + start, region_start + end + 1) for start, end in found["locations"])
        region = _blank_out(region, region_start, spans, sentinel)  # the next round finds the next best
        spans.sort(key=lambda span: abs(span[0] - old_start))
        for found in spans[: MAX_FUZZY_CANDIDATES - len(candidates)]:
            if candidate := _best_edges(text, *found, old_start, quote, max_errors):
                candidates[candidate.start, candidate.end] = candidate
        if len(candidates) >= MAX_FUZZY_CANDIDATES:
            break
    return list(candidates.values())


def _best_edges(
    text: str, start: int, end: int, old_start: int, quote: TextQuote, max_errors: int
) -> _Candidate | None:
    """The best-scoring choice of edges for an approximate match, if its quote is similar enough."""
    # The alignment takes the fewest edits, so at a changed word it may begin or end inside the
    # word, or take in a bit of the context: try whole words, and the edges trimmed to the context.
    start, end = trim_selection(text, start, end)
    choices = {
        (start, end),
        _whole_words(text, start, end, quote),
        _inside_context(text, start, end, quote, max_errors),
    }
    candidates = []
    for start, end in choices:
        if start < end:
            similarity = 1 - _edit_distance(quote.exact, text[start:end]) / len(quote.exact)
            if similarity >= 1 - MAX_ERROR_RATE:
                candidates.append(_score(text, start, end, old_start, quote, similarity))
    return _best(candidates) if candidates else None


def _inside_context(text: str, start: int, end: int, quote: TextQuote, slack: int) -> tuple[int, int]:
    """The span narrowed, by at most slack on each side, to exclude the ends of the stored context."""
    tail, head = quote.prefix[-EDGE_CHARS:], quote.suffix[:EDGE_CHARS]
    if tail and (at := text.find(tail, start, min(end, start + slack + len(tail)))) >= 0:
        start = at + len(tail)
    if head and (at := text.rfind(head, max(start, end - slack - len(head)), end)) >= 0:
        end = at
    return trim_selection(text, start, end)


def _whole_words(text: str, start: int, end: int, quote: TextQuote) -> tuple[int, int]:
    """The span widened to whole words at each edge where the quote began or ended a word."""
    exact = quote.exact
    # The quote's edges as words and the punctuation beyond them, as in '“Microsoft' or 'ICE."'.
    lead = len(exact) - len(exact.lstrip(_NOT_WORD))
    trail = len(exact) - len(exact.rstrip(_NOT_WORD))
    if lead < len(exact) and (lead or not quote.prefix[-1:].isalnum()):
        limit = max(0, start - CONTEXT_CHARS)
        while start > limit and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        if lead and start >= lead and text[start - lead : start] == exact[:lead]:
            start -= lead
    if trail < len(exact) and (trail or not quote.suffix[:1].isalnum()):
        limit = min(len(text), end + CONTEXT_CHARS)
        while end < limit and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        if trail and text.startswith(exact[len(exact) - trail :], end):
            end += trail
    return start, end


def _blank_out(region: str, region_start: int, spans: list[tuple[int, int]], sentinel: str) -> str:
    """The region with the given sorted absolute spans overwritten by sentinel characters."""
    pieces, position = [], 0
    for start, end in spans:
        start, end = max(start - region_start, position), end - region_start
        if start < end:
            pieces += [region[position:start], sentinel * (end - start)]
            position = end
    pieces.append(region[position:])
    return "".join(pieces)


def _score(
    text: str, start: int, end: int, old_start: int, quote: TextQuote, similarity: float
) -> _Candidate:
    """A candidate span scored like Hypothesis does, given its quote similarity."""
    # As many characters as were stored: a short stored prefix is the start of the text, and
    # what now precedes it there is new text, not disagreement. An empty one agrees with anything.
    prefix = _similarity(quote.prefix, text[max(0, start - len(quote.prefix)) : start])
    suffix = _similarity(quote.suffix, text[end : end + len(quote.suffix)])
    raw = (
        QUOTE_WEIGHT * similarity
        + PREFIX_WEIGHT * prefix
        + SUFFIX_WEIGHT * suffix
        + POSITION_WEIGHT * (1 - abs(start - old_start) / len(text))
    )
    total = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
    return _Candidate(start, end, raw / total, min(prefix, suffix), abs(start - old_start))


def _best(candidates: list[_Candidate]) -> _Candidate:
    """The highest score; the nearest to the old start among equals."""
    return max(candidates, key=lambda candidate: (candidate.score, -candidate.distance, -candidate.start))


def _anchor(start: int, end: int, old_start: int, method: str) -> Anchor:
    return Anchor(start, end, "position" if start == old_start and method == "quote" else method)


def _occurrences(text: str, exact: str) -> list[int]:
    """Start offsets of every occurrence of exact in text, overlapping ones included."""
    starts, start = [], text.find(exact)
    while start >= 0:
        starts.append(start)
        start = text.find(exact, start + 1)
    return starts


def _similarity(expected: str, found: str) -> float:
    """1 minus the edit distance over the longer length; 1.0 for two empty strings."""
    longest = max(len(expected), len(found))
    return 1 - _edit_distance(expected, found) / longest if longest else 1.0


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance; a must have fewer than 256 distinct characters."""
    if not a or not b:
        return max(len(a), len(b))
    return edlib.align(a, _symbols(b, set(a), _sentinel(a)), mode="NW", task="distance")["editDistance"]


def _symbols(text: str, keep: set[str], sentinel: str) -> str:
    """Text with every character outside keep replaced by sentinel, if edlib needs fewer symbols."""
    present = set(text)
    if len(present | keep) < _EDLIB_ALPHABET:
        return text
    # Characters that are not in the quote never match it, so one symbol stands for all of them.
    return text.translate({ord(char): sentinel for char in present - keep})


def _sentinel(exact: str) -> str:
    """A character that does not occur in exact."""
    char = 0xE000  # Unicode's private use area
    while chr(char) in exact:
        char += 1
    return chr(char)
