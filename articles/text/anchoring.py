"""Anchor annotations in an article's canonical text, and find them again after it changes.

An annotation keeps two W3C selectors: its offsets (TextPositionSelector) and its quote with
some context on each side (TextQuoteSelector). relocate() anchors like Hypothesis does: offsets
first, then the exact quote, then an approximate match scored on quote, context and nearness.
Unlike Hypothesis it refuses weak matches: an orphaned annotation is better than one pinned to a
lookalike passage. Offsets are Python str indices (code points). Pure: no Django.
"""

import string
from dataclasses import dataclass
from functools import lru_cache

import edlib

# Characters of context stored on each side of a quote: as many as Hypothesis stores.
CONTEXT_CHARS = 32

# Hypothesis's weights for a candidate: the similarity of its quote, prefix and suffix to the
# stored ones, and its nearness to the old start. The score is their weighted mean, 0 to 1.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2

# Thresholds, set on sentences of the fixtures corpus. A side of context is compared with the
# CONTEXT_CHARS characters beside a candidate: two unrelated windows of news text have a
# similarity of 0.125 (median; 0.31 at the 99th percentile), a window with one word changed 0.75
# (median; 0.53 at the 5th percentile).
#
# An approximate match may differ from the quote in at most a quarter of its characters: one
# word in a short sentence. Hypothesis allows half, which also finds rewritten sentences.
MAX_ERROR_RATE = 0.25
# Every match away from the old offsets needs this score. The quote alone brings 0.54, so an
# exact quote passes with its context intact on one side (0.81 with the other side unrelated) or
# edited on both (0.89), and fails with both sides unrelated (0.62; 0.70 at worst).
MIN_SCORE = 0.75
# An approximate match also needs each side of its context to be this similar, because the score
# alone cannot tell a sentence edited in place (0.86 to 1.00; 0.79 to 0.93 with a word of its
# context changed on each side too) from a lookalike in the next paragraph that outlived a deleted
# sentence (up to 0.83: it keeps the deleted sentence's prefix). The lookalike's other side has
# at most 0.50, the edited sentence's sides at least 0.59: with 0.6, no lookalike of 202 was
# taken and 103 of 105 such edited sentences were found.
MIN_CONTEXT_SIMILARITY = 0.6
# An exact quote this long that occurs once is taken even with its context rewritten on both
# sides: 32 identical characters vouch for it as well as its context would.
DISTINCTIVE_CHARS = 32

# Bounds on the work for one annotation: search this far around the old offsets before the whole
# text (its neighbourhood: five paragraphs either side, the corpus's having 179 characters at the
# median); score this many exact occurrences (the nearest); take approximate matches in this many
# rounds of the fewest edits, and at most this many; trim at most this much stored context off an
# approximate match's edges.
NEIGHBOURHOOD_CHARS = 1_000
MAX_EXACT_CANDIDATES = 100
MAX_FUZZY_ROUNDS = 4
MAX_FUZZY_CANDIDATES = 50
EDGE_CHARS = 8

# edlib compares byte strings fastest; a byte has room for 254 characters and two special codes.
_MAX_CODES = 254
_NOT_WORD = "".join(char for char in map(chr, range(128)) if char not in string.ascii_letters + string.digits)


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
    if at_position and _context_agrees(text, start, end, quote):
        return Anchor(start, end, "position")
    return _find_exact(text, start, quote, at_position) or _find_approximate(text, start, quote)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    score: float
    context: float  # the similarity of its less similar side of context
    distance: int  # from the old start


def _find_exact(text: str, old_start: int, quote: TextQuote, at_position: bool) -> Anchor | None:
    """The best exact occurrence of the quote, if its context, offsets or uniqueness vouch for it."""
    exact = quote.exact
    starts = _occurrences(text, exact)
    if not starts:
        return None
    starts.sort(key=lambda start: abs(start - old_start))
    for start in starts:  # nearest first: an occurrence with all its context intact wins
        if _context_agrees(text, start, start + len(exact), quote):
            return _anchor(start, start + len(exact), old_start, "quote")
    nearest = starts[:MAX_EXACT_CANDIDATES]
    candidates = [_score(text, start, start + len(exact), old_start, quote, 1.0) for start in nearest]
    best = _best(candidates)  # on a tie, the nearest: the one at the old offsets if it is there
    if best.score >= MIN_SCORE:
        return _anchor(best.start, best.end, old_start, "quote")
    if at_position:  # its context changed, but the text at its offsets is still the quote
        return Anchor(old_start, old_start + len(exact), "position")
    if len(starts) == 1 and len(exact) >= DISTINCTIVE_CHARS:
        return _anchor(best.start, best.end, old_start, "quote")
    return None


def _find_approximate(text: str, old_start: int, quote: TextQuote) -> Anchor | None:
    """The best approximate match of the quote that passes both thresholds, near the old start first."""
    exact = quote.exact
    max_errors = int(len(exact) * MAX_ERROR_RATE)
    codes = _codes(text, exact) if max_errors and len(set(exact)) <= _MAX_CODES else None
    if codes is None:
        return None  # too short to match approximately, or too many different characters
    around = min(max(old_start, 0), len(text))
    near = (max(0, around - NEIGHBOURHOOD_CHARS), min(len(text), around + len(exact) + NEIGHBOURHOOD_CHARS))
    for region in [near] if near == (0, len(text)) else [near, (0, len(text))]:
        candidates = [
            candidate
            for candidate in _approximate_candidates(text, codes, region, old_start, quote, max_errors)
            if candidate.score >= MIN_SCORE and candidate.context >= MIN_CONTEXT_SIMILARITY
        ]
        if candidates:
            best = _best(candidates)
            method = "quote" if text[best.start : best.end] == exact else "fuzzy"
            return _anchor(best.start, best.end, old_start, method)
    return None


def _approximate_candidates(
    text: str,
    codes: tuple[bytes, bytes, bytes],
    region: tuple[int, int],
    old_start: int,
    quote: TextQuote,
    max_errors: int,
) -> list[_Candidate]:
    """Scored spans of text inside the region within max_errors edits of the quote."""
    query, target, blank = codes
    region_start, region_end = region
    target = target[region_start:region_end]
    candidates: dict[tuple[int, int], _Candidate] = {}
    for _ in range(MAX_FUZZY_ROUNDS):
        # edlib finds every span with the fewest edits (Myers' bit-vector algorithm, as in
        # Hypothesis); blanking them out lets the next round find those with the next fewest.
        found = edlib.align(query, target, mode="HW", task="locations", k=max_errors)
        if found["editDistance"] < 0 or not found["locations"]:
            break
        spans = sorted((start, end + 1) for start, end in found["locations"])
        target = _blank_out(target, spans, blank)
        spans.sort(key=lambda span: abs(region_start + span[0] - old_start))
        for start, end in spans[: MAX_FUZZY_CANDIDATES - len(candidates)]:
            candidate = _best_edges(
                text, region_start + start, region_start + end, old_start, quote, max_errors
            )
            if candidate:
                candidates[candidate.start, candidate.end] = candidate
        if len(candidates) >= MAX_FUZZY_CANDIDATES:
            break
    return list(candidates.values())


def _best_edges(
    text: str, start: int, end: int, old_start: int, quote: TextQuote, max_errors: int
) -> _Candidate | None:
    """The best-scoring choice of edges for an approximate match, if its quote is similar enough."""
    # Taking the fewest edits, the alignment may stop inside a changed word at an edge or take in
    # a bit of the context. Try edges widened to whole words and narrowed to the next word or
    # past the stored context, and let the score choose.
    start, end = trim_selection(text, start, end)
    if start == end:
        return None
    candidates = []
    for choice_start in _start_choices(text, start, end, quote, max_errors):
        for choice_end in _end_choices(text, start, end, quote, max_errors):
            choice_start, choice_end = trim_selection(text, choice_start, choice_end)
            if choice_start < choice_end:
                similarity = 1 - _edit_distance(quote.exact, text[choice_start:choice_end]) / len(quote.exact)
                if similarity >= 1 - MAX_ERROR_RATE:
                    candidates.append(_score(text, choice_start, choice_end, old_start, quote, similarity))
    return _best(candidates) if candidates else None


def _start_choices(text: str, start: int, end: int, quote: TextQuote, slack: int) -> set[int]:
    """Starts to try: as found, its word's start, the next word's, after the stored prefix."""
    choices = {start}
    lead = len(quote.exact) - len(quote.exact.lstrip(_NOT_WORD))  # punctuation before the first word
    if lead < len(quote.exact) and (lead or not quote.prefix[-1:].isalnum()):
        word_start, limit = start, max(0, start - CONTEXT_CHARS)
        while word_start > limit and text[word_start - 1].isalnum() and text[word_start].isalnum():
            word_start -= 1
        if lead and text.endswith(quote.exact[:lead], 0, word_start):
            word_start -= lead
        choices.add(word_start)
    limit = min(end - 1, start + slack)
    next_word = start + 1
    while next_word < limit and not (text[next_word - 1].isspace() and not text[next_word].isspace()):
        next_word += 1
    choices.add(min(next_word, limit))
    tail = quote.prefix[-EDGE_CHARS:]
    if tail and (at := text.find(tail, start, start + slack + len(tail))) >= 0:
        choices.add(at + len(tail))
    return choices


def _end_choices(text: str, start: int, end: int, quote: TextQuote, slack: int) -> set[int]:
    """Ends to try: as found, its word's end, the previous word's, before the stored suffix."""
    choices = {end}
    trail = len(quote.exact) - len(quote.exact.rstrip(_NOT_WORD))  # punctuation after the last word
    if trail < len(quote.exact) and (trail or not quote.suffix[:1].isalnum()):
        word_end, limit = end, min(len(text), end + CONTEXT_CHARS)
        while word_end < limit and text[word_end].isalnum() and text[word_end - 1].isalnum():
            word_end += 1
        if trail and text.startswith(quote.exact[-trail:], word_end):
            word_end += trail
        choices.add(word_end)
    limit = max(start + 1, end - slack)
    previous_word = end - 1
    while previous_word > limit and not (
        text[previous_word].isspace() and not text[previous_word - 1].isspace()
    ):
        previous_word -= 1
    choices.add(max(previous_word, limit))
    head = quote.suffix[:EDGE_CHARS]
    if head and (at := text.rfind(head, max(start, end - slack - len(head)), end)) >= 0:
        choices.add(at)
    return choices


def _score(
    text: str, start: int, end: int, old_start: int, quote: TextQuote, similarity: float
) -> _Candidate:
    """A candidate span scored like Hypothesis does, given its quote's similarity."""
    # A stored context shorter than CONTEXT_CHARS says where the text began or ended: text beyond
    # that point beside the candidate counts as a difference.
    found = quote_at(text, start, end)
    prefix = _similarity(quote.prefix[-CONTEXT_CHARS:], found.prefix)
    suffix = _similarity(quote.suffix[:CONTEXT_CHARS], found.suffix)
    raw = (
        QUOTE_WEIGHT * similarity
        + PREFIX_WEIGHT * prefix
        + SUFFIX_WEIGHT * suffix
        + POSITION_WEIGHT * max(0.0, 1 - abs(start - old_start) / len(text))
    )
    total = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
    return _Candidate(start, end, raw / total, min(prefix, suffix), abs(start - old_start))


def _context_agrees(text: str, start: int, end: int, quote: TextQuote) -> bool:
    """Whether the span has exactly the stored context (short where the text begins or ends)."""
    prefix, suffix = text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]
    return prefix == quote.prefix and suffix == quote.suffix


def _best(candidates: list[_Candidate]) -> _Candidate:
    """The highest score; the nearest to the old start among equals."""
    return max(candidates, key=lambda candidate: (candidate.score, -candidate.distance, -candidate.start))


def _anchor(start: int, end: int, old_start: int, method: str) -> Anchor:
    """An anchor, which says "position" if an exact match is where it was."""
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
    """Levenshtein distance between a (fewer than 256 different characters) and b."""
    if not a or not b:
        return max(len(a), len(b))
    codes = {char: code for code, char in enumerate(dict.fromkeys(a))}
    other = len(codes)  # characters of b that a lacks match nothing in a, so they can share a code
    query, target = bytes(codes[char] for char in a), bytes(codes.get(char, other) for char in b)
    return edlib.align(query, target, mode="NW", task="distance")["editDistance"]


def _codes(text: str, exact: str) -> tuple[bytes, bytes, bytes] | None:
    """The quote and the text as bytes for edlib, and a code that matches nothing; None if impossible."""
    if text_codes := _text_codes(text):
        target, codes = text_codes
        other, blank = len(codes), len(codes) + 1  # quote characters not in the text; blanked text
        return bytes(codes.get(char, other) for char in exact), target, bytes([blank])
    # A text with very many different characters: code the quote's characters and one for the rest.
    codes = {char: code for code, char in enumerate(dict.fromkeys(exact))}
    if len(codes) > _MAX_CODES:
        return None
    other, blank = len(codes), len(codes) + 1
    table = {ord(char): chr(codes.get(char, other)) for char in set(text)}
    return bytes(codes[char] for char in exact), text.translate(table).encode("latin-1"), bytes([blank])


@lru_cache(maxsize=16)
def _text_codes(text: str) -> tuple[bytes, dict[str, int]] | None:
    """The text as one byte per character, and each character's code; None if it has too many."""
    # Cached: re-anchoring passes the same text for every annotation of an article.
    alphabet = sorted(set(text))
    if len(alphabet) > _MAX_CODES:
        return None
    codes = {char: code for code, char in enumerate(alphabet)}
    return text.translate({ord(char): chr(code) for char, code in codes.items()}).encode("latin-1"), codes


def _blank_out(target: bytes, spans: list[tuple[int, int]], blank: bytes) -> bytes:
    """The target with the given sorted spans overwritten by a code that matches nothing."""
    pieces, position = [], 0
    for start, end in spans:
        start = max(start, position)
        if start < end:
            pieces += [target[position:start], blank * (end - start)]
            position = end
    pieces.append(target[position:])
    return b"".join(pieces)
