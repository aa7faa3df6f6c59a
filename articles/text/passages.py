"""Compare coverage across outlets: the passages that a story's articles share.

Pure: no Django. Texts are canonical bodies (articles.text.canonical) and every offset points into them.
Words are compared normalised: case, punctuation, quote style and abbreviation forms ("U.S.", "USA",
"US", "United States") do not matter.

find_shared_passages() works within one story:
1. seeds: runs of SEED_WORDS words that two articles share, found through an inverted index,
   never by comparing all pairs of positions;
2. regions: seeds of an article pair chained along their diagonal across small gaps (words
   changed, dropped or added), grown word by word past the outer seeds, trimmed to the passage,
   and kept with SHARED_MIN_WORDS matched words and MIN_SIMILARITY;
3. clusters: regions joined by union-find, aligned with each other or overlapping in one
   article. Where a cluster would hold two passages that one article has far apart, the regions
   that join them are cut first (_conflict_cuts); each article keeps one occurrence.
"""

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Indel, LCSseq

# Shared word runs of this many words seed an alignment. Four words sharing at least one that is
# not a stopword rarely repeat between unrelated sentences, while a passage with a word changed
# every five or six words still holds a few of them.
SEED_WORDS = 4
# A passage counts as shared with at least this many matched words: a clause, longer than stock
# phrases of a story ("children from their families at the border", 7 words) and names such as
# "U.S. Immigration and Customs Enforcement (ICE)" (6 words).
SHARED_MIN_WORDS = 8
# Two aligned spans must have at least this token similarity (2 x matched words / all words), so
# that a few shared words do not make two long, different sentences one passage.
MIN_SIMILARITY = 0.6
# Words inserted, dropped or changed between two seeds of one passage. A quoted sentence that an
# outlet shortened ("in support of an agency that is actively enforcing" -> "of an agency
# enforcing") leaves gaps of this size; MIN_SIMILARITY judges the result.
MAX_GAP_WORDS = 8
# A word run found more often than this in one article is boilerplate, and its seeds would
# multiply (every occurrence in one article times every occurrence in the other).
MAX_SEED_REPEATS = 3
# A word run shared by many articles seeds alignments between each article and the next
# MAX_PARTNERS that have it, not between all pairs: clusters still join all of them, and a run
# that all 50 articles of a story have (a wire copy) seeds 445 pairs instead of 1,225.
MAX_PARTNERS = 10
# Growing an alignment word by word past its outermost seeds (X-drop extension): a match scores
# +1, a changed word -EXTEND_MISMATCH_PENALTY, and growth stops once the score falls more than
# EXTEND_DROP below its best. A changed word is thus crossed only when three matches follow it,
# which catches "As the people who build the technologies" / "that build the products".
EXTEND_MISMATCH_PENALTY = 2
EXTEND_DROP = 4
# Two spans of one article hold the same passage when they overlap by at least this share of the
# shorter one; a smaller overlap is two neighbouring passages that each alignment grew into.
SPAN_OVERLAP = 0.5
# Two spans of one article in one cluster, in order and at most this many words apart, are one
# passage with a gap: twice MAX_GAP_WORDS, the most that one seed chain bridges.
JOIN_GAP_WORDS = 2 * MAX_GAP_WORDS
# Rounds of cutting regions that join two passages of one article far apart (_conflict_cuts): a
# cut can reveal another such join, rarely more than once; the bound keeps a pathological story
# from taking long, and whatever is left joined keeps its longest span per article.
MAX_SPLIT_ROUNDS = 4


# Words too common to seed an alignment on their own: a seed needs at least one other word.
STOPWORDS = frozenset(
    """
    a about after again against all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves said says say told us
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

# A word: letters and digits, with apostrophes, dots and commas inside ("company’s", "U.S",
# "19.4", "1,000"). Most words have neither dot nor comma; those that do are split by _PRECISE.
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ.,][^\W_]+)*")
_PRECISE = re.compile(
    r"[^\W\d_](?:\.[^\W\d_](?![^\W_]))+\.?"  # dotted abbreviations: U.S., U.S.A., e.g.
    r"|\d+(?:[.,]\d+)*[^\W_]*"  # numbers with decimals, thousands and units: 19.4, 1,000, 19.4M
    r"|[^\W_]+(?:['’‘ʼ][^\W_]+)*"  # other words: "end.The" is two
)
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ")
_PHRASE_STARTS = {phrase[0] for phrase in PHRASES}
_LONGEST_PHRASE = max(map(len, PHRASES))


class Word(NamedTuple):
    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class Occurrence:
    article: int  # the key given in texts
    start: int  # character offsets into the article's text, from a word's start to a word's end
    end: int
    similarity: float  # to the representative: 2 x words in common (in order) / words of both
    is_verbatim: bool  # the same normalised words as the representative


@dataclass(frozen=True)
class Cluster:
    occurrences: tuple[Occurrence, ...]  # two or more articles, one each, in the order of texts
    text: str  # the representative occurrence's text: the one most like all the others


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


def _phrase_at(norms: list[str], k: int) -> tuple[str, int] | None:
    """The abbreviation and length of a name written out at position k, if one starts there."""
    for size in range(min(_LONGEST_PHRASE, len(norms) - k), 1, -1):
        if (abbreviation := PHRASES.get(tuple(norms[k : k + size]))) is not None:
            return abbreviation, size
    return None


def normalized_words(text: str) -> list[Word]:
    """The words of a text, normalised, with their character offsets."""
    matches = []
    for match in _WORD.finditer(text):
        if "." in match[0] or "," in match[0]:  # one character more: the dot that ends "U.S."
            matches.extend(_PRECISE.finditer(text, match.start(), match.end() + 1))
        else:
            matches.append(match)
    norms = [normalize_word(match[0]) for match in matches]
    words, k = [], 0
    while k < len(matches):
        phrase = _phrase_at(norms, k) if norms[k] in _PHRASE_STARTS else None
        norm, size = phrase or (norms[k], 1)
        words.append(Word(norm, matches[k].start(), matches[k + size - 1].end()))
        k += size
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
    if _PHRASE_STARTS.isdisjoint(norms):
        return norms
    joined, k = [], 0
    while k < len(norms):
        phrase = _phrase_at(norms, k) if norms[k] in _PHRASE_STARTS else None
        norm, size = phrase or (norms[k], 1)
        joined.append(norm)
        k += size
    return joined


class _Article(NamedTuple):
    words: list[Word]
    ids: list[int]  # the words as small integers, one per distinct normalised word in the story
    # For each word and the end: whether a sentence starts there. Alignments grow up to these
    # boundaries, not past them.
    sentence_starts: list[bool]


# What between two words ends a sentence: end punctuation or a paragraph break.
_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence_starts(text: str, words: list[Word]) -> list[bool]:
    starts = [True] * (len(words) + 1)
    for k in range(1, len(words)):
        previous, word = words[k - 1], words[k]
        starts[k] = bool(_SENTENCE_END.search(text, previous.end, word.start)) or (
            text[previous.end - 1] == "." and text[word.start].isupper()  # "... in the U.S. The"
        )
    return starts


class _Region(NamedTuple):
    """Aligned word spans [a0, a1) of article a and [b0, b1) of article b."""

    a: int
    a0: int
    a1: int
    b: int
    b0: int
    b1: int


def find_shared_passages(texts: dict[int, str]) -> list[Cluster]:
    """Passages found in two or more of the texts, verbatim or nearly, grouped by passage."""
    keys = list(texts)
    vocabulary: dict[str, int] = {}
    articles = []
    for key in keys:
        words = normalized_words(texts[key])
        ids = [vocabulary.setdefault(word.norm, len(vocabulary)) for word in words]
        articles.append(_Article(words, ids, _sentence_starts(texts[key], words)))
    stop_ids = {vocabulary[word] for word in STOPWORDS if word in vocabulary}
    regions = []
    for (a, b), seeds in _pair_seeds(articles, stop_ids).items():
        for chain in _chains(seeds):
            regions.extend(_aligned_regions(a, articles[a], b, articles[b], chain, stop_ids))
    spans, components = _grouped(regions, articles, stop_ids)
    clusters = [
        _cluster(nodes, spans, keys, texts, articles)
        for nodes in components
        if len({spans[node][0] for node in nodes}) >= 2
    ]
    return sorted(clusters, key=lambda c: (keys.index(c.occurrences[0].article), c.occurrences[0].start))


def _pair_seeds(articles: list[_Article], stop_ids: set[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Word positions (i in article a, j in article b) where a shared run of SEED_WORDS begins."""
    postings: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
    for a, article in enumerate(articles):
        ids = article.ids
        runs = zip(*(ids[k:] for k in range(SEED_WORDS)), strict=False)
        for i, run in enumerate(runs):
            postings[run].append((a, i))
    seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for run, places in postings.items():
        # Places are in article order: a run in one article only has its first and last alike.
        if places[0][0] == places[-1][0] or stop_ids.issuperset(run):
            continue
        per_article: dict[int, int] = defaultdict(int)
        for a, _ in places:
            per_article[a] += 1
        if max(per_article.values()) > MAX_SEED_REPEATS:
            continue
        rank = {a: r for r, a in enumerate(per_article)}  # articles that have the run, in order
        for x, (a, i) in enumerate(places):
            for b, j in places[x + 1 :]:
                if rank[b] - rank[a] > MAX_PARTNERS:
                    break
                if a != b:
                    seeds[a, b].append((i, j))
    return seeds


def _chains(seeds: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Seeds of one article pair chained into passages: in order in both, with small gaps."""
    reach = SEED_WORDS + MAX_GAP_WORDS  # from one seed's start to the next one's
    open_chains: list[list[tuple[int, int]]] = []
    done: list[list[tuple[int, int]]] = []
    for i, j in sorted(seeds):
        best, best_shift = None, MAX_GAP_WORDS + 1
        still_open = []
        for chain in open_chains:
            last_i, last_j = chain[-1]
            if i - last_i > reach:  # seeds come in order of i: nothing more can join this chain
                done.append(chain)
                continue
            still_open.append(chain)
            if last_i < i and last_j < j <= last_j + reach:
                shift = abs((j - i) - (last_j - last_i))  # words added on one side only
                if shift < best_shift:
                    best, best_shift = chain, shift
        open_chains = still_open
        if best is None:
            open_chains.append([(i, j)])
        else:
            best.append((i, j))
    return done + open_chains


def _extension(article_a: _Article, article_b: _Article, i: int, j: int, step: int) -> int:
    """How many words an alignment grows past positions i, j going back (-1) or forward (+1)."""
    ids_a, ids_b = article_a.ids, article_b.ids
    best = score = grown = 0
    k = 0
    while True:
        # The next word pair, and the position between it and the alignment.
        x, y, between_a, between_b = (
            (i - k - 1, j - k - 1, i - k, j - k) if step < 0 else (i + k, j + k, i + k, j + k)
        )
        if x < 0 or y < 0 or x >= len(ids_a) or y >= len(ids_b):
            return grown
        if article_a.sentence_starts[between_a] or article_b.sentence_starts[between_b]:
            return grown
        k += 1
        score += 1 if ids_a[x] == ids_b[y] else -EXTEND_MISMATCH_PENALTY
        if score > best:
            best, grown = score, k
        elif best - score > EXTEND_DROP:
            return grown


def _aligned_regions(
    a: int, article_a: _Article, b: int, article_b: _Article, chain: list[tuple[int, int]], stop_ids: set[int]
) -> list[_Region]:
    """The chain as a region if it is a shared passage, else its parts that are, split at gaps."""
    a0, b0 = chain[0]
    a1, b1 = chain[-1][0] + SEED_WORDS, chain[-1][1] + SEED_WORDS
    back = _extension(article_a, article_b, a0, b0, -1)
    forward = _extension(article_a, article_b, a1, b1, +1)
    region = _checked_region(
        a, article_a, a0 - back, a1 + forward, b, article_b, b0 - back, b1 + forward, stop_ids
    )
    if region is not None:
        return [region]
    if len(chain) < 2:
        return []
    widest = max(range(1, len(chain)), key=lambda k: sum(chain[k]) - sum(chain[k - 1]))
    return _aligned_regions(a, article_a, b, article_b, chain[:widest], stop_ids) + _aligned_regions(
        a, article_a, b, article_b, chain[widest:], stop_ids
    )


def _checked_region(
    a: int,
    article_a: _Article,
    a0: int,
    a1: int,
    b: int,
    article_b: _Article,
    b0: int,
    b1: int,
    stop_ids: set[int],
) -> _Region | None:
    """Aligned spans with their loose edges trimmed, if what is left is a shared passage."""
    ids_a, ids_b = article_a.ids, article_b.ids

    def loose(x: int, y: int, edge_x: int, edge_y: int) -> bool:
        """Whether an edge word pair is no part of the passage: unequal, or a stopword mid-sentence."""
        if ids_a[x] != ids_b[y]:
            return True
        sentence_edge = article_a.sentence_starts[edge_x] or article_b.sentence_starts[edge_y]
        return ids_a[x] in stop_ids and not sentence_edge

    # A few words of another sentence at an edge are a seed that ran on, not the passage.
    for k in range(SEED_WORDS - 1, 0, -1):
        if (
            a0 + k < a1
            and b0 + k < b1
            and (article_a.sentence_starts[a0 + k] or article_b.sentence_starts[b0 + k])
        ):
            a0, b0 = a0 + k, b0 + k
            break
    for k in range(SEED_WORDS - 1, 0, -1):
        if (
            a1 - k > a0
            and b1 - k > b0
            and (article_a.sentence_starts[a1 - k] or article_b.sentence_starts[b1 - k])
        ):
            a1, b1 = a1 - k, b1 - k
            break
    while a0 < a1 and b0 < b1 and loose(a0, b0, a0, b0):
        a0, b0 = a0 + 1, b0 + 1
    while a0 < a1 and b0 < b1 and loose(a1 - 1, b1 - 1, a1, b1):
        a1, b1 = a1 - 1, b1 - 1
    if min(a1 - a0, b1 - b0) < SHARED_MIN_WORDS:
        return None
    matched = LCSseq.similarity(ids_a[a0:a1], ids_b[b0:b1])
    if matched >= SHARED_MIN_WORDS and 2 * matched / (a1 - a0 + b1 - b0) >= MIN_SIMILARITY:
        return _Region(a, a0, a1, b, b0, b1)
    return None


def _holds(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    """Whether two spans overlap by SPAN_OVERLAP of the shorter: the same passage."""
    overlap = min(outer[1], inner[1]) - max(outer[0], inner[0])
    return overlap > 0 and overlap >= SPAN_OVERLAP * min(outer[1] - outer[0], inner[1] - inner[0])


def _span(regions: list[_Region], node: int) -> tuple[int, int, int]:
    """A node's (article, start word, end word): node 2k is region k's side a, 2k + 1 its side b."""
    a, a0, a1, b, b0, b1 = regions[node // 2]
    return (b, b0, b1) if node % 2 else (a, a0, a1)


def _components(regions: list[_Region]) -> list[list[int]]:
    """Nodes (see _span) grouped by passage: aligned with each other, or mostly overlapping."""
    spans = [_span(regions, node) for node in range(2 * len(regions))]
    parent = list(range(len(spans)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for k in range(len(regions)):
        parent[root(2 * k)] = root(2 * k + 1)
    # Equal spans (an article aligned alike with many others) join at once and are swept once.
    first_with: dict[tuple[int, int, int], int] = {}
    for node, span in enumerate(spans):
        parent[root(node)] = root(first_with.setdefault(span, node))
    # Sweep each article's spans in order, keeping those that reach past the current start, by
    # component: a span is checked against one component's spans only until one holds it.
    active: dict[int, list[int]] = {}
    current_article = None
    for node in sorted(first_with.values(), key=spans.__getitem__):
        article, start, end = spans[node]
        if article != current_article:
            active, current_article = {}, article
        still_active: dict[int, list[int]] = defaultdict(list)
        for members in active.values():
            members = [other for other in members if spans[other][2] > start]
            if members and root(members[0]) != root(node):
                if any(_holds(spans[other][1:], (start, end)) for other in members):
                    parent[root(node)] = root(members[0])
            if members:
                still_active[root(members[0])].extend(members)
        still_active[root(node)].append(node)
        active = still_active
    groups: dict[int, list[int]] = defaultdict(list)
    for node in range(len(spans)):
        groups[root(node)].append(node)
    return list(groups.values())


def _by_article(nodes: list[int], spans: list[tuple[int, int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        grouped[spans[node][0]].append(node)
    return grouped


_Link = tuple[int, int, int, int]  # a node's span here and its partner's there: start, end, start, end


def _links(
    article_nodes: list[int],
    spans: list[tuple[int, int, int]],
    first: tuple[int, int],
    second: tuple[int, int],
) -> dict[int, tuple[_Link, _Link]]:
    """Per article aligned with both extents: the alignment ending last in one, starting first in two."""
    last: dict[int, _Link] = {}
    first_in_second: dict[int, _Link] = {}
    for node in article_nodes:
        _, start, end = spans[node]
        partner, partner_start, partner_end = spans[node ^ 1]
        link = (start, end, partner_start, partner_end)
        if first[0] <= start and end <= first[1]:
            if partner not in last or end > last[partner][1]:
                last[partner] = link
        elif second[0] <= start and end <= second[1]:
            if partner not in first_in_second or start < first_in_second[partner][0]:
                first_in_second[partner] = link
    return {
        partner: (last[partner], first_in_second[partner]) for partner in last.keys() & first_in_second.keys()
    }


def _in_step(before: _Link, after: _Link) -> bool:
    """Whether two alignments are about as far apart on both sides: on nearly one diagonal."""
    return abs((after[2] - after[0]) - (before[3] - before[1])) <= JOIN_GAP_WORDS


def _extents(article_nodes: list[int], spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The passages that one article's spans in one cluster make, in order.

    Spans that overlap or are at most JOIN_GAP_WORDS apart are one passage; so are spans further
    apart where every other article aligned with both has them in the same order and about as
    far apart (a sentence that this article changed beyond recognition, inside a longer copy).
    """
    extents = _merge_spans((spans[node][1:] for node in article_nodes), gap=JOIN_GAP_WORDS)
    joined = extents[:1]
    for extent in extents[1:]:
        links = _links(article_nodes, spans, joined[-1], extent)
        if links and all(_in_step(*pair) for pair in links.values()):
            joined[-1] = (joined[-1][0], extent[1])
        else:
            joined.append(extent)
    return joined


def _conflict_cuts(
    regions: list[_Region], components: list[list[int]], articles: list[_Article]
) -> dict[int, tuple[set[int], set[int]]]:
    """Where to cut regions so that no cluster holds two passages of one article far apart.

    Passages P and Q side by side in articles X and Y make one region between X and Y; article Z
    with P and Q far apart makes two regions with X, and the overlaps join all of them into one
    cluster, in which Z could keep only one of P and Q. Cutting X's regions between its spans
    aligned with Z's P and with Z's Q makes two clusters.
    """
    spans = [_span(regions, node) for node in range(2 * len(regions))]
    cuts: dict[int, tuple[set[int], set[int]]] = {}
    for nodes in components:
        by_article = _by_article(nodes, spans)
        for article_nodes in by_article.values():
            extents = _extents(article_nodes, spans)
            for first, second in zip(extents, extents[1:], strict=False):
                for partner, (before, after) in _links(article_nodes, spans, first, second).items():
                    earlier, later = sorted((before[2:], after[2:]))
                    if earlier[1] > later[0] or _in_step(before, after):
                        continue  # one span there, nowhere to cut; or apart there too
                    # Cut where a sentence starts between the two, else in the middle.
                    sentence_starts = articles[partner].sentence_starts
                    cut = next(
                        (p for p in range(earlier[1], later[0] + 1) if sentence_starts[p]),
                        (earlier[1] + later[0]) // 2,
                    )
                    for node in by_article[partner]:
                        _, start, end = spans[node]
                        if start < cut < end:
                            cuts.setdefault(node // 2, (set(), set()))[node % 2].add(cut)
    return cuts


def _cut_region(
    region: _Region, cuts_a: set[int], cuts_b: set[int], articles: list[_Article], stop_ids: set[int]
) -> list[_Region]:
    """The region in pieces at the given positions, each mapped to the other side by the alignment."""
    a, a0, a1, b, b0, b1 = region
    # Runs of equal words (start in a, end in a, start in b): where the two spans align.
    runs = [
        (a0 + i1, a0 + i2, b0 + j1)
        for tag, i1, i2, j1, _ in Indel.opcodes(articles[a].ids[a0:a1], articles[b].ids[b0:b1])
        if tag == "equal"
    ]
    anchors = [(a0, b0)] + [
        (x, y + offset) for i1, i2, j1 in runs for x, y, offset in ((i1, j1, 0), (i2, j1, i2 - i1))
    ]
    anchors.append((a1, b1))

    def mapped(position: int, side: int) -> int:
        """A position on one side mapped to the other, between the nearest anchors."""
        k = min(max(bisect_left([anchor[side] for anchor in anchors], position), 1), len(anchors) - 1)
        x0, y0 = anchors[k - 1][side], anchors[k - 1][1 - side]
        x1, y1 = anchors[k][side], anchors[k][1 - side]
        return y0 + (position - x0) * (y1 - y0) // max(x1 - x0, 1)

    points = sorted(
        {(a0, b0), (a1, b1)}
        | {(cut, mapped(cut, 0)) for cut in cuts_a}
        | {(mapped(cut, 1), cut) for cut in cuts_b}
    )
    pieces = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        # The piece from its first to its last aligned pair of words.
        inside = [
            (low, high, i1, j1)
            for i1, i2, j1 in runs
            if (low := max(i1, x0, i1 + y0 - j1)) < (high := min(i2, x1, i1 + y1 - j1))
        ]
        if inside:
            (low, _, i1, j1), (_, high, last_i1, last_j1) = inside[0], inside[-1]
            piece = _checked_region(
                a, articles[a], low, high, b, articles[b], j1 + low - i1, last_j1 + high - last_i1, stop_ids
            )
            if piece is not None:
                pieces.append(piece)
    return pieces


def _grouped(
    regions: list[_Region], articles: list[_Article], stop_ids: set[int]
) -> tuple[list[tuple[int, int, int]], list[list[int]]]:
    """The regions' spans (article, start word, end word) by node, and the nodes by passage."""
    for _ in range(MAX_SPLIT_ROUNDS):
        components = _components(regions)
        cuts = _conflict_cuts(regions, components, articles)
        if not cuts:
            break
        regions = [
            piece
            for k, region in enumerate(regions)
            for piece in (_cut_region(region, *cuts[k], articles, stop_ids) if k in cuts else [region])
        ]
    else:
        components = _components(regions)
    return [_span(regions, node) for node in range(2 * len(regions))], components


def _cluster(
    nodes: list[int],
    spans: list[tuple[int, int, int]],
    keys: list[int],
    texts: dict[int, str],
    articles: list[_Article],
) -> Cluster:
    """One passage's spans as a cluster: one occurrence per article, its longest extent."""
    chosen = {
        article: max(_extents(article_nodes, spans), key=lambda extent: extent[1] - extent[0])
        for article, article_nodes in _by_article(nodes, spans).items()
    }
    tokens = {article: articles[article].ids[start:end] for article, (start, end) in chosen.items()}
    order = sorted(chosen)
    # The representative is the occurrence most like all the others (the medoid).
    representative = max(
        order,
        key=lambda x: (sum(Indel.normalized_similarity(tokens[x], tokens[y]) for y in order), -x),
    )
    occurrences = []
    for article in order:
        start, end = chosen[article]
        words = articles[article].words
        occurrences.append(
            Occurrence(
                article=keys[article],
                start=words[start].start,
                end=words[end - 1].end,
                similarity=round(Indel.normalized_similarity(tokens[article], tokens[representative]), 4),
                is_verbatim=tokens[article] == tokens[representative],
            )
        )
    rep = occurrences[order.index(representative)]
    return Cluster(occurrences=tuple(occurrences), text=texts[rep.article][rep.start : rep.end])


def _merge_spans(spans: Iterable[tuple[int, int]], gap: int = 0) -> list[tuple[int, int]]:
    """Spans that overlap, or are at most gap apart, as one: sorted and disjoint."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _non_space(text: str) -> int:
    return len(text) - sum(1 for char in text if char.isspace())


def unshared_share(text: str, spans: Iterable[tuple[int, int]]) -> float:
    """The share of the text's non-space characters that no span covers; 0.0 for a blank text."""
    total = _non_space(text)
    if total == 0:
        return 0.0
    clipped = ((max(start, 0), min(end, len(text))) for start, end in spans)
    covered = sum(
        _non_space(text[start:end]) for start, end in _merge_spans(s for s in clipped if s[0] < s[1])
    )
    return (total - covered) / total
