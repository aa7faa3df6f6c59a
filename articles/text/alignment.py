"""Aligning the articles of a story word by word: the regions where two of them share a passage.

Pure: no Django. read_articles() reads each text once into word ids; shared_regions() then
1. finds seeds: runs of SEED_WORDS words that two articles share, through an inverted index,
   never by comparing all pairs of positions, and one article's with those after it at a time;
2. chains the seeds of each article pair along their diagonal across small gaps (words changed,
   dropped or added), grows each chain word by word past its outer seeds, trims it to the
   passage, and keeps it as a region with SHARED_MIN_WORDS matched words and MIN_SIMILARITY.
passages.py groups the regions by passage, cutting some with cut_region().
"""

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Indel, LCSseq

from articles.text.words import STOP_WORDS, normalized_words, sentence_starts_at_words

# Shared word runs of this many words seed an alignment. Four words sharing at least one that is
# not a stop word rarely repeat between unrelated sentences, while a passage with a word changed
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


class ArticleWords(NamedTuple):
    # In arrays: a story of 1,500 articles took 90 MB as Word tuples, 19 MB as lists, 10 MB so.
    starts: array  # each word's character offsets
    ends: array
    ids: array  # the words as small integers, one per distinct normalised word in the story
    # One byte for each word and the end: whether a sentence starts there. Alignments grow up to
    # these boundaries, not past them.
    sentence_starts: bytes


class Region(NamedTuple):
    """Aligned word spans [a0, a1) of article a and [b0, b1) of article b."""

    a: int
    a0: int
    a1: int
    b: int
    b0: int
    b1: int


class Regions:
    """Regions packed six ints each in one array: a story of 1,500 articles has some 300,000, which
    as tuples took 60 MB. Node 2k is region k's side a and node 2k + 1 its side b, so that node n's
    span (article, start word, end word) is items 3n to 3n + 2."""

    def __init__(self, regions: Iterable[Region] = ()):
        self.packed = array("i")
        self.extend(regions)

    def __len__(self) -> int:
        return len(self.packed) // 6

    def __iter__(self) -> Iterator[Region]:
        return map(Region._make, zip(*[iter(self.packed)] * 6, strict=True))

    def extend(self, regions: Iterable[Region]) -> None:
        for region in regions:
            self.packed.extend(region)


def int_array(values: np.ndarray) -> array:
    """Numpy's integers as an array of C ints: indexed from Python without making numpy scalars,
    and not a list of int objects (36 bytes each, against 4)."""
    return array("i", values.astype(np.intc).tobytes())


class Spans:
    """Spans (article, start word, end word) packed three ints each, as Regions packs its nodes'."""

    def __init__(self, packed: array):
        self.packed = packed

    def __getitem__(self, node: int) -> tuple[int, int, int]:
        packed, k = self.packed, 3 * node
        return packed[k], packed[k + 1], packed[k + 2]


def read_articles(texts: Iterable[str]) -> tuple[list[ArticleWords], set[int]]:
    """The texts' words as ids of one vocabulary, and the ids of the stop words among them."""
    vocabulary: dict[str, int] = {}
    articles = []
    for text in texts:
        words = normalized_words(text)
        ids = array("i", (vocabulary.setdefault(word.norm, len(vocabulary)) for word in words))
        starts, ends = array("i", (word.start for word in words)), array("i", (word.end for word in words))
        articles.append(ArticleWords(starts, ends, ids, bytes(sentence_starts_at_words(text, words))))
    return articles, {vocabulary[word] for word in STOP_WORDS if word in vocabulary}


def shared_regions(articles: list[ArticleWords], stop_ids: set[int]) -> Regions:
    """Every region where two of the articles share a passage, found pair by pair: only the
    seeds of one article with those after it are held at once."""
    index = _SeedIndex(articles, stop_ids)
    regions = Regions()
    for a, article_a in enumerate(articles):
        for b, seeds in index.pair_seeds(a):
            for chain in _chains(seeds):
                regions.extend(_aligned_regions(a, article_a, b, articles[b], chain, stop_ids))
    return regions


class _SeedIndex:
    """Every place of every run of SEED_WORDS words, in numpy arrays (a story of 1,500 articles has
    some 900,000: as a dict of runs to lists, with the seeds of all article pairs, finding seeds
    took 150 MB), sorted by run, then article, then position, each with the range of the places
    that it seeds with.

    A place seeds with the places of the same run in the next MAX_PARTNERS articles that have it,
    unless the run is in one article only, all stop words, or boilerplate (more than
    MAX_SEED_REPEATS times in one article).
    """

    def __init__(self, articles: list[ArticleWords], stop_ids: set[int]):
        # C ints throughout, and each temporary array dropped once used: built whole at once, the
        # index would cost several times what it keeps.
        counts = [max(len(article.ids) - SEED_WORDS + 1, 0) for article in articles]
        self.firsts = np.cumsum([0, *counts], dtype=np.intc)  # each article's first place
        words = [np.frombuffer(article.ids, dtype=np.intc) for article in articles]
        nothing = [np.empty(0, dtype=np.intc)]
        runs = [  # column k: the k-th word of each place's run
            np.concatenate([ids[k : k + count] for ids, count in zip(words, counts, strict=True)] or nothing)
            for k in range(SEED_WORDS)
        ]
        order = np.lexsort(runs[::-1]).astype(np.intc)  # stable: places stay in article and position order
        for k, run in enumerate(runs):
            runs[k] = run[order]
        size = len(order)
        self.article = np.repeat(np.arange(len(articles), dtype=np.intc), counts)[order]
        self.position = order - self.firsts[self.article]
        self.place = np.empty_like(order)  # where the order has each place
        self.place[order] = np.arange(size, dtype=np.intc)
        del order
        # Runs, and blocks: the places of one run in one article.
        new_run, new_block = np.ones(size, dtype=bool), np.ones(size, dtype=bool)
        new_run[1:] = ~np.logical_and.reduce([run[1:] == run[:-1] for run in runs])
        new_block[1:] = new_run[1:] | (self.article[1:] != self.article[:-1])
        run_starts = np.flatnonzero(new_run)
        stop = np.array(sorted(stop_ids), dtype=np.intc)
        all_stop = np.logical_and.reduce([np.isin(run[run_starts], stop) for run in runs])
        del runs
        block_ends = np.append(np.flatnonzero(new_block), size).astype(np.intc)
        block_of = np.cumsum(new_block, dtype=np.intc) - 1
        run_of = np.cumsum(new_run, dtype=np.intc) - 1
        del new_run, new_block
        run_first_block = block_of[run_starts]
        run_end_block = np.append(run_first_block[1:], len(block_ends) - 1)
        repeats = np.maximum.reduceat(np.diff(block_ends), run_first_block) if size else run_first_block
        seeding = (run_end_block - run_first_block >= 2) & (repeats <= MAX_SEED_REPEATS) & ~all_stop
        # A place seeds with the places from the next block of its run to the MAX_PARTNERS-th.
        self.first = block_ends[block_of + 1]
        last = np.minimum(block_of + MAX_PARTNERS + 1, run_end_block[run_of])
        del block_of
        self.last = np.where(seeding[run_of], block_ends[last], self.first)

    def pair_seeds(self, a: int) -> Iterator[tuple[int, list[tuple[int, int]]]]:
        """Per article b after a that shares runs with it (in order): the (i, j) positions in a and
        b where a shared run begins, sorted."""
        places = self.place[self.firsts[a] : self.firsts[a + 1]]
        first, counts = self.first[places], self.last[places] - self.first[places]
        total = int(counts.sum())
        if not total:
            return
        i = np.repeat(np.arange(len(places)), counts)
        # The partners' places: each place's range, one after another.
        partner = np.arange(total) + np.repeat(first - np.cumsum(counts) + counts, counts)
        b, j = self.article[partner], self.position[partner]
        order = np.lexsort((j, i, b))
        b, i, j = b[order], i[order], j[order]
        bounds = [0, *(np.flatnonzero(b[1:] != b[:-1]) + 1).tolist(), total]
        for start, end in zip(bounds, bounds[1:], strict=False):
            yield int(b[start]), list(zip(i[start:end].tolist(), j[start:end].tolist(), strict=True))


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


def _extension(article_a: ArticleWords, article_b: ArticleWords, i: int, j: int, step: int) -> int:
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
    a: int,
    article_a: ArticleWords,
    b: int,
    article_b: ArticleWords,
    chain: list[tuple[int, int]],
    stop_ids: set[int],
) -> list[Region]:
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
    article_a: ArticleWords,
    a0: int,
    a1: int,
    b: int,
    article_b: ArticleWords,
    b0: int,
    b1: int,
    stop_ids: set[int],
) -> Region | None:
    """Aligned spans with their loose edges trimmed, if what is left is a shared passage."""
    ids_a, ids_b = article_a.ids, article_b.ids

    def loose(x: int, y: int, edge_x: int, edge_y: int) -> bool:
        """Whether an edge word pair is no part of the passage: unequal, or a stop word mid-sentence."""
        if ids_a[x] != ids_b[y]:
            return True
        sentence_edge = article_a.sentence_starts[edge_x] or article_b.sentence_starts[edge_y]
        return ids_a[x] in stop_ids and not sentence_edge

    a0, a1, b0, b1 = _without_run_on_seeds(article_a, article_b, a0, a1, b0, b1)
    while a0 < a1 and b0 < b1 and loose(a0, b0, a0, b0):
        a0, b0 = a0 + 1, b0 + 1
    while a0 < a1 and b0 < b1 and loose(a1 - 1, b1 - 1, a1, b1):
        a1, b1 = a1 - 1, b1 - 1
    if min(a1 - a0, b1 - b0) < SHARED_MIN_WORDS:
        return None
    matched = LCSseq.similarity(ids_a[a0:a1], ids_b[b0:b1])
    if matched >= SHARED_MIN_WORDS and 2 * matched / (a1 - a0 + b1 - b0) >= MIN_SIMILARITY:
        return Region(a, a0, a1, b, b0, b1)
    return None


def _without_run_on_seeds(
    article_a: ArticleWords, article_b: ArticleWords, a0: int, a1: int, b0: int, b1: int
) -> tuple[int, int, int, int]:
    """The spans without the few words of another sentence at an edge: a seed that ran on."""
    starts_a, starts_b = article_a.sentence_starts, article_b.sentence_starts
    for k in range(SEED_WORDS - 1, 0, -1):
        if a0 + k < a1 and b0 + k < b1 and (starts_a[a0 + k] or starts_b[b0 + k]):
            a0, b0 = a0 + k, b0 + k
            break
    for k in range(SEED_WORDS - 1, 0, -1):
        if a1 - k > a0 and b1 - k > b0 and (starts_a[a1 - k] or starts_b[b1 - k]):
            a1, b1 = a1 - k, b1 - k
            break
    return a0, a1, b0, b1


def cut_region(
    region: Region, cuts_a: set[int], cuts_b: set[int], articles: list[ArticleWords], stop_ids: set[int]
) -> list[Region]:
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
